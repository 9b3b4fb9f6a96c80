package io.rekey.lifecycle.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rekey.lifecycle.compliance.ComplianceReport;
import io.rekey.lifecycle.compliance.HealthStatus;
import io.rekey.lifecycle.expiry.ExpiryWatch;
import io.rekey.schema.LifecycleState;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's metrics. Every tag value comes from a closed set (statuses, states, finding kinds, configured lead
 * times, reasons): no secret id or principal is ever a tag. Gauges describe the whole registry as this instance
 * sees it, so with several instances aggregate them with max, not sum; counters count what this instance did.
 */
public final class LifecycleMetrics {

    /** Lead-time bucket of the expiry itself. */
    static final String EXPIRED_BUCKET = "expired";

    private final MeterRegistry registry;
    private final Map<HealthStatus, AtomicLong> health = new EnumMap<>(HealthStatus.class);
    private final Map<LifecycleState, AtomicLong> states = new EnumMap<>(LifecycleState.class);
    private final Map<ComplianceReport.Kind, AtomicLong> findings = new EnumMap<>(ComplianceReport.Kind.class);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong compliant = new AtomicLong();
    private final AtomicLong emergency = new AtomicLong();

    public LifecycleMetrics(MeterRegistry registry, List<Duration> leadTimes) {
        this.registry = registry;
        for (HealthStatus s : HealthStatus.values()) {
            health.put(s, gauge("rekey.secrets.health.status", "Secrets per health status (the worst that applies)",
                    "status", s.tag()));
        }
        for (LifecycleState s : LifecycleState.values()) {
            if (s != LifecycleState.UNKNOWN && s != LifecycleState.PURGED) {
                states.put(s, gauge("rekey.secrets.lifecycle.state", "Registered secrets per lifecycle state",
                        "state", s.name().toLowerCase(Locale.ROOT)));
            }
        }
        for (ComplianceReport.Kind k : ComplianceReport.Kind.values()) {
            findings.put(k, gauge("rekey.secrets.compliance.findings", "Compliance findings per kind",
                    "finding", k.name().toLowerCase(Locale.ROOT)));
        }
        Gauge.builder("rekey.secrets.compliance.evaluated", total, AtomicLong::get)
                .description("Secrets the compliance checks evaluate").register(registry);
        Gauge.builder("rekey.secrets.compliance.compliant", compliant, AtomicLong::get)
                .description("Evaluated secrets without any compliance finding").register(registry);
        Gauge.builder("rekey.lifecycle.emergency.mode", emergency, AtomicLong::get)
                .description("1 while emergency mode pauses scheduled rotations").register(registry);
        for (Duration lead : leadTimes) {
            expiryCounter(ExpiryWatch.bucket(lead));
        }
        expiryCounter(EXPIRED_BUCKET);
    }

    private AtomicLong gauge(String name, String description, String tag, String value) {
        AtomicLong holder = new AtomicLong();
        Gauge.builder(name, holder, AtomicLong::get).description(description).tag(tag, value).register(registry);
        return holder;
    }

    private Counter expiryCounter(String bucket) {
        return Counter.builder("rekey.secrets.expiry.warnings")
                .description("Expiry warnings recorded, per lead time; lead_time=expired counts expiries")
                .tag("lead_time", bucket).register(registry);
    }

    void expiryWarning(Duration lead) {
        expiryCounter(ExpiryWatch.bucket(lead)).increment();
    }

    void expired() {
        expiryCounter(EXPIRED_BUCKET).increment();
    }

    void scheduled(String reason) {
        Counter.builder("rekey.lifecycle.rotations.requested").description("Rotation commands this instance issued")
                .tag("reason", reason).register(registry).increment();
    }

    /** Replaces the gauges' values with a fresh count over the registry. */
    void registry(Map<HealthStatus, Long> byHealth, Map<LifecycleState, Long> byState, ComplianceReport.Totals totals,
                  boolean emergencyOn) {
        health.forEach((s, g) -> g.set(byHealth.getOrDefault(s, 0L)));
        states.forEach((s, g) -> g.set(byState.getOrDefault(s, 0L)));
        findings.forEach((k, g) -> g.set(totals.byKind().getOrDefault(k, 0)));
        total.set(totals.secrets());
        compliant.set(totals.compliant());
        emergency.set(emergencyOn ? 1 : 0);
    }
}
