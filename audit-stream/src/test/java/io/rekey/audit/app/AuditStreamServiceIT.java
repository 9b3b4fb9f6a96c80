package io.rekey.audit.app;

import io.micronaut.context.ApplicationContext;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The service as the dev stack runs it: settings from REKEY_* variables, /health, /prometheus. */
@RekeyIntegrationTest
class AuditStreamServiceIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void runsTheStreamAndReportsHealthAndMetrics(RekeyStack stack, @TempDir Path state) {
        String applicationId = RekeyStack.unique("audit-service");
        // Passed as the variables the placeholders in application.yml read, as the environment would set them.
        Map<String, Object> env = new HashMap<>(connection(stack));
        env.put("REKEY_AUDIT_APPLICATION_ID", applicationId);
        env.put("REKEY_AUDIT_STREAMS_STATE_DIR", state.toString());
        env.put("REKEY_AUDIT_EXCESSIVE_ACCESS_THRESHOLD", "3");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, env);
             HttpClient http = HttpClient.create(server.getURL())) {
            AuditConfig config = server.getApplicationContext().getBean(AuditConfig.class);
            assertThat(config.applicationId()).isEqualTo(applicationId);
            assertThat(config.detector(io.rekey.schema.AnomalyType.EXCESSIVE_ACCESS).threshold()).isEqualTo(3);

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(health(http)).contains("\"status\":\"UP\"")
                    .contains("\"kafkaStreams\"").contains("\"state\":\"RUNNING\""));

            String principal = "svc-" + UUID.randomUUID();
            Instant now = Instant.now();
            for (int i = 0; i < 3; i++) {
                stack.send(Topics.ACCESS_EVENTS.name(), Map.entry(principal, AccessEvent.newBuilder()
                        .setId(UUID.randomUUID().toString()).setOccurredAt(now.plusMillis(i)).setPrincipalId(principal)
                        .setSecretId("db/s" + i).setAction(AccessAction.READ).setOutcome(AccessResult.SUCCESS)
                        .setSourceIp("10.0.0.1").setCountry("GB").build()));
            }
            stack.sendRaw(Topics.ACCESS_EVENTS.name(), principal.getBytes(), new byte[] {42});
            await().atMost(PATIENCE).until(() -> stack.<Anomaly>readUntil(Topics.ANOMALIES.name(), Duration.ofSeconds(5),
                    r -> r.stream().anyMatch(a -> a.value().getPrincipalId().equals(principal))).stream()
                    .anyMatch(a -> a.value().getPrincipalId().equals(principal)));

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(http.toBlocking().retrieve("/prometheus"))
                    .contains("rekey_secret_access_anomalies_total{type=\"EXCESSIVE_ACCESS\"} 1.0")
                    .contains("rekey_secrets_access_total{action=\"READ\",outcome=\"SUCCESS\"} 3.0")
                    .contains("rekey_audit_dead_letters_total{reason=\"MALFORMED\"} 1.0")
                    .contains("rekey_audit_late_events_total 0.0")
                    .contains("rekey_secret_access_anomalies_suppressed_total{type=\"HONEYTOKEN\"} 0.0")
                    .contains("kafka_stream_"));
        }
    }

    @Test
    void aBadSettingStopsStartUpNamingIt(RekeyStack stack) {
        Map<String, Object> env = new HashMap<>(connection(stack));
        env.put("REKEY_AUDIT_GRACE", "soon");
        assertThatThrownBy(() -> ApplicationContext.run(EmbeddedServer.class, env).close())
                .rootCause().hasMessageContaining("rekey.audit.grace (REKEY_AUDIT_GRACE) must be a duration")
                .hasMessageContaining("'soon'");
    }

    private static Map<String, Object> connection(RekeyStack stack) {
        return Map.of("REKEY_KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "REKEY_REGISTRY_URL", stack.registry().baseUrl().toString(),
                "REKEY_AUDIT_HTTP_PORT", "-1");
    }

    private static String health(HttpClient http) {
        try {
            return http.toBlocking().retrieve("/health");
        } catch (HttpClientResponseException e) {
            // 503 while DOWN or starting: the body still tells why.
            return e.getResponse().getBody(String.class).orElse(e.getMessage());
        }
    }
}
