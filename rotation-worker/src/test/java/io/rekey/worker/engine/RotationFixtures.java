package io.rekey.worker.engine;

import io.rekey.schema.FailureKind;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.UUID;

/** Commands and events for engine tests. */
final class RotationFixtures {

    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private RotationFixtures() {
    }

    static RotationCommand command(String rotationId, RotationReason reason) {
        return RotationCommand.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(T0).setRotationId(rotationId).setSecretId("db/orders")
                .setReason(reason).setPriority(0).setRequestedBy("alice").setIncidentId(null).setForce(false).setDryRun(false)
                .setGracePeriodMs(null).setIssuedAt(T0).setIssuerKeyId("cli").setSignature(ByteBuffer.wrap(new byte[64]))
                .build();
    }

    static RotationEvent event(String rotationId, RotationPhase phase, Instant at) {
        return RotationEvent.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(at).setRotationId(rotationId).setSecretId("db/orders")
                .setPhase(phase).setAttempt(1).setReason(RotationReason.MANUAL)
                .build();
    }

    static RotationEvent failureEvent(String rotationId, RotationPhase phase, int attempt, FailureKind kind, String error) {
        return RotationEvent.newBuilder(event(rotationId, phase, T0)).setAttempt(attempt).setFailureKind(kind).setError(error).build();
    }

    static Rotation rotationIn(RotationPhase phase) {
        return Rotation.requested(command("r-1", RotationReason.MANUAL), T0).withPhase(phase);
    }
}
