package io.rekey.worker.it;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.TargetKind;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.apikeys.ApiKeyService;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/** API keys of an HTTP service (a real local server) rotated with GRACE_PERIOD. */
@RekeyIntegrationTest
class HttpApiKeyIT extends TargetWorkerIT {

    private static final String ADMIN_TOKEN = "admin-Token-of-the-key-service-1";
    private static final String ADMIN_SECRET = "it/apikeys/admin-" + System.nanoTime();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ApiKeyService service;

    @Override
    String instanceId() {
        return "it-apikeys";
    }

    @BeforeAll
    void startTheService() {
        service = ApiKeyService.start(ADMIN_TOKEN);
        harness.register(ADMIN_SECRET, TargetKind.NONE, RotationStrategy.SINGLE_USER, Map.of(), SecretValue.of(ADMIN_TOKEN));
    }

    @AfterAll
    void stopTheService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theOldKeyKeepsWorkingThroughTheGracePeriodConsumersAreToldAndItIsRevokedWhenTheGraceEnds() {
        String initial = "rk_test_initialKeyOfTheOrdersClient0001";
        try (LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register("orders-client", initial);
            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.SCHEDULED, java.time.Duration.ofSeconds(1));
            harness.send(command);

            beforeCleanup.awaitEntered(WAIT);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(rotated).startsWith("rk_test_").hasSize("rk_test_".length() + 40);
            assertThat(call(rotated)).as("new key accepted").isEqualTo(200);
            assertThat(call(initial)).as("old key accepted during the grace period").isEqualTo(200);
            SecretChanged changed = secretChanged(secret.secretId());
            assertThat(changed.getCurrentVersionId()).isEqualTo(command.getRotationId());
            assertThat(changed.getPreviousValidUntil()).as("consumers learn until when the old key works").isNotNull();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            assertThat(call(rotated)).isEqualTo(200);
            assertThat(call(initial)).as("old key revoked after the grace period").isEqualTo(401);
            assertThat(service.keyIdsOf(secret.secretId())).containsExactly(ApiKeyService.sha256(rotated));
            logs.assertNoneOf(rotated, initial, ADMIN_TOKEN);
        }
    }

    @Test
    void aServiceThatDoesNotAcceptTheNewKeyRollsBackToTheCurrentKeyOnly() {
        String initial = "rk_test_initialKeyOfTheBillingClient001";
        try (LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register("billing-client", initial);
            service.lagBehind(); // the API's replica stops receiving key updates: no new key can be verified

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                    RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
            assertThat(events.get(events.size() - 1).getError()).contains("the service refused the new key (HTTP 401)");
            service.catchUp();
            assertThat(service.keyIdsOf(secret.secretId())).as("only CURRENT is accepted").containsExactly(ApiKeyService.sha256(initial));
            assertThat(call(initial)).isEqualTo(200);
            assertThat(harness.value(secret, Label.CURRENT)).isEqualTo(initial);
            logs.assertNoneOf(initial, ADMIN_TOKEN);
        } finally {
            service.catchUp();
        }
    }

    private WorkerHarness.Registered register(String client, String initial) {
        String secretId = "it/apikeys/" + client + "-" + System.nanoTime();
        service.accept(initial, secretId);
        return harness.register(secretId, TargetKind.HTTP_API_KEY, RotationStrategy.GRACE_PERIOD,
                Map.of("keysUrl", service.keysUrl(), "verifyUrl", service.whoamiUrl(), "adminSecretId", ADMIN_SECRET, "keyPrefix", "rk_test_"),
                SecretValue.of(initial));
    }

    private SecretChanged secretChanged(String secretId) {
        return harness.stack.<SecretChanged>readUntil(Topics.SECRET_CHANGED.name(), WAIT, rs -> rs.stream().anyMatch(r -> secretId.equals(r.key())))
                .stream().filter(r -> secretId.equals(r.key())).map(ConsumerRecord::value).reduce((a, b) -> b).orElseThrow();
    }

    private int call(String key) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(service.whoamiUrl())).header("Authorization", "Bearer " + key).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
