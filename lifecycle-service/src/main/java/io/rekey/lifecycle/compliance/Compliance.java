package io.rekey.lifecycle.compliance;

import io.rekey.lifecycle.compliance.ComplianceReport.Finding;
import io.rekey.lifecycle.compliance.ComplianceReport.Kind;
import io.rekey.schema.LifecycleState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds compliance reports and health statuses. Pure.
 *
 * <p>Evaluated: registered secrets that are not soft-deleted, revoked or archived. Decoys (tag honeytoken) are never
 * rotated and should never be read, so they are exempt from the age, schedule and unused checks.
 */
public final class Compliance {

    private static final Set<LifecycleState> RETIRED = EnumSet.of(LifecycleState.REVOKED, LifecycleState.ARCHIVED,
            LifecycleState.PURGED);
    private static final Set<LifecycleState> USED = EnumSet.of(LifecycleState.ACTIVATED, LifecycleState.ACCESSED,
            LifecycleState.ROTATED);

    private Compliance() {
    }

    public static ComplianceReport report(Collection<ComplianceInput> secrets, CompliancePolicy policy, Instant now) {
        List<Finding> findings = new ArrayList<>();
        int evaluated = 0;
        int nonCompliant = 0;
        for (ComplianceInput secret : secrets) {
            if (!evaluated(secret)) {
                continue;
            }
            evaluated++;
            List<Finding> own = findings(secret, policy, now);
            if (!own.isEmpty()) {
                nonCompliant++;
            }
            findings.addAll(own);
        }
        findings.sort(Comparator.comparing(Finding::kind).thenComparing(Finding::secretId));
        Map<Kind, Integer> byKind = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            byKind.put(kind, 0);
        }
        findings.forEach(f -> byKind.merge(f.kind(), 1, Integer::sum));
        return new ComplianceReport(now, policy,
                new ComplianceReport.Totals(evaluated, evaluated - nonCompliant, nonCompliant, byKind), findings);
    }

    /** The worst status that applies to the secret; null for a purged or unregistered one. */
    public static HealthStatus health(ComplianceInput secret, CompliancePolicy policy, Instant now) {
        if (secret.state() == null || secret.state() == LifecycleState.PURGED) {
            return null;
        }
        if (secret.softDeleted()) {
            return HealthStatus.DELETED;
        }
        if (RETIRED.contains(secret.state())) {
            return HealthStatus.RETIRED;
        }
        List<Finding> findings = findings(secret, policy, now);
        Kind worst = findings.stream().map(Finding::kind).min(Comparator.naturalOrder()).orElse(null);
        if (worst == null) {
            return HealthStatus.HEALTHY;
        }
        switch (worst) {
            case ROTATION_FAILED: return HealthStatus.ROTATION_FAILED;
            case EXPIRED: return HealthStatus.EXPIRED;
            case OVERDUE_ROTATION:
            case OLDER_THAN_POLICY: return HealthStatus.OVERDUE;
            case EXPIRING_SOON: return HealthStatus.EXPIRING_SOON;
            default: return HealthStatus.HEALTHY;
        }
    }

    private static boolean evaluated(ComplianceInput s) {
        return s.state() != null && !s.softDeleted() && !RETIRED.contains(s.state());
    }

    static List<Finding> findings(ComplianceInput s, CompliancePolicy policy, Instant now) {
        List<Finding> out = new ArrayList<>();
        if (s.rotationFailed()) {
            out.add(finding(s, Kind.ROTATION_FAILED, null, "the last rotation failed"
                    + (s.failureReason() == null ? "" : " (" + s.failureReason() + ")")
                    + "; scheduled rotation is paused until a person clears it or rotates manually"));
        }
        if (s.state() == LifecycleState.EXPIRED || (s.expiresAt() != null && !now.isBefore(s.expiresAt()))) {
            out.add(finding(s, Kind.EXPIRED, s.expiresAt(), "expired at " + s.expiresAt()));
        } else if (s.expiresAt() != null && !s.expiresAt().isAfter(now.plus(policy.expiringSoon()))) {
            out.add(finding(s, Kind.EXPIRING_SOON, s.expiresAt(),
                    "expires at " + s.expiresAt() + ", in " + days(Duration.between(now, s.expiresAt()))));
        }
        if (!s.honeytoken()) {
            if (s.overdueSince() != null) {
                out.add(finding(s, Kind.OVERDUE_ROTATION, s.overdueSince(),
                        "rotation was due at " + s.overdueSince() + " and has not happened"));
            }
            Duration age = Duration.between(s.credentialSince(), now);
            Duration maxAge = policy.maxAgeFor(s.criticality());
            if (age.compareTo(maxAge) > 0) {
                out.add(finding(s, Kind.OLDER_THAN_POLICY, s.credentialSince().plus(maxAge),
                        "credential is " + days(age) + " old; policy allows " + days(maxAge)
                                + (s.criticality() == null ? "" : " for " + s.criticality())));
            }
            if (USED.contains(s.state())) {
                Instant threshold = now.minus(policy.unusedFor());
                if (s.lastAccessAt() == null && s.createdAt().isBefore(threshold)) {
                    out.add(finding(s, Kind.NOT_ACCESSED, s.createdAt(),
                            "never accessed since registration " + days(Duration.between(s.createdAt(), now)) + " ago"));
                } else if (s.lastAccessAt() != null && s.lastAccessAt().isBefore(threshold)) {
                    out.add(finding(s, Kind.NOT_ACCESSED, s.lastAccessAt(),
                            "last accessed " + days(Duration.between(s.lastAccessAt(), now)) + " ago"));
                }
            }
        }
        if (s.owner() == null || s.owner().isBlank()) {
            out.add(finding(s, Kind.NO_OWNER, null, "no owner is accountable for the secret"));
        }
        return out;
    }

    private static Finding finding(ComplianceInput s, Kind kind, Instant since, String detail) {
        return new Finding(s.secretId(), kind, s.owner(), s.criticality(), s.category(), s.state(), since, detail);
    }

    private static String days(Duration d) {
        long days = d.toDays();
        if (days >= 1) {
            return days + (days == 1 ? " day" : " days");
        }
        long hours = d.toHours();
        return hours + (hours == 1 ? " hour" : " hours");
    }
}
