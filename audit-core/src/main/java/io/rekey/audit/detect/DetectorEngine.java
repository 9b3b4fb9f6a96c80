package io.rekey.audit.detect;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.config.DetectorSettings;
import io.rekey.audit.config.PrincipalMatcher;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs every enabled detector over one accepted access event in a single pass, updating the principal's state once,
 * and applies noise control: allow-listed principals are never reported, and repeats of one (principal, type) within
 * its cool-down are suppressed and counted on the next anomaly of that pair. Plain Java: the Streams processor and
 * the replay both drive it, so live detection and a replay of history agree.
 *
 * <p>Not thread-safe: one engine per stream task (it caches address verdicts).
 */
public final class DetectorEngine {

    private final AuditMetrics metrics;
    private final Clock clock;
    private final PrincipalState.Capacities capacities;
    private final List<Detector> before = new ArrayList<>();
    private final List<Detector> after = new ArrayList<>();
    private final PrivilegeEscalation privilege;
    private final PrincipalMatcher[] allow = new PrincipalMatcher[AnomalyType.values().length];
    private final long[] cooldown = new long[AnomalyType.values().length];
    private final long learningPeriod;
    private final long readHorizon;
    private final long failureWindow;
    private final long ipWindow;
    private final long countryHorizon;
    private final long grantWindow;
    private final long pairLookback;
    private final long stateRetention;

