package io.rekey.schema.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSecurityTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rekey-worker\" "
            + "password=\"s3cret-in-a-file\";";

    @Test
    void plaintextByDefaultWithBlankSettingsIgnored() {
        assertThat(KafkaSecurity.resolve(Map.of("security.protocol", "PLAINTEXT", "sasl.mechanism", "", KafkaSecurity.JAAS_FILE, " ")))
                .isEqualTo(Map.of("security.protocol", "PLAINTEXT"));
        assertThat(KafkaSecurity.resolve(null)).isEmpty();
    }

    @Test
    void saslReadsTheJaasConfigurationFromItsFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("worker.jaas"), JAAS + "\n");

        Map<String, String> settings = KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", KafkaSecurity.JAAS_FILE, file.toString()));

        assertThat(settings).containsEntry("sasl.jaas.config", JAAS).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").doesNotContainKey(KafkaSecurity.JAAS_FILE);
    }

    @Test
    void aPasswordInPlainConfigurationIsRefused() {
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS))).hasMessageContaining("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("ssl.keystore.password", "x")))
                .hasMessageContaining("rekey.kafka.security.ssl.keystore.password");
    }

    @Test
    void badSettingsAreNamedWithTheAllowedValues(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL")))
                .hasMessageContaining("REKEY_KAFKA_SECURITY_PROTOCOL").hasMessageContaining("SASL_SSL");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL", KafkaSecurity.JAAS_FILE, "/x")))
                .hasMessageContaining("REKEY_KAFKA_SASL_MECHANISM").hasMessageContaining("SCRAM-SHA-512");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512")))
                .hasMessageContaining("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                KafkaSecurity.JAAS_FILE, dir.resolve("missing").toString()))).hasMessageContaining("cannot read");
        Path notJaas = Files.writeString(dir.resolve("bad.jaas"), "password=s3cret-in-a-file");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                KafkaSecurity.JAAS_FILE, notJaas.toString()))).hasMessageContaining("does not hold a JAAS").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> KafkaSecurity.resolve(Map.of("sasl.mechanism", "SCRAM-SHA-512")))
                .hasMessageContaining("REKEY_KAFKA_SECURITY_PROTOCOL is PLAINTEXT");
    }
}
