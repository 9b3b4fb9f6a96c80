package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

import java.time.Duration;

/**
 * A principal touches a secret it has not touched within the look-back. Pairs live in their own store (a principal
 * may use thousands of secrets); a pair's time is rewritten at most once an hour, which is plenty against a
 * look-back of days and keeps store writes off the hot path.
 */
final class FirstSeen implements Detector {

    static final long REFRESH_MS = Duration.ofHours(1).toMillis();

    private final Lookups lookups;
    private final long lookback;
    private final String rule;
    private final String span;
    /** When the pair of the event {@link #trips} just looked at was last seen. */
    private long last;

    FirstSeen(AuditConfig config, Lookups lookups) {
        this.lookups = lookups;
        Duration window = config.detector(type()).window();
        lookback = window.toMillis();
        rule = "first-seen(principal-secret pair not seen in " + window + ")";
        span = Windows.human(window);
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.FIRST_SEEN;
    }

    @Override
    public boolean beforeUpdate() {
        return true;
    }

    @Override
    public boolean trips(Observation o) {
        if (o.secretId == null) {
            return false;
        }
        last = lookups.pairLastSeen(o.principal, o.secretId);
        if (last == PrincipalState.NONE || o.time - last >= REFRESH_MS) {
            lookups.pairSeen(o.principal, o.secretId, last == PrincipalState.NONE ? o.time : Math.max(last, o.time));
        }
        return !o.learning && (last == PrincipalState.NONE || last < o.time - lookback);
    }

    @Override
    public Finding describe(Observation o) {
        return Finding.single(type(), rule, o.principal + " accessed " + o.secretId
                        + (last == PrincipalState.NONE ? " for the first time" : " for the first time in " + span), o)
                .withWindow(o.time - lookback, o.time);
    }
}
