package io.rekey.cli.dev;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.kafka.Commands;
import io.rekey.devstack.Ports;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.serde.RegistrySettings;
import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.Topics;
import io.rekey.store.Label;
import io.rekey.store.SecretValue;
import io.rekey.testkit.postgres.Postgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dev stack from this build as {@code ./rekey dev up} runs it: broker and registry processes, the three services'
 * jars, the demo on this machine's databases and brokers; stopped, then started again on the data it kept.
 */
class DevStackIT {

    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    /** The seeded secrets with a real target, each rotated once through the stack (the seed must fit the adapters). */
    private static final List<String> ROTATED_BY_HAND = List.of("mq/events", "db/billing", "jwt/signing-key", "mq/admin");
    private static final Set<RotationPhase> ENDS = EnumSet.copyOf(RotationWatcher.ROTATED);

    static {
        ENDS.addAll(RotationWatcher.UNSUCCESSFUL);
    }

    @Test
    void runsTheWholePipelineStopsWithoutOrphansAndRunsAgainOnKeptData(@TempDir Path dataDir) throws Exception {
        DevStack.Settings settings = settings(dataDir, true);
        List<Long> pids = new ArrayList<>();
        Map<String, Integer> firstIds;

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8);
        Instant started = Instant.now();
        try (DevStack stack = DevStack.start(settings, out)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                        .containsAll(Topics.ALL.stream().map(Topic::name).toList());
            }
            assertThat(text(progress)).as("the demo accounts on this machine's services").doesNotContain("not prepared");
            ConfluentRegistryClient registry = new ConfluentRegistryClient(RegistrySettings.of(stack.registryUrl()));
            assertThat(registry.subjects()).containsAll(Topics.ALL.stream().map(Topic::valueSubject).toList());
            firstIds = schemaIds(registry);

            assertThat(stack.services()).extracting(s -> s.service().name())
                    .containsExactly("rotation-worker", "audit-stream", "lifecycle-service");
            HttpClient http = HttpClient.newHttpClient();
            for (DevStack.RunningService service : stack.services()) {
                assertThat(get(http, service.url() + "/health", null).statusCode()).as(service.service().name()).isEqualTo(200);
            }
            DevMonitor monitor = new DevMonitor(stack.clients(), started, out, Clock.systemUTC());
            stack.onClose(monitor);

