package io.rekey.worker.target;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.testkit.Samples;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetParamsTest {

    @Test
    void aMissingRequiredParameterIsRefusedNamingTheSecretAndTheParameter() {
        assertThatThrownBy(() -> params(Map.of()).required("user"))
                .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("target parameter 'user' of db/orders is required");
    }

    @Test
    void numbersFlagsAndChoicesAreCheckedAgainstWhatIsAllowed() {
        TargetParams params = params(Map.of("port", "70000", "tls", "yes", "persist", "sometimes", "blank", " "));

        assertThatThrownBy(() -> params.port("port", 6379)).hasMessage("target parameter 'port' of db/orders must be between 1 and 65535, was '70000'");
        assertThatThrownBy(() -> params.flag("tls", false)).hasMessage("target parameter 'tls' of db/orders must be true or false, was 'yes'");
        assertThatThrownBy(() -> params.oneOf("persist", "auto", "auto", "none"))
                .hasMessage("target parameter 'persist' of db/orders must be one of auto, none, was 'sometimes'");
        assertThat(params.optional("blank", "fallback")).isEqualTo("fallback");
    }

    @Test
    void urlsMustNotCarryCredentialsAndUsePlainHttpOnlyOnLoopback() {
        assertThat(params(Map.of("u", "http://127.0.0.1:15672")).httpUrl("u", null).getPort()).isEqualTo(15672);
        assertThat(params(Map.of("u", "https://keys.example.com/admin")).httpUrl("u", null).getHost()).isEqualTo("keys.example.com");
        assertThatThrownBy(() -> params(Map.of("u", "http://admin:hunter2@127.0.0.1/")).httpUrl("u", null))
                .hasMessage("target parameter 'u' of db/orders must not carry credentials (user info); name an adminSecretId instead")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> params(Map.of("u", "http://keys.example.com/admin")).httpUrl("u", null))
                .hasMessageContaining("must use https for a host other than loopback");
        assertThatThrownBy(() -> params(Map.of("u", "http://127.0.0.1.example.com/")).httpUrl("u", null))
                .hasMessageContaining("must use https");
        assertThat(params(Map.of("u", "http://keys.internal/", "allowInsecureHttp", "true")).httpUrl("u", null).getHost())
                .isEqualTo("keys.internal");
        assertThatThrownBy(() -> params(Map.of("u", "file:///etc/passwd")).httpUrl("u", null)).hasMessageContaining("absolute http(s) URL");
    }

    @Test
    void namesWithControlCharactersAreRefused() {
        assertThatThrownBy(() -> params(Map.of("user", "app\u0000; DROP USER root")).name("user", null, 64))
                .hasMessageContaining("without control characters");
    }

    @Test
    void aStrategyTheAdapterDoesNotImplementIsRefused() {
        SecretDescriptor descriptor = Samples.descriptor("db/orders");
        descriptor.setStrategy(RotationStrategy.DUAL_KEY);

        assertThatThrownBy(() -> TargetParams.requireStrategy(descriptor, RotationStrategy.SINGLE_USER, RotationStrategy.ALTERNATING_USERS))
                .hasMessage("target kind " + descriptor.getTarget().getKind() + " of db/orders supports strategy [SINGLE_USER, ALTERNATING_USERS], "
                        + "not DUAL_KEY");
    }

    private static TargetParams params(Map<String, String> values) {
        SecretDescriptor descriptor = Samples.descriptor("db/orders");
        descriptor.getTarget().setParams(values);
        return TargetParams.of(descriptor);
    }
}
