package io.rekey.worker.engine;

import io.rekey.schema.FailureKind;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The rotation rules, with no I/O: whether a command starts a rotation, what a rotation does next, and what
 * follows a failure. The engine asks, performs what it is told, records an event, and asks again.
 */
public final class RotationDecider {

    private static final Set<RotationPhase> BEFORE_PROMOTION = EnumSet.of(RotationPhase.REQUESTED, RotationPhase.PREPARED,
            RotationPhase.GENERATED, RotationPhase.DEPLOYED, RotationPhase.VERIFIED);

    /** Outcome of a command at intake. */
    public sealed interface Intake {
        /** The command starts a rotation. */
        record Accept(Rotation rotation) implements Intake { }

        /** The command was already handled (re-delivered or replayed): nothing happens. */
        record Duplicate(String reason) implements Intake { }

        /** The command is refused; the reason goes on a REFUSED event. */
        record Refuse(String reason) implements Intake { }
    }

    /** What follows a rollback. */
    public sealed interface AfterRollback {
        record Retry(Instant at) implements AfterRollback { }

        record Fail(String reason) implements AfterRollback { }

        record Abandon(String reason) implements AfterRollback { }
    }

    private final RetryPolicy retry;
    private final Duration rotationTimeout;
    private final Duration recentRotationGuard;
    private final Duration maxGracePeriod;

    public RotationDecider(RetryPolicy retry, Duration rotationTimeout, Duration recentRotationGuard, Duration maxGracePeriod) {
        this.retry = Objects.requireNonNull(retry, "retry must not be null");
        this.rotationTimeout = Objects.requireNonNull(rotationTimeout, "rotationTimeout must not be null");
        this.recentRotationGuard = Objects.requireNonNull(recentRotationGuard, "recentRotationGuard must not be null");
        this.maxGracePeriod = Objects.requireNonNull(maxGracePeriod, "maxGracePeriod must not be null");
    }

    /** Decides what a verified command does, given what is known of its secret. */
    public Intake intake(RotationCommand command, SecretHistory history, Instant now) {
        if (history.hasSeen(command.getRotationId())) {
            return new Intake.Duplicate("rotation " + command.getRotationId() + " was already requested");
        }
        if (command.getGracePeriodMs() != null
                && (command.getGracePeriodMs() < 0 || command.getGracePeriodMs() > maxGracePeriod.toMillis())) {
            return new Intake.Refuse("grace period " + Duration.ofMillis(command.getGracePeriodMs())
                    + " is outside 0.." + maxGracePeriod);
        }
        if (history.inFlight().isPresent()) {
            Rotation other = history.inFlight().get();
            return new Intake.Refuse("rotation " + other.rotationId() + " of " + command.getSecretId()
                    + " is in flight (phase " + other.phase() + ")");
        }
        if (command.getDryRun()) {
            return new Intake.Accept(Rotation.requested(command, now));
        }
        if (history.isFailed() && command.getReason() == RotationReason.SCHEDULED) {
            return new Intake.Refuse(command.getSecretId() + " is marked FAILED: scheduled rotations stop until a person "
                    + "rotates it manually");
        }
        if (!command.getForce() && history.promotedWithin(recentRotationGuard, now)) {
            return new Intake.Refuse(command.getSecretId() + " was rotated less than " + recentRotationGuard
                    + " ago (at " + history.lastPromotedAt().orElseThrow() + "); set force to rotate it again");
        }
        return new Intake.Accept(Rotation.requested(command, now));
    }

    /** What {@code rotation} does next at {@code now}. */
    public Step next(Rotation rotation, Instant now) {
        if (BEFORE_PROMOTION.contains(rotation.phase()) && timedOut(rotation, now)) {
            return new Step.TimeOut("rotation timed out: attempt " + rotation.attempt() + " ran longer than "
                    + rotationTimeout + " (phase " + rotation.phase() + ")");
        }
        return switch (rotation.phase()) {
            case REQUESTED -> new Step.Prepare();
            case PREPARED -> rotation.dryRun() ? new Step.ValidateDryRun() : new Step.Generate();
            case GENERATED -> new Step.Deploy();
            case DEPLOYED -> new Step.Verify();
            case VERIFIED -> new Step.Promote();
            case PROMOTED, CLEANUP_SCHEDULED -> dueOr(rotation.cleanupDueAt(), now, new Step.Cleanup());
            case ROLLING_BACK -> dueOr(rotation.retryAt(), now, new Step.RollBack());
            case RETRY_SCHEDULED -> dueOr(rotation.retryAt(), now, new Step.StartNextAttempt());
            // CLEANED_UP is followed by SUCCEEDED in the same transaction; ROLLED_BACK by its outcome.
            case CLEANED_UP, ROLLED_BACK, SUCCEEDED, FAILED, REFUSED, ABANDONED, UNKNOWN -> new Step.Done();
        };
    }

    /** The failure kind a rollback starts with; a failure in a phase nothing was changed in yet is still rolled back. */
    public FailureKind kindOf(RuntimeException failure) {
        return failure instanceof RotationFailure f ? f.kind() : FailureKind.RETRYABLE;
    }

    /** After a completed rollback: try again later, fail for good, or abandon (someone else wrote the secret). */
    public AfterRollback afterRollback(Rotation rotation, Instant now, RandomGenerator random) {
        String reason = rotation.error() == null ? "rotation failed" : rotation.error();
        if (rotation.failureKind() == FailureKind.CONFLICT) {
            return new AfterRollback.Abandon(reason);
        }
        if (rotation.dryRun() || rotation.failureKind() == FailureKind.PERMANENT) {
            return new AfterRollback.Fail(reason);
        }
        if (rotation.attempt() >= retry.maxAttempts()) {
            return new AfterRollback.Fail("gave up after " + rotation.attempt() + " attempt(s): " + reason);
        }
        return new AfterRollback.Retry(now.plus(retry.delay(rotation.attempt(), random)));
    }

    /** When a failed cleanup or rollback is tried again: the same backoff, growing with the number of tries. */
    public Instant retryAfterFailedHousekeeping(int tries, Instant now, RandomGenerator random) {
        return now.plus(retry.delay(tries, random));
    }

    private boolean timedOut(Rotation rotation, Instant now) {
        return rotation.attemptStartedAt() != null && now.isAfter(rotation.attemptStartedAt().plus(rotationTimeout));
    }

    private static Step dueOr(Instant due, Instant now, Step step) {
        return due != null && due.isAfter(now) ? new Step.WaitUntil(due) : step;
    }
}
