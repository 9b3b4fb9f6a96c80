package io.rekey.audit.config;

import io.rekey.schema.AnomalyType;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the audit stream's topology, detectors and runtime need, as plain values. Build it with
 * {@link AuditSettings#parse} (the {@code rekey.audit.*} keys, validated with messages naming the key) or
 * {@link #defaults()}; no framework is involved, so the CLI's replay uses the same settings.
 *
 * @param grace                  how late (behind the partition's stream time) an event may arrive and still count in
 *                               windows; later ones are audited and counted in a metric, not detected on
 * @param maxFutureSkew          how far an event's occurredAt may lie after the clock
 * @param maxEventAge            how far an event's occurredAt may lie behind the partition's stream time
 * @param cooldown               default suppression of repeats of one (principal, type)
 * @param learningPeriod         how long a principal is observed before detectors of novelty (first-seen pair,
 *                               unusual location) report on it
 * @param evidenceLimit          most event ids kept as evidence in one anomaly
 * @param detectors              settings per detector
 * @param workingHours           configured working hours (UNUSUAL_TIME)
 * @param baselineMinHistory     how long a principal without configured hours is observed before its learned
 *                               hour-of-week baseline is used
 * @param baselineMinEvents      how many events that baseline needs
 * @param baselineToleranceHours hours either side of a usual hour that still count as usual
 * @param allowedCountries       ISO 3166-1 alpha-2 codes (GEOGRAPHIC_VIOLATION)
 * @param allowedCidrs           allowed source networks (IP_RANGE_VIOLATION)
 * @param policyAdmins           principals allowed to change policy and grant access (PRIVILEGE_ESCALATION)
 * @param honeytokenTag          registry tag that marks a honeytoken
 * @param auditLogEnabled        whether every event is appended to the hash-chained audit log
 * @param ecsOutputEnabled       whether anomalies are also written as ECS JSON lines
 */
public record AuditConfig(String applicationId, TopicNames topics, Duration grace, Duration maxFutureSkew,
                          Duration maxEventAge, Duration cooldown, Duration learningPeriod, int evidenceLimit,
                          Map<AnomalyType, DetectorSettings> detectors, WorkingHours workingHours,
                          Duration baselineMinHistory, int baselineMinEvents, int baselineToleranceHours,
                          Set<String> allowedCountries, CidrAllowList allowedCidrs, PrincipalMatcher policyAdmins,
                          String honeytokenTag, boolean auditLogEnabled, boolean ecsOutputEnabled,
                          StreamsTuning streams) {

    public AuditConfig {
        Objects.requireNonNull(applicationId, "applicationId must not be null");
        Objects.requireNonNull(topics, "topics must not be null");
        Objects.requireNonNull(grace, "grace must not be null");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew must not be null");
        Objects.requireNonNull(maxEventAge, "maxEventAge must not be null");
        Objects.requireNonNull(cooldown, "cooldown must not be null");
        Objects.requireNonNull(learningPeriod, "learningPeriod must not be null");
        Objects.requireNonNull(workingHours, "workingHours must not be null");
        Objects.requireNonNull(baselineMinHistory, "baselineMinHistory must not be null");
        Objects.requireNonNull(allowedCidrs, "allowedCidrs must not be null");
        Objects.requireNonNull(policyAdmins, "policyAdmins must not be null");
        Objects.requireNonNull(honeytokenTag, "honeytokenTag must not be null");
        Objects.requireNonNull(streams, "streams must not be null");
        EnumMap<AnomalyType, DetectorSettings> copy = new EnumMap<>(AnomalyType.class);
        copy.putAll(detectors);
        for (AnomalyType type : AnomalyType.values()) {
            if (type != AnomalyType.UNKNOWN && !copy.containsKey(type)) {
                throw new IllegalArgumentException("no settings for detector " + type);
            }
        }
        detectors = java.util.Collections.unmodifiableMap(copy);
        allowedCountries = Set.copyOf(allowedCountries);
        if (evidenceLimit < 1) {
            throw new IllegalArgumentException("evidenceLimit must be at least 1, was " + evidenceLimit);
        }
    }

    /** The documented defaults (DESIGN.md) and the catalogue's topics. */
    public static AuditConfig defaults() {
        return AuditSettings.parse(Map.of());
    }

    public DetectorSettings detector(AnomalyType type) {
        return detectors.get(type);
    }

    /** Cool-down of one detector: its own, or the global one. */
    public Duration cooldownOf(AnomalyType type) {
        Duration own = detectors.get(type).cooldown();
        return own == null ? cooldown : own;
    }

    /** The same detection settings under another application id and topics: for tests and replays. */
    public AuditConfig with(String newApplicationId, TopicNames newTopics) {
        return new AuditConfig(newApplicationId, newTopics, grace, maxFutureSkew, maxEventAge, cooldown, learningPeriod,
                evidenceLimit, detectors, workingHours, baselineMinHistory, baselineMinEvents, baselineToleranceHours,
                allowedCountries, allowedCidrs, policyAdmins, honeytokenTag, auditLogEnabled, ecsOutputEnabled, streams);
    }
}
