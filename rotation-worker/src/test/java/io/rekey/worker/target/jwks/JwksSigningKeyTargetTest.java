package io.rekey.worker.target.jwks;

import com.nimbusds.jose.jwk.JWK;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.Samples;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwksSigningKeyTargetTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "ES384", "RS256", "PS256", "EdDSA"})
    void eachAlgorithmGoesThroughPublishVerifyAndRetirement(String alg) throws Exception {
        JwksSigningKeyTarget target = new JwksSigningKeyTarget(new JwksFiles(directory), Clock.systemUTC());
        SecretDescriptor descriptor = descriptor(Map.of("alg", alg, "rsaBits", "2048"));
        target.validate(descriptor);
        SecretValue first = target.generate(context(descriptor, null, null, null), new CredentialGenerator(new SecureRandom()));
        SecretValue second = target.generate(context(descriptor, null, first, null), new CredentialGenerator(new SecureRandom()));
        String firstKid = JWK.parse(first.reveal()).getKeyID();
        String secondKid = JWK.parse(second.reveal()).getKeyID();

        target.deploy(context(descriptor, first, null, null));
        target.verify(context(descriptor, first, null, null));
        target.deploy(context(descriptor, second, first, null));
        target.deploy(context(descriptor, second, first, null));
        target.verify(context(descriptor, second, first, null));
        assertThat(kids()).containsExactly(firstKid, secondKid);

        target.cleanup(context(descriptor, null, second, first));
        assertThat(kids()).containsExactly(secondKid);
        assertThat(Files.readString(directory.resolve("signing_app.json"))).doesNotContain("\"d\"").doesNotContain("\"p\"");
    }

    @Test
    void rollbackUnpublishesTheNewKeyAndPutsCurrentBackIfItWentMissing() throws Exception {
        JwksSigningKeyTarget target = new JwksSigningKeyTarget(new JwksFiles(directory), Clock.systemUTC());
        SecretDescriptor descriptor = descriptor(Map.of());
        SecretValue current = target.generate(context(descriptor, null, null, null), new CredentialGenerator(new SecureRandom()));
        SecretValue pending = target.generate(context(descriptor, null, current, null), new CredentialGenerator(new SecureRandom()));
        target.deploy(context(descriptor, pending, current, null));

        target.rollback(context(descriptor, pending, current, null));

        assertThat(kids()).containsExactly(JWK.parse(current.reveal()).getKeyID());
    }

    @Test
    void verifyFailsWhenTheDocumentDoesNotHoldTheNewKey() {
        JwksSigningKeyTarget target = new JwksSigningKeyTarget(new JwksFiles(directory), Clock.systemUTC());
        SecretDescriptor descriptor = descriptor(Map.of());
        SecretValue pending = target.generate(context(descriptor, null, null, null), new CredentialGenerator(new SecureRandom()));

        assertThatThrownBy(() -> target.verify(context(descriptor, pending, null, null)))
                .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("the published JWKS has no key");
    }

    @Test
    void aDocumentNameThatCouldLeaveTheDirectoryIsRefused() {
        JwksSigningKeyTarget target = new JwksSigningKeyTarget(new JwksFiles(directory), Clock.systemUTC());

        assertThatThrownBy(() -> target.validate(descriptor(Map.of("jwks", "../etc/passwd")))).isInstanceOf(TargetException.class)
                .hasMessageContaining("target parameter 'jwks'");
        assertThatThrownBy(() -> target.validate(descriptor(Map.of("alg", "HS256")))).hasMessageContaining("target parameter 'alg'");
    }

    private java.util.List<String> kids() throws Exception {
        return new JwksFiles(directory).read("signing_app").stream().map(JWK::getKeyID).toList();
    }

    private static TargetContext context(SecretDescriptor descriptor, SecretValue pending, SecretValue current, SecretValue previous) {
        return new TargetContext(descriptor, "r-1", Optional.ofNullable(pending), Optional.ofNullable(current), Optional.ofNullable(previous),
                id -> null);
    }

    private static SecretDescriptor descriptor(Map<String, String> params) {
        SecretDescriptor descriptor = Samples.descriptor("signing/app");
        descriptor.getTarget().setKind(TargetKind.JWT_SIGNING_KEY);
        descriptor.getTarget().setParams(params);
        descriptor.setStrategy(RotationStrategy.DUAL_KEY);
        return descriptor;
    }
}
