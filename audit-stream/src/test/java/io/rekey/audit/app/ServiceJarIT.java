package io.rekey.audit.app;

import io.rekey.audit.demo.DemoScenario;
import io.rekey.audit.demo.DemoTraffic;
import io.rekey.devstack.Ports;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as the dev stack launches it: the runnable jar in its own process, configured only through REKEY_*
 * environment variables, then the demo traffic. The rogue's anomalies must come out, and show in /prometheus.
 */
@RekeyIntegrationTest
class ServiceJarIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @Test
    void theJarRunsFromEnvironmentVariablesAndTheDemoTripsItsDetectors(RekeyStack stack, @TempDir Path dir) throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("rekey-audit-stream-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable jar in target/: run through mvn verify"));
        }
        int port = Ports.free();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("REKEY_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("REKEY_REGISTRY_URL", stack.registry().baseUrl().toString());
        env.put("REKEY_AUDIT_HTTP_PORT", Integer.toString(port));
        env.put("REKEY_AUDIT_APPLICATION_ID", RekeyStack.unique("audit-jar"));
        env.put("REKEY_AUDIT_STREAMS_STATE_DIR", dir.resolve("state").toString());
        Process service = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
                assertThat(service.isAlive()).as("service log: %s", log(dir)).isTrue();
                assertThat(get(http, port, "/health")).contains("\"kafkaStreams\"").contains("\"state\":\"RUNNING\"");
            });

            DemoTraffic.Sent sent = new DemoTraffic(new DemoTraffic.Options(
                    KafkaClients.of(stack.bootstrapServers(), stack.registry().baseUrl().toString()),
                    Topics.ACCESS_EVENTS.name(), Topics.REGISTRY.name(), 20, Duration.ZERO, Duration.ofSeconds(30),
                    Duration.ofSeconds(2), 0, true, 11), Clock.systemUTC(), System.out).run();
            assertThat(sent.rogueBursts()).isEqualTo(1);

            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> rogueTypes(stack).containsAll(List.of(
                    AnomalyType.EXCESSIVE_ACCESS, AnomalyType.FAILED_ATTEMPTS, AnomalyType.GEOGRAPHIC_VIOLATION,
                    AnomalyType.IP_RANGE_VIOLATION, AnomalyType.CONCURRENT_ACCESS, AnomalyType.HONEYTOKEN,
                    AnomalyType.SUSPICIOUS_PATTERN, AnomalyType.PRIVILEGE_ESCALATION)));
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(get(http, port, "/prometheus"))
                    .contains("rekey_secret_access_anomalies_total{type=\"HONEYTOKEN\"} 1.0"));
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static List<AnomalyType> rogueTypes(RekeyStack stack) {
        return stack.<Anomaly>readUntil(Topics.ANOMALIES.name(), Duration.ofSeconds(3), r -> false).stream()
                .map(r -> r.value()).filter(a -> a.getPrincipalId().equals(DemoScenario.ROGUE)).map(Anomaly::getType).toList();
    }

    private static String get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static String log(Path dir) {
        try {
            String log = Files.readString(dir.resolve("service.log"));
            return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
