package io.rekey.lifecycle.view;

import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What is known of one rotation of a secret, from its command and the worker's phase events.
 *
 * @param issuedAt  when the command was issued (null if only the worker's events were seen)
 * @param lastPhase latest phase the worker reported; null while it has reported none
 */
public record RotationTrack(String rotationId, RotationReason reason, String requestedBy, String incidentId,
                            boolean dryRun, Instant issuedAt, RotationPhase lastPhase, Instant lastPhaseAt,
                            int attempt, String error) {

    /** Phases after which the rotation no longer holds the secret. */
    private static final Set<RotationPhase> SETTLED = EnumSet.of(RotationPhase.PROMOTED, RotationPhase.CLEANUP_SCHEDULED,
            RotationPhase.CLEANED_UP, RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.REFUSED,
            RotationPhase.ABANDONED);

    /**
     * Whether the rotation is under way at {@code now}. A command the worker never answered stops counting after
     * {@code unansweredAfter}, so a lost command cannot hold a secret's schedule forever.
     */
    public boolean inFlight(Instant now, Duration unansweredAfter) {
        if (lastPhase == null) {
            return issuedAt != null && now.isBefore(issuedAt.plus(unansweredAfter));
        }
        return !SETTLED.contains(lastPhase);
    }

    /** Latest moment anything was heard of the rotation. */
    public Instant lastHeard() {
        if (lastPhaseAt == null) {
            return issuedAt;
        }
        return issuedAt == null || lastPhaseAt.isAfter(issuedAt) ? lastPhaseAt : issuedAt;
    }

    RotationTrack issued(RotationReason r, String by, String incident, boolean dry, Instant at) {
        return new RotationTrack(rotationId, r, by, incident, dry, at, lastPhase, lastPhaseAt, attempt, error);
    }

    RotationTrack phase(RotationPhase phase, Instant at, int attemptNo, String err, RotationReason r, String by,
                        String incident, boolean dry) {
        return new RotationTrack(rotationId, reason != null ? reason : r, requestedBy != null ? requestedBy : by,
                incidentId != null ? incidentId : incident, dryRun || dry, issuedAt, phase, at, attemptNo,
                err != null ? err : error);
    }
}