    public DetectorEngine(AuditConfig config, Lookups lookups, Clock clock, AuditMetrics metrics) {
        Objects.requireNonNull(config, "config must not be null");
        Objects.requireNonNull(lookups, "lookups must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        capacities = PrincipalState.Capacities.of(config);
        PrivilegeEscalation privilegeEscalation = new PrivilegeEscalation(config);
        List<Detector> all = List.of(new FirstSeen(config, lookups), new UnusualTime(config), new UnusualLocation(config),
                new GeographicViolation(config), new IpRangeViolation(config), new Honeytoken(config, lookups),
                privilegeEscalation, new ExcessiveAccess(config), new FailedAttempts(config), new ConcurrentAccess(config),
                new SuspiciousPattern(config));
        for (Detector detector : all) {
            if (config.detector(detector.type()).enabled()) {
                (detector.beforeUpdate() ? before : after).add(detector);
            }
        }
        privilege = config.detector(AnomalyType.PRIVILEGE_ESCALATION).enabled() ? privilegeEscalation : null;
        long longestCooldown = 0;
        for (AnomalyType type : AuditSettings.detectorTypes()) {
            allow[type.ordinal()] = config.detector(type).allowPrincipals();
            cooldown[type.ordinal()] = config.cooldownOf(type).toMillis();
            longestCooldown = Math.max(longestCooldown, cooldown[type.ordinal()]);
        }
        learningPeriod = config.learningPeriod().toMillis();
        grantWindow = window(config, AnomalyType.PRIVILEGE_ESCALATION);
        readHorizon = Math.max(grantWindow, Math.max(window(config, AnomalyType.EXCESSIVE_ACCESS),
                window(config, AnomalyType.SUSPICIOUS_PATTERN)));
        failureWindow = window(config, AnomalyType.FAILED_ATTEMPTS);
        ipWindow = window(config, AnomalyType.CONCURRENT_ACCESS);
        countryHorizon = window(config, AnomalyType.UNUSUAL_LOCATION);
        pairLookback = window(config, AnomalyType.FIRST_SEEN);
        stateRetention = Math.max(Math.max(readHorizon, countryHorizon), Math.max(longestCooldown, 2 * PrincipalState.BASELINE_PERIOD_MS));
    }

    public PrincipalState newState() {
        return new PrincipalState(capacities);
    }

    public PrincipalState.Capacities capacities() {
        return capacities;
    }

    /**
     * Detects on one accepted (valid, in time) access event and updates the principal's state.
     *
     * @param time the event time (its occurredAt)
     * @param out  receives the anomalies to emit
     */
    public void onAccess(AccessEvent event, long time, PrincipalState state, List<Anomaly> out) {
        Observation o = new Observation(event, time, state);
        o.learning = state.firstSeen == PrincipalState.NONE || time - state.firstSeen < learningPeriod;
        for (Detector detector : before) {
            check(detector, o, out);
        }
        update(o);
        for (Detector detector : after) {
            check(detector, o, out);
        }
    }

    /** A grant notice for the principal whose state this is. */
    public void onNotice(GrantNotice notice, PrincipalState state, List<Anomaly> out) {
        if (privilege == null) {
            return;
        }
        state.grants.prune(Math.max(state.lastSeen, notice.grantedAt()) - grantWindow);
        Finding finding = privilege.onNotice(notice, state);
        if (finding != null) {
            String useEventId = finding.evidence().get(finding.evidence().size() - 1);
            int use = state.reads.indexOf(finding.secretIds().get(0));
            long useTime = use >= 0 ? state.reads.time(use) : notice.grantedAt();
            long suppressed = admit(finding.type(), notice.grantee(), useTime, state);
            if (suppressed >= 0) {
                out.add(anomaly(finding, notice.grantee(), useEventId, useTime, suppressed));
            }
        }
    }

    /** Whether a principal's state can be dropped: it has been idle longer than anything remembers. */
    public boolean isStale(PrincipalState state, long streamTime) {
        return state.lastSeen != PrincipalState.NONE && state.lastSeen < streamTime - stateRetention;
    }

    /** Whether a (principal, secret) pair last seen at {@code lastSeen} no longer matters. */
    public boolean isPairStale(long lastSeen, long streamTime) {
        return lastSeen < streamTime - pairLookback;
    }

    private void update(Observation o) {
        PrincipalState s = o.state;
        long t = o.time;
        if (s.firstSeen == PrincipalState.NONE || t < s.firstSeen) {
            s.firstSeen = t;
        }
        s.lastSeen = s.lastSeen == PrincipalState.NONE ? t : Math.max(s.lastSeen, t);
        if (s.events < Integer.MAX_VALUE) {
            s.events++;
        }
        s.markHour(t);
        long now = s.lastSeen;
        String id = o.event.getId();
        if (o.country != null) {
            s.countries.touch(o.country, t, id, null);
        }
        s.countries.prune(now - countryHorizon);
        if (o.sourceIp != null) {
            s.ips.touch(o.sourceIp, t, id, null);
        }
        s.ips.prune(now - ipWindow);
        if (o.isRead()) {
            s.reads.touch(o.secretId, t, id, null);
        }
        s.reads.prune(now - readHorizon);
        if (o.failed) {
            s.failures.add(o.secretId, t, id, null);
        }
        s.failures.prune(now - failureWindow);
        if (o.action == AccessAction.LIST && (s.lastListAt == PrincipalState.NONE || t >= s.lastListAt)) {
            s.lastListAt = t;
            s.lastListEventId = id;
        }
        s.grants.prune(now - grantWindow);
    }

    /** Runs one detector; builds the anomaly only when noise control lets it through. */
    private void check(Detector detector, Observation o, List<Anomaly> out) {
        if (!detector.trips(o)) {
            return;
        }
        long suppressed = admit(detector.type(), o.principal, o.time, o.state);
        if (suppressed >= 0) {
            out.add(anomaly(detector.describe(o), o.principal, o.event.getId(), o.time, suppressed));
        }
    }

    /**
     * Noise control for one finding: never for an allow-listed principal; within the cool-down of its (principal,
     * type), counted and suppressed.
     *
     * @return the repeats suppressed since the last anomaly of the pair, to report on this one; -1 to report nothing
     */
    private long admit(AnomalyType type, String principal, long triggerTime, PrincipalState state) {
        int i = type.ordinal();
        if (allow[i].matches(principal)) {
            return -1;
        }
        long last = state.lastEmitted[i];
        if (last != PrincipalState.NONE && triggerTime < last + cooldown[i]) {
            if (state.suppressed[i] < Integer.MAX_VALUE) {
                state.suppressed[i]++;
            }
            metrics.suppressed(type);
            return -1;
        }
        long suppressed = state.suppressed[i];
        state.suppressed[i] = 0;
        state.lastEmitted[i] = last == PrincipalState.NONE ? triggerTime : Math.max(last, triggerTime);
        metrics.anomaly(type);
        return suppressed;
    }

    private Anomaly anomaly(Finding f, String principal, String triggerEventId, long triggerTime, long suppressed) {
        // Deterministic: a replay of the same history, or a retried task, names the same finding the same way.
        String seed = f.type() + "|" + f.variant() + "|" + principal + "|" + triggerEventId;
        return Anomaly.newBuilder()
                .setId(UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString())
                .setOccurredAt(Instant.ofEpochMilli(triggerTime))
                .setDetectedAt(clock.instant())
                .setType(f.type())
                .setSeverity(Severities.of(f.type(), f.count(), suppressed, f.threshold(), f.severityShift()))
                .setPrincipalId(principal)
                .setSecretIds(f.secretIds())
                .setWindowStart(f.windowStart() == null ? null : Instant.ofEpochMilli(f.windowStart()))
                .setWindowEnd(f.windowEnd() == null ? null : Instant.ofEpochMilli(f.windowEnd()))
                .setCount(f.count())
                .setSuppressedCount(suppressed)
                .setEvidence(f.evidence())
                .setSourceIps(f.sourceIps())
                .setCountries(f.countries())
                .setRule(f.rule())
                .setDescription(f.description())
                .build();
    }

    private static long window(AuditConfig config, AnomalyType type) {
        DetectorSettings settings = config.detector(type);
        return settings.window().toMillis();
    }

    /** For logs and health: a short summary of what runs. */
    public String describe() {
        List<String> names = new ArrayList<>();
        before.forEach(d -> names.add(AuditSettings.detectorName(d.type())));
        after.forEach(d -> names.add(AuditSettings.detectorName(d.type())));
        return "detectors " + String.join(", ", names) + "; learning period " + Duration.ofMillis(learningPeriod);
    }
}
