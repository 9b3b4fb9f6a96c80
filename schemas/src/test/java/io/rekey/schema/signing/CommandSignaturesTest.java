package io.rekey.schema.signing;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationReason;
import io.rekey.schema.signing.CommandVerifier.Verdict;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandSignaturesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final KeyPair CLI = IssuerKeys.generate();
    private static final KeyPair OTHER = IssuerKeys.generate();

    private final CommandVerifier verifier = new CommandVerifier(Map.of("cli", CLI.getPublic(), "old", OTHER.getPublic()),
            Set.of("old"), Duration.ofMinutes(10), Duration.ofSeconds(30));

    @Test
    void acceptsACommandSignedByATrustedKey() {
        RotationCommand signed = CommandSignatures.sign(command(NOW), "cli", CLI.getPrivate());

        assertThat(signed.getIssuerKeyId()).isEqualTo("cli");
        assertThat(verifier.verify(signed, NOW.plusSeconds(5))).isInstanceOf(Verdict.Accepted.class);
    }

    @Test
    void refusesEveryAlteredField() {
        RotationCommand signed = CommandSignatures.sign(command(NOW), "cli", CLI.getPrivate());
        RotationCommand[] tampered = {
                RotationCommand.newBuilder(signed).setSecretId("db/other").build(),
                RotationCommand.newBuilder(signed).setRotationId("r-2").build(),
                RotationCommand.newBuilder(signed).setReason(RotationReason.SCHEDULED).build(),
                RotationCommand.newBuilder(signed).setForce(true).build(),
                RotationCommand.newBuilder(signed).setDryRun(true).build(),
                RotationCommand.newBuilder(signed).setGracePeriodMs(1L).build(),
                RotationCommand.newBuilder(signed).setIncidentId(null).build(),
                RotationCommand.newBuilder(signed).setIssuedAt(NOW.plusSeconds(1)).build(),
                RotationCommand.newBuilder(signed).setPriority(9).build(),
        };
        for (RotationCommand command : tampered) {
            assertThat(verifier.verify(command, NOW)).isEqualTo(new Verdict.Refused("bad signature for issuer key 'cli'"));
        }
    }

    @Test
    void separatorsInValuesCannotShiftFields() {
        RotationCommand a = RotationCommand.newBuilder(command(NOW)).setRequestedBy("x\nincidentId=").setIncidentId("y").build();
        RotationCommand b = RotationCommand.newBuilder(command(NOW)).setRequestedBy("x").setIncidentId("\nincidentId=y").build();
        assertThat(CommandSignatures.canonicalForm(a)).isNotEqualTo(CommandSignatures.canonicalForm(b));
    }

    @Test
    void refusesUnsignedUntrustedRevokedForgedExpiredAndFutureCommands() {
        assertThat(verifier.verify(command(NOW), NOW)).isEqualTo(new Verdict.Refused("unsigned command"));
        assertThat(verifier.verify(CommandSignatures.sign(command(NOW), "stranger", OTHER.getPrivate()), NOW))
                .isEqualTo(new Verdict.Refused("issuer key 'stranger' is not trusted"));
        assertThat(verifier.verify(CommandSignatures.sign(command(NOW), "old", OTHER.getPrivate()), NOW))
                .isEqualTo(new Verdict.Refused("issuer key 'old' is revoked"));
        assertThat(verifier.verify(CommandSignatures.sign(command(NOW), "cli", OTHER.getPrivate()), NOW))
                .isEqualTo(new Verdict.Refused("bad signature for issuer key 'cli'"));
        assertThat(verifier.verify(CommandSignatures.sign(command(NOW.minus(Duration.ofMinutes(11))), "cli", CLI.getPrivate()), NOW))
                .isInstanceOfSatisfying(Verdict.Refused.class, r -> assertThat(r.reason()).startsWith("command expired"));
        assertThat(verifier.verify(CommandSignatures.sign(command(NOW.plusSeconds(60)), "cli", CLI.getPrivate()), NOW))
                .isInstanceOfSatisfying(Verdict.Refused.class, r -> assertThat(r.reason()).startsWith("command issued in the future"));
    }

    @Test
    void keysRoundTripThroughPemAndBadPrivateKeysAreNotEchoed() {
        KeyPair pair = IssuerKeys.generate();
        RotationCommand signed = CommandSignatures.sign(command(NOW), "k", IssuerKeys.privateKey(IssuerKeys.privatePem(pair.getPrivate())));

        assertThat(CommandSignatures.verify(signed, IssuerKeys.publicKey(IssuerKeys.publicPem(pair.getPublic())))).isTrue();
        assertThatThrownBy(() -> IssuerKeys.privateKey("c2VjcmV0LWtleS1tYXRlcmlhbA=="))
                .hasMessageNotContaining("c2VjcmV0").hasMessageContaining("not an Ed25519 private key");
    }

    private static RotationCommand command(Instant issuedAt) {
        return RotationCommand.newBuilder()
                .setId("c-1").setOccurredAt(issuedAt).setRotationId("r-1").setSecretId("db/orders")
                .setReason(RotationReason.MANUAL).setPriority(0).setRequestedBy("alice").setIncidentId("INC-1")
                .setForce(false).setDryRun(false).setGracePeriodMs(null).setIssuedAt(issuedAt)
                .setIssuerKeyId("").setSignature(ByteBuffer.allocate(0))
                .build();
    }
}
