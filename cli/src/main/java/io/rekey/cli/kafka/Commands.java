package io.rekey.cli.kafka;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationReason;
import io.rekey.schema.signing.CommandSignatures;

import java.nio.ByteBuffer;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Builds signed rotation commands. */
public final class Commands {

    private Commands() {
    }

    /** A new rotation (fresh rotationId) of {@code secretId}, signed by {@code keyId}. */
    public static RotationCommand signed(String secretId, RotationReason reason, String requestedBy, String incidentId,
                                         boolean force, boolean dryRun, Duration gracePeriod, int priority,
                                         String keyId, PrivateKey key, Instant now) {
        RotationCommand unsigned = RotationCommand.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(now)
                .setRotationId(UUID.randomUUID().toString())
                .setSecretId(secretId)
                .setReason(reason)
                .setPriority(priority)
                .setRequestedBy(requestedBy)
                .setIncidentId(incidentId)
                .setForce(force)
                .setDryRun(dryRun)
                .setGracePeriodMs(gracePeriod == null ? null : gracePeriod.toMillis())
                .setIssuedAt(now)
                .setIssuerKeyId(keyId)
                .setSignature(ByteBuffer.allocate(0))
                .build();
        return CommandSignatures.sign(unsigned, keyId, key);
    }
}
