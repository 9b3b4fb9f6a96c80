package io.rekey.schema.signing;

import io.rekey.schema.RotationCommand;

import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a rotation command comes from a trusted issuer and is fresh: signed by a configured,
 * non-revoked Ed25519 key, issued no longer than {@code maxAge} ago and not in the future beyond
 * {@code clockSkew}. Replay of a fresh command is the consumer's to detect (it knows which rotation ids it saw).
 */
public final class CommandVerifier {

    /** Outcome of a check: accepted, or refused with a reason fit for a dead letter and an audit record. */
    public sealed interface Verdict {
        record Accepted() implements Verdict { }

        record Refused(String reason) implements Verdict { }
    }

    private final Map<String, PublicKey> trustedKeys;
    private final Set<String> revokedKeyIds;
    private final Duration maxAge;
    private final Duration clockSkew;

    public CommandVerifier(Map<String, PublicKey> trustedKeys, Set<String> revokedKeyIds, Duration maxAge, Duration clockSkew) {
        this.trustedKeys = Map.copyOf(Objects.requireNonNull(trustedKeys, "trustedKeys must not be null"));
        this.revokedKeyIds = Set.copyOf(Objects.requireNonNull(revokedKeyIds, "revokedKeyIds must not be null"));
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge must not be null");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew must not be null");
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("command max age must be positive, was " + maxAge);
        }
    }

    public Verdict verify(RotationCommand command, Instant now) {
        String keyId = command.getIssuerKeyId();
        if (command.getSignature() == null || command.getSignature().remaining() == 0) {
            return new Verdict.Refused("unsigned command");
        }
        if (keyId == null || keyId.isBlank()) {
            return new Verdict.Refused("command names no issuer key");
        }
        if (revokedKeyIds.contains(keyId)) {
            return new Verdict.Refused("issuer key '" + keyId + "' is revoked");
        }
        PublicKey key = trustedKeys.get(keyId);
        if (key == null) {
            return new Verdict.Refused("issuer key '" + keyId + "' is not trusted");
        }
        if (!CommandSignatures.verify(command, key)) {
            return new Verdict.Refused("bad signature for issuer key '" + keyId + "'");
        }
        Instant issuedAt = command.getIssuedAt();
        if (issuedAt.isAfter(now.plus(clockSkew))) {
            return new Verdict.Refused("command issued in the future (" + issuedAt + ", now " + now + ")");
        }
        if (issuedAt.isBefore(now.minus(maxAge))) {
            return new Verdict.Refused("command expired: issued " + issuedAt + ", older than " + maxAge);
        }
        return new Verdict.Accepted();
    }
}
