package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

import java.time.Duration;

/** Access from a country the principal has not been seen in within the look-back (impossible-travel's cheap cousin). */
final class UnusualLocation implements Detector {

    private final long lookback;
    private final String rule;
    private final String span;

    UnusualLocation(AuditConfig config) {
        Duration window = config.detector(type()).window();
        lookback = window.toMillis();
        rule = "unusual-location(country not seen in " + window + ")";
        span = Windows.human(window);
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.UNUSUAL_LOCATION;
    }

    @Override
    public boolean beforeUpdate() {
        return true;
    }

    @Override
    public boolean trips(Observation o) {
        // Without any known country there is no baseline to differ from.
        if (o.country == null || o.learning || o.state.countries.size() == 0) {
            return false;
        }
        int known = o.state.countries.indexOf(o.country);
        return known < 0 || o.state.countries.time(known) < o.time - lookback;
    }

    @Override
    public Finding describe(Observation o) {
        return Finding.single(type(), rule, o.principal + " accessed from " + o.country
                        + ", a country not seen for it in " + span, o)
                .withWindow(o.time - lookback, o.time);
    }
}