            try (CliKafka kafka = new CliKafka(stack.clients());
                 RotationWatcher watcher = new RotationWatcher(stack.clients(), started)) {
                assertThat(DemoScenario.run(kafka, stack.keys(), out)).as(text(progress)).isEqualTo(RotationPhase.SUCCEEDED);
                try (SecretValue password = stack.store().read("rekey/db/orders", Label.CURRENT).orElseThrow()) {
                    assertThat(Postgres.canLogin(DemoAccounts.POSTGRES_ROLE, password.reveal()))
                            .as("the demo role logs in with the password rekey stored").isTrue();
                }

                List<String> rotationIds = new ArrayList<>();
                for (String secretId : ROTATED_BY_HAND) {
                    RotationCommand command = Commands.signed(secretId, RotationReason.MANUAL, "dev-stack-it", null, true, false,
                            null, 0, DevKeys.CLI_ISSUER, stack.keys().cliKey(), Instant.now());
                    kafka.send(Topics.ROTATION_COMMANDS.name(), secretId, command);
                    rotationIds.add(command.getRotationId());
                }
                for (int i = 0; i < rotationIds.size(); i++) {
                    RotationEvent end = watcher.awaitPhase(rotationIds.get(i), ENDS, Duration.ofSeconds(90))
                            .orElseThrow(() -> new AssertionError("no end for " + text(progress)));
                    assertThat(RotationWatcher.ROTATED).as(ROTATED_BY_HAND.get(i) + ": " + end.getError()).contains(end.getPhase());
                }

                String token = DevTokens.mint(Files.readString(stack.keys().apiTokenSecret()).trim(), "dev-stack-it", "viewer",
                        Duration.ofMinutes(5), Instant.now());
                String lifecycle = stack.services().get(2).url();
                assertThat(get(http, lifecycle + "/secrets/db/orders", token).statusCode()).isEqualTo(200);
                assertThat(get(http, lifecycle + "/secrets/db/orders", null).statusCode()).isEqualTo(401);

                // cache/sessions rotates at registration and on a two-minute cron: the lifecycle service schedules it, the worker rotates it.
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                        assertThat(watcher.all().values()).as(text(progress)).anySatisfy(e -> {
                            assertThat(e.getSecretId()).isEqualTo("cache/sessions");
                            assertThat(e.getReason()).isEqualTo(RotationReason.SCHEDULED);
                            assertThat(RotationWatcher.ROTATED).contains(e.getPhase());
                        }));
            }
            // The demo traffic's rogue insider, caught by the audit stream and shown by the monitor.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(monitor.totals().anomalies()).as(text(progress))
                            .containsKeys("HONEYTOKEN", "EXCESSIVE_ACCESS", "FAILED_ATTEMPTS", "PRIVILEGE_ESCALATION"));
            assertThat(monitor.totals().anomalies()).as("only the rogue insider is an anomaly: %s", text(progress))
                    .containsEntry("HONEYTOKEN", 1).containsEntry("IP_RANGE_VIOLATION", 1);
            assertThat(monitor.totals().deadLetters()).isZero();

            // Leak canary: no stored secret value (any version), plain, base64 or hex, on any topic, in any log, JWKS
            // document or metrics page of the run, nor in what the stack printed.
            LeakCanary canary = LeakCanary.of(stack.store(), storePaths());
            assertThat(canary.versions()).as("stored versions looked for")
                    .containsKeys("rekey/db/orders", "rekey/db/billing", "rekey/cache/sessions", "rekey/mq/events",
                            "rekey/mq/admin", "rekey/jwt/signing-key");
            canary.searchTopics(stack.clients().adminConfig());
            canary.searchFiles(settings.logs());
            canary.searchFiles(settings.dataDir().resolve("jwks"));
            for (DevStack.RunningService service : stack.services()) {
                canary.search(service.service().name() + " /prometheus",
                        get(http, service.url() + "/prometheus", null).body().getBytes(StandardCharsets.UTF_8));
            }
            canary.search("the dev stack's output", progress.toByteArray());
            assertThat(canary.searched()).as("places searched").containsKeys("topic " + Topics.ROTATION_EVENTS.name(),
                    "topic " + Topics.ACCESS_EVENTS.name(), "rotation-worker /prometheus");
            assertThat(canary.findings()).as("secret values found (only where, never the value)").isEmpty();

            ProcessHandle.current().children().forEach(child -> {
                pids.add(child.pid());
                child.descendants().forEach(d -> pids.add(d.pid()));
            });
            assertThat(text(progress)).contains("created topics");
        }

        assertThat(pids).isNotEmpty().allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid + " still alive").isFalse());
        assertThat(Ports.isListening(settings.kafkaPort())).isFalse();
        assertThat(Ports.isListening(settings.registryPort())).isFalse();

        progress.reset();
        try (DevStack again = DevStack.start(settings(dataDir, false), out); CliKafka kafka = new CliKafka(again.clients())) {
            assertThat(text(progress)).contains("topics already exist").doesNotContain("not prepared");
            assertThat(schemaIds(new ConfluentRegistryClient(RegistrySettings.of(again.registryUrl()))))
                    .as("schema ids survive a restart, so records already on the topics stay readable")
                    .isEqualTo(firstIds);
            assertThat(DemoScenario.run(kafka, again.keys(), out)).as(text(progress)).isEqualTo(RotationPhase.SUCCEEDED);
        }
    }

    private static List<String> storePaths() throws IOException {
        List<String> paths = new ArrayList<>();
        new ObjectMapper().readTree(HOME.resolve("lifecycle-service/demo/demo-secrets.json").toFile())
                .forEach(secret -> paths.add(secret.get("storePath").asText()));
        return paths;
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> schemaIds(ConfluentRegistryClient registry) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topic<?> topic : Topics.ALL) {
            ids.put(topic.valueSubject(), registry.register(topic.valueSubject(),
                    org.apache.avro.specific.SpecificData.get().getSchema(topic.valueType()).toString()));
        }
        return ids;
    }

    /** A store database of its own (its values are sealed with this data directory's keyset), wiped on the first start. */
    private static DevStack.Settings settings(Path dataDir, boolean fresh) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        DevStack.SERVICES.forEach(s -> ports.put(s.name(), Ports.free()));
        return new DevStack.Settings(HOME, dataDir, Ports.free(), Ports.free(), Ports.free(), ports, "rekey_dev_it", fresh, true, true);
    }
}
