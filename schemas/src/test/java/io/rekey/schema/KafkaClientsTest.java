package io.rekey.schema;

import io.rekey.schema.client.KafkaClients;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientsTest {

    @Test
    void rejectsBootstrapServersThatAreNotHostAndPortNamingTheSetting() {
        assertThatThrownBy(() -> KafkaClients.of("localhost", "http://127.0.0.1:8081"))
                .hasMessageContaining("REKEY_KAFKA_BOOTSTRAP_SERVERS").hasMessageContaining("'localhost' is not host:port");
        assertThatThrownBy(() -> KafkaClients.of(" ", "http://127.0.0.1:8081"))
                .hasMessageContaining("must be set");
    }

    @Test
    void rejectsARegistryUrlWithAnApiPath() {
        assertThatThrownBy(() -> KafkaClients.of("127.0.0.1:9092", "http://127.0.0.1:8081/apis/ccompat/v7"))
                .hasMessageContaining("registry root");
    }

    @Test
    void consumersReadCommittedAndProducersAreIdempotentWithSecuritySettingsEverywhere() {
        KafkaClients clients = new KafkaClients("a:1,b:2", io.rekey.schema.serde.RegistrySettings.of("http://r:8081"),
                Map.of("security.protocol", "SASL_PLAINTEXT"));

        assertThat(clients.consumerConfig("g", "c")).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(clients.producerConfig("p")).containsEntry("acks", "all").containsEntry("enable.idempotence", true)
                .containsEntry("apicurio.registry.as-confluent", true).containsEntry("security.protocol", "SASL_PLAINTEXT");
        assertThat(clients.transactionalProducerConfig("p", "tx-1")).containsEntry("transactional.id", "tx-1");
        assertThat(clients.adminConfig()).containsEntry("bootstrap.servers", "a:1,b:2");
    }
}
