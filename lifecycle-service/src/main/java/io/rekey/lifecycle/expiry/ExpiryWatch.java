package io.rekey.lifecycle.expiry;

import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.schema.LifecycleState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Expiry warnings and expiry, pure: given a secret's expiry, the warnings already recorded and the time, what is
 * due. Each warning is sent once per lead time and expiry time: when several lead times have passed at once (the
 * secret was registered close to its expiry, or the service was down), only the most urgent one is sent, since the
 * earlier ones would say something no longer true. Moving the expiry (a renewal) starts the warnings afresh.
 */
public final class ExpiryWatch {

    /** States in which expiry means nothing any more. */
    private static final Set<LifecycleState> SETTLED = EnumSet.of(LifecycleState.EXPIRED, LifecycleState.REVOKED,
            LifecycleState.ARCHIVED, LifecycleState.PURGED);

    /** What is due for one secret. */
    public sealed interface Action {
        record Warn(String secretId, Duration leadTime, Instant expiresAt) implements Action { }

        record Expire(String secretId, Instant expiresAt) implements Action { }
    }

    private final List<Duration> leadTimes;

    /** @param leadTimes how long before expiry to warn, for example 30, 7 and 1 days; positive and distinct */
    public ExpiryWatch(List<Duration> leadTimes) {
        Objects.requireNonNull(leadTimes, "leadTimes must not be null");
        List<Duration> sorted = new ArrayList<>(leadTimes);
        for (Duration lead : sorted) {
            if (lead == null || lead.isNegative() || lead.isZero()) {
                throw new IllegalArgumentException("expiry lead times must be positive, was " + leadTimes);
            }
        }
        if (Set.copyOf(sorted).size() != sorted.size()) {
            throw new IllegalArgumentException("expiry lead times must be distinct, was " + leadTimes);
        }
        Collections.sort(sorted);
        this.leadTimes = List.copyOf(sorted);
    }

    /** Lead times, shortest first. */
    public List<Duration> leadTimes() {
        return leadTimes;
    }

    public Optional<Action> due(SecretStatus status, Instant expiresAt, Instant now) {
        if (expiresAt == null || status == null || !status.isRegistered() || status.isSoftDeleted()
                || SETTLED.contains(status.state())) {
            return Optional.empty();
        }
        if (!now.isBefore(expiresAt)) {
            return Optional.of(new Action.Expire(status.secretId(), expiresAt));
        }
        for (Duration lead : leadTimes) {
            if (status.warned(lead, expiresAt)) {
                return Optional.empty();
            }
            if (!now.isBefore(expiresAt.minus(lead))) {
                return Optional.of(new Action.Warn(status.secretId(), lead, expiresAt));
            }
        }
        return Optional.empty();
    }

    /** Metric bucket of a lead time: {@code 30d}, {@code 12h}, or {@code 90m}. */
    public static String bucket(Duration lead) {
        if (lead.toSecondsPart() == 0 && lead.toMinutesPart() == 0 && lead.toHoursPart() == 0) {
            return lead.toDays() + "d";
        }
        if (lead.toSecondsPart() == 0 && lead.toMinutesPart() == 0) {
            return lead.toHours() + "h";
        }
        return lead.toMinutes() + "m";
    }
}
