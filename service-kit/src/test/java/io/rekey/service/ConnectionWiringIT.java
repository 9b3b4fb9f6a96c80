package io.rekey.service;

import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.rekey.schema.client.KafkaClients;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RekeyIntegrationTest
class ConnectionWiringIT {

    @Test
    void healthIsUpWhenBrokerAndRegistryAnswer(RekeyStack stack) {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "rekey.kafka.bootstrap-servers", stack.bootstrapServers(),
                "rekey.registry.url", stack.registry().baseUrl().toString()))) {
            assertThat(status(context.getBean(KafkaHealthIndicator.class))).isEqualTo(HealthStatus.UP);
            assertThat(status(context.getBean(RegistryHealthIndicator.class))).isEqualTo(HealthStatus.UP);
            assertThat(context.getBean(KafkaClients.class).bootstrapServers()).isEqualTo(stack.bootstrapServers());
        }
    }

    @Test
    void healthIsDownWhenNothingListens() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "rekey.kafka.bootstrap-servers", "127.0.0.1:1",
                "rekey.registry.url", "http://127.0.0.1:1"))) {
            assertThat(status(context.getBean(KafkaHealthIndicator.class))).isEqualTo(HealthStatus.DOWN);
            assertThat(status(context.getBean(RegistryHealthIndicator.class))).isEqualTo(HealthStatus.DOWN);
        }
    }

    @Test
    void badSettingStopsStartUpNamingIt() {
        assertThatThrownBy(() -> ApplicationContext.run(Map.of(
                "rekey.kafka.bootstrap-servers", "kafka-without-port",
                "rekey.registry.url", "http://127.0.0.1:8081")))
                .rootCause().hasMessageContaining("REKEY_KAFKA_BOOTSTRAP_SERVERS").hasMessageContaining("kafka-without-port");
    }

    private static HealthStatus status(io.micronaut.management.health.indicator.HealthIndicator indicator) {
        HealthResult result = Mono.from(indicator.getResult()).block();
        return result.getStatus();
    }
}
