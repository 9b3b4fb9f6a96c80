package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics.DeadLetterReason;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Which event times are believable. An occurredAt after the clock by more than the allowed skew cannot be true; one
 * further behind the partition's stream time than the maximum age has sat somewhere it should not have. Both are
 * refused: one absurd future timestamp would drag stream time along and make every later event "late". The past is
 * judged against stream time, not the clock, so processing years of history (a first deployment, a replay) judges
 * each event against its neighbours, as live processing did. Between the two bounds lies lateness: behind stream
 * time by more than the grace period, an event is audited and counted but not used for windows.
 */
public final class EventTimePolicy {

    /** Why an event time was refused. */
    public record Rejection(DeadLetterReason reason, String message) {
    }

    private final long maxFutureSkew;
    private final long maxAge;
    private final Clock clock;

    public EventTimePolicy(Duration maxFutureSkew, Duration maxAge, Clock clock) {
        this.maxFutureSkew = maxFutureSkew.toMillis();
        this.maxAge = maxAge.toMillis();
        this.clock = clock;
    }

    long now() {
        return clock.millis();
    }

    /** Whether the event time lies too far in the future to be true. */
    public boolean inFuture(long occurredAt) {
        return occurredAt > clock.millis() + maxFutureSkew;
    }

    /**
     * {@code null} when the event time is believable.
     *
     * @param streamTime the partition's stream time, or a negative number before the first record
     */
    public Rejection check(long occurredAt, long streamTime) {
        long now = clock.millis();
        if (occurredAt > now + maxFutureSkew) {
            return new Rejection(DeadLetterReason.FUTURE_TIMESTAMP, "occurredAt " + Instant.ofEpochMilli(occurredAt)
                    + " is more than " + Duration.ofMillis(maxFutureSkew) + " after the clock (" + Instant.ofEpochMilli(now) + ")");
        }
        if (occurredAt < 0) {
            return new Rejection(DeadLetterReason.PAST_TIMESTAMP, "occurredAt " + Instant.ofEpochMilli(occurredAt) + " is before 1970");
        }
        if (streamTime >= 0 && occurredAt < streamTime - maxAge) {
            return new Rejection(DeadLetterReason.PAST_TIMESTAMP, "occurredAt " + Instant.ofEpochMilli(occurredAt)
                    + " is more than " + Duration.ofMillis(maxAge) + " before the stream time " + Instant.ofEpochMilli(streamTime));
        }
        return null;
    }
}
