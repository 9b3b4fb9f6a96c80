package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

import java.util.Set;
import java.util.TreeSet;

/** Access from a country outside the allowed list. Events without a country are not judged. */
final class GeographicViolation implements Detector {

    private final Set<String> allowed;
    private final String rule;

    GeographicViolation(AuditConfig config) {
        allowed = config.allowedCountries();
        rule = "geographic-violation(country not in " + String.join(",", new TreeSet<>(allowed)) + ")";
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.GEOGRAPHIC_VIOLATION;
    }

    @Override
    public boolean trips(Observation o) {
        return o.country != null && !allowed.contains(o.country);
    }

    @Override
    public Finding describe(Observation o) {
        return Finding.single(type(), rule, o.principal + " accessed from " + o.country + ", which is not an allowed country", o);
    }
}
