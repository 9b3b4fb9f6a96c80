package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.schema.TargetRef;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import io.rekey.testkit.vault.VaultKvStandIn;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretStore;
import io.rekey.store.vault.VaultKvSecretStore;
import io.rekey.store.vault.VaultKvSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker configured with the Vault KV v2 store rotates a stored secret; apps reading Vault get the new value. */
@RekeyIntegrationTest
class VaultStoreRotationIT {

    @Test
    void aRotationWithTheVaultStoreEndsWithTheNewValueAsTheLatestKvVersion(RekeyStack stack) throws Exception {
        try (VaultKvStandIn vault = VaultKvStandIn.start(); WorkerHarness harness = new WorkerHarness(stack)) {
            Path tokenFile = Files.writeString(harness.dir.resolve("vault.token"), vault.rootToken() + "\n");
            SecretStore store = new VaultKvSecretStore(VaultKvSettings.builder(URI.create(vault.address()), vault.rootToken())
                    .pathPrefix("rekey").build());
            String secretId = "it/vault-" + System.nanoTime();
            SecretDescriptor descriptor = Samples.descriptor(secretId);
            descriptor.setStorePath("apps/" + System.nanoTime());
            descriptor.setTarget(TargetRef.newBuilder().setKind(TargetKind.NONE).setParams(Map.of()).build());
            descriptor.getRotationPolicy().setGracePeriodSeconds(0L);
            stack.send(Topics.REGISTRY.name(), Map.entry(secretId, descriptor));
            store.putCurrent(descriptor.getStorePath(), "v0", SecretValue.of("initial-api-token-Rr2"), null);

            try (ApplicationContext worker = harness.startWorker("it-vault", Map.of(
                    "rekey.worker.store.type", "vault",
                    "rekey.worker.store.vault.address", vault.address(),
                    "rekey.worker.store.vault.token-file", tokenFile.toString(),
                    "rekey.worker.store.vault.path-prefix", "rekey"))) {
                RotationCommand command = harness.command(secretId, RotationReason.MANUAL);
                harness.send(command);

                List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofSeconds(60),
                        RotationPhase.SUCCEEDED, RotationPhase.FAILED);

                assertThat(events.get(events.size() - 1).getPhase()).isEqualTo(RotationPhase.SUCCEEDED);
                String current = store.read(descriptor.getStorePath(), Label.CURRENT).orElseThrow().reveal();
                assertThat(current).isNotEqualTo("initial-api-token-Rr2").hasSize(32);
                assertThat(store.describe(descriptor.getStorePath()).orElseThrow().versionWith(Label.CURRENT)).contains(command.getRotationId());
                HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(vault.address() + "/v1/secret/data/rekey/" + descriptor.getStorePath()))
                        .header("X-Vault-Token", vault.rootToken()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(latest.body()).as("an app reading the latest KV version gets the new value").contains(current);
            }
        }
    }
}
