package io.rekey.worker.engine;

import io.rekey.schema.Category;
import io.rekey.schema.FailureKind;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretType;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The state of one rotation, as its {@link RotationEvent}s describe it: rebuilding a rotation after a crash is
 * folding its events with {@link #evolve(RotationEvent)}, the same function the live engine applies.
 *
 * @param previousVersionId CURRENT version when the rotation was prepared; {@code null} if the secret had none
 * @param attemptStartedAt  when the current attempt started, for the total rotation timeout
 * @param retryAt           when a scheduled retry starts, or when a failed rollback is tried again
 * @param failureKind       how the failure that started a rollback is handled
 */
public record Rotation(
        String rotationId,
        String secretId,
        RotationPhase phase,
        int attempt,
        RotationReason reason,
        int priority,
        String requestedBy,
        String incidentId,
        boolean dryRun,
        boolean force,
        Duration gracePeriod,
        SecretType secretType,
        Category category,
        String previousVersionId,
        String fingerprint,
        Instant attemptStartedAt,
        Instant cleanupDueAt,
        Instant retryAt,
        String error,
        FailureKind failureKind) {

    private static final Set<RotationPhase> TERMINAL = EnumSet.of(
            RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.REFUSED, RotationPhase.ABANDONED);

    public Rotation {
        Objects.requireNonNull(rotationId, "rotationId must not be null");
        Objects.requireNonNull(secretId, "secretId must not be null");
        Objects.requireNonNull(phase, "phase must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
    }

    /** A rotation accepted from a verified command, in phase REQUESTED. */
    public static Rotation requested(RotationCommand command, Instant now) {
        return new Rotation(command.getRotationId(), command.getSecretId(), RotationPhase.REQUESTED, 1,
                command.getReason(), command.getPriority(), command.getRequestedBy(), command.getIncidentId(),
                command.getDryRun(), command.getForce(),
                command.getGracePeriodMs() == null ? null : Duration.ofMillis(command.getGracePeriodMs()),
                null, null, null, null, now, null, null, null, null);
    }

    /** The first event of a rotation (REQUESTED, or REFUSED for one that never started). */
    public static Rotation from(RotationEvent first) {
        return new Rotation(first.getRotationId(), first.getSecretId(), first.getPhase(), first.getAttempt(),
                first.getReason(), first.getPriority(), first.getRequestedBy(), first.getIncidentId(),
                first.getDryRun(), first.getForce(),
                first.getGracePeriodMs() == null ? null : Duration.ofMillis(first.getGracePeriodMs()),
                first.getSecretType(), first.getCategory(), first.getPreviousVersionId(), first.getFingerprint(),
                first.getOccurredAt(), first.getCleanupDueAt(), first.getRetryAt(), first.getError(), first.getFailureKind());
    }

    /** The state after {@code event}; fields the event leaves empty keep their value. */
    public Rotation evolve(RotationEvent event) {
        if (!event.getRotationId().equals(rotationId)) {
            throw new IllegalArgumentException("event of rotation " + event.getRotationId() + " applied to " + rotationId);
        }
        boolean newAttempt = event.getAttempt() > attempt;
        return new Rotation(rotationId, secretId, event.getPhase(), Math.max(attempt, event.getAttempt()),
                reason, priority, requestedBy, incidentId, dryRun, force,
                event.getGracePeriodMs() == null ? gracePeriod : Duration.ofMillis(event.getGracePeriodMs()),
                or(event.getSecretType(), secretType), or(event.getCategory(), category),
                or(event.getPreviousVersionId(), previousVersionId),
                newAttempt ? event.getFingerprint() : or(event.getFingerprint(), fingerprint),
                newAttempt ? event.getOccurredAt() : attemptStartedAt,
                event.getCleanupDueAt() != null ? event.getCleanupDueAt() : cleanupDueAt,
                event.getRetryAt(),
                event.getError(),
                newAttempt ? event.getFailureKind() : or(event.getFailureKind(), failureKind));
    }

    public boolean isTerminal() {
        return TERMINAL.contains(phase);
    }

    public Rotation withPhase(RotationPhase next) {
        return new Rotation(rotationId, secretId, next, attempt, reason, priority, requestedBy, incidentId, dryRun, force,
                gracePeriod, secretType, category, previousVersionId, fingerprint, attemptStartedAt, cleanupDueAt, retryAt, error,
                failureKind);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
