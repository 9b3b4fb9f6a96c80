package io.rekey.worker.target;

import io.rekey.store.SecretValue;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserCredentialTest {

    @Test
    void theJsonFormRoundTripsWithExtraFields() {
        SecretValue value = new UserCredential("app_clone", SecretValue.of("s3cr\"et\\pw")).toSecretValue(Map.of("lease_id", "database/creds/app/x1"));

        UserCredential.Parsed parsed = UserCredential.parseJson(value);

        assertThat(parsed.credential().username()).isEqualTo("app_clone");
        assertThat(parsed.credential().password().reveal()).isEqualTo("s3cr\"et\\pw");
        assertThat(parsed.extra().path("lease_id").asText()).isEqualTo("database/creds/app/x1");
        assertThat(parsed.extra().has("password")).isFalse();
    }

    @Test
    void aBarePasswordBelongsToTheDefaultUser() {
        UserCredential credential = UserCredential.parse(SecretValue.of("plain-old-password"), "app");

        assertThat(credential.username()).isEqualTo("app");
        assertThat(credential.password().reveal()).isEqualTo("plain-old-password");
        assertThat(credential.toString()).doesNotContain("plain-old-password");
    }

    @Test
    void malformedJsonIsRefusedWithoutQuotingTheValue() {
        assertThatThrownBy(() -> UserCredential.parse(SecretValue.of("{\"username\":\"app\",\"password\":\"leaky-Secret-7"), "app"))
                .isInstanceOf(TargetException.class).message().doesNotContain("leaky-Secret-7");
        assertThatThrownBy(() -> UserCredential.parse(SecretValue.of("{\"username\":\"app\",\"pw\":\"leaky-Secret-7\"}"), "app"))
                .isInstanceOf(TargetException.class).message().doesNotContain("leaky-Secret-7");
    }
}
