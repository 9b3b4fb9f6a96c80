package io.rekey.lifecycle.domain;

import io.rekey.schema.LifecycleState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A secret's lifecycle as folded from its lifecycle events: state and the facts the schedule, expiry watch and
 * reports need. Immutable; {@link StateMachine#evolve} returns the next one.
 *
 * @param state            current state; null while no CREATED event has been seen (facts about an unregistered id)
 * @param stateSince       when the current state was entered
 * @param createdAt        when the secret was registered (CREATED)
 * @param lastRotatedAt    latest ROTATED fact, from the rotation worker
 * @param rotationFailedAt latest ROTATION_FAILED fact
 * @param failureClearedAt latest event that settles a failure: a person clearing it or a later successful rotation
 * @param deletedAt        when the secret was soft-deleted; null when it is not
 * @param expiryWarnings   warnings already recorded, per lead time and the expiry they were about
 */
public record SecretStatus(String secretId, LifecycleState state, Instant stateSince, Instant createdAt,
                           Instant lastRotatedAt, String lastRotationId,
                           Instant rotationFailedAt, String failedRotationId, String failureReason,
                           Instant failureClearedAt, Instant deletedAt, Set<ExpiryWarning> expiryWarnings) {

    /** An expiry warning sent {@code leadTime} before {@code expiresAt}. */
    public record ExpiryWarning(Duration leadTime, Instant expiresAt) {
        public ExpiryWarning {
            Objects.requireNonNull(leadTime, "leadTime must not be null");
            Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        }
    }

    public SecretStatus {
        Objects.requireNonNull(secretId, "secretId must not be null");
        expiryWarnings = expiryWarnings == null ? Set.of() : Set.copyOf(expiryWarnings);
    }

    /** Facts about an id that has no CREATED event (yet). */
    public static SecretStatus unregistered(String secretId) {
        return new SecretStatus(secretId, null, null, null, null, null, null, null, null, null, null, Set.of());
    }

    /** A secret registered at {@code at}; any earlier incarnation (purged) is forgotten. */
    static SecretStatus created(String secretId, Instant at) {
        return new SecretStatus(secretId, LifecycleState.CREATED, at, at, null, null, null, null, null, null, null, Set.of());
    }

    public boolean isRegistered() {
        return state != null && state != LifecycleState.PURGED;
    }

    public boolean isSoftDeleted() {
        return deletedAt != null;
    }

    /** Whether the latest rotation failure has not been settled by a person or a later successful rotation. */
    public boolean rotationFailed() {
        return rotationFailedAt != null && (failureClearedAt == null || rotationFailedAt.isAfter(failureClearedAt));
    }

    public boolean warned(Duration leadTime, Instant expiresAt) {
        return expiryWarnings.contains(new ExpiryWarning(leadTime, expiresAt));
    }

    SecretStatus inState(LifecycleState next, Instant at) {
        return new SecretStatus(secretId, next, at, createdAt, lastRotatedAt, lastRotationId, rotationFailedAt,
                failedRotationId, failureReason, failureClearedAt, deletedAt, expiryWarnings);
    }

    SecretStatus rotated(Instant at, String rotationId) {
        if (lastRotatedAt != null && lastRotatedAt.isAfter(at)) {
            return this;
        }
        return new SecretStatus(secretId, state, stateSince, createdAt, at, rotationId, rotationFailedAt,
                failedRotationId, failureReason, latest(failureClearedAt, at), deletedAt, expiryWarnings);
    }

    SecretStatus failed(Instant at, String rotationId, String reason) {
        if (rotationFailedAt != null && rotationFailedAt.isAfter(at)) {
            return this;
        }
        return new SecretStatus(secretId, state, stateSince, createdAt, lastRotatedAt, lastRotationId, at,
                rotationId, reason, failureClearedAt, deletedAt, expiryWarnings);
    }

    SecretStatus failureCleared(Instant at) {
        return new SecretStatus(secretId, state, stateSince, createdAt, lastRotatedAt, lastRotationId, rotationFailedAt,
                failedRotationId, failureReason, latest(failureClearedAt, at), deletedAt, expiryWarnings);
    }

    SecretStatus deleted(Instant at) {
        return new SecretStatus(secretId, state, stateSince, createdAt, lastRotatedAt, lastRotationId, rotationFailedAt,
                failedRotationId, failureReason, failureClearedAt, at, expiryWarnings);
    }

    SecretStatus warnedFor(ExpiryWarning warning) {
        Set<ExpiryWarning> warnings = new HashSet<>(expiryWarnings);
        warnings.add(warning);
        return new SecretStatus(secretId, state, stateSince, createdAt, lastRotatedAt, lastRotationId, rotationFailedAt,
                failedRotationId, failureReason, failureClearedAt, deletedAt, warnings);
    }

    static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isAfter(b) ? a : b;
    }
}
