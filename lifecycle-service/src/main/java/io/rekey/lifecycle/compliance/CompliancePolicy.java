package io.rekey.lifecycle.compliance;

import io.rekey.schema.Criticality;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Thresholds of the compliance report.
 *
 * @param maxAge              oldest a credential may be, whatever its schedule
 * @param maxAgeByCriticality stricter (or looser) maximum ages per criticality, overriding {@code maxAge}
 * @param expiringSoon        how far ahead an expiry counts as soon
 * @param unusedFor           how long without a successful read counts as unused
 */
public record CompliancePolicy(Duration maxAge, Map<Criticality, Duration> maxAgeByCriticality, Duration expiringSoon,
                               Duration unusedFor) {

    public CompliancePolicy {
        positive(maxAge, "maxAge");
        positive(expiringSoon, "expiringSoon");
        positive(unusedFor, "unusedFor");
        maxAgeByCriticality = maxAgeByCriticality == null || maxAgeByCriticality.isEmpty()
                ? Map.of() : Map.copyOf(new EnumMap<>(maxAgeByCriticality));
        maxAgeByCriticality.forEach((c, d) -> positive(d, "maxAgeByCriticality." + c));
    }

    public Duration maxAgeFor(Criticality criticality) {
        return criticality == null ? maxAge : maxAgeByCriticality.getOrDefault(criticality, maxAge);
    }

    public CompliancePolicy withUnusedFor(Duration unused) {
        return new CompliancePolicy(maxAge, maxAgeByCriticality, expiringSoon, unused);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name + " must not be null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
