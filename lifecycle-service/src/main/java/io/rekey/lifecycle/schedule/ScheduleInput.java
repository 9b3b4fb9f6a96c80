package io.rekey.lifecycle.schedule;

import io.rekey.schema.LifecycleState;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * What the scheduler knows about one secret.
 *
 * @param registeredAt      when the secret was registered: the anchor of its first due time
 * @param lastRotatedAt     latest successful rotation (any reason), or null
 * @param rotationFailed    a failed rotation no person has settled yet
 * @param inFlight          a rotation of the secret that has not finished, or null
 * @param knownRotationIds  rotation ids already on the command or event topics for this secret
 * @param priority          priority of the command (higher first)
 * @param gracePeriodMs     grace period to put in the command, or null for the worker's default
 */
public record ScheduleInput(String secretId, RotationSchedule schedule, boolean rotateOnRegister, LifecycleState state,
                            boolean softDeleted, boolean honeytoken, Instant registeredAt, Instant lastRotatedAt,
                            boolean rotationFailed, InFlight inFlight, Set<String> knownRotationIds, int priority,
                            Long gracePeriodMs) {

    /** A rotation under way, with its phase (or ISSUED while the worker has not answered). */
    public record InFlight(String rotationId, String phase, Instant since) {
    }

    public ScheduleInput {
        Objects.requireNonNull(secretId, "secretId must not be null");
        Objects.requireNonNull(schedule, "schedule must not be null");
        Objects.requireNonNull(registeredAt, "registeredAt must not be null");
        knownRotationIds = knownRotationIds == null ? Set.of() : Set.copyOf(knownRotationIds);
    }
}
