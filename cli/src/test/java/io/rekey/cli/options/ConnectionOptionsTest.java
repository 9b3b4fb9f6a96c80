package io.rekey.cli.options;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CLI reaches a SASL-secured cluster with the same variables as the services. */
class ConnectionOptionsTest {

    @Test
    void withoutSecurityVariablesTheClientsArePlaintext() {
        assertThat(ConnectionOptions.security(Map.of())).isEmpty();
    }

    @Test
    void saslSettingsTakeTheJaasConfigurationFromItsFile(@TempDir Path dir) throws IOException {
        Path jaas = Files.writeString(dir.resolve("cli.jaas"),
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rekey-cli\" password=\"pw-from-file\";");

        Map<String, String> security = ConnectionOptions.security(Map.of(
                "REKEY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "REKEY_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "REKEY_KAFKA_SASL_JAAS_CONFIG_FILE", jaas.toString()));

        assertThat(security).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", Files.readString(jaas)).doesNotContainKey("sasl.jaas.config.file");
    }

    @Test
    void aSaslProtocolWithoutItsJaasFileIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ConnectionOptions.security(Map.of(
                "REKEY_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "REKEY_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE");
    }
}
