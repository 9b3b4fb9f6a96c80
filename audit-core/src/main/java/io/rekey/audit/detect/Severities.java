package io.rekey.audit.detect;

import io.rekey.schema.AnomalyType;
import io.rekey.schema.Severity;

/**
 * Severity from the type and the count: each type has a base level; a finding whose count plus suppressed repeats
 * reaches twice its threshold goes one level up, ten times its threshold two levels, never above CRITICAL.
 */
public final class Severities {

    private static final Severity[] LEVELS = {Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL};

    private Severities() {
    }

    /** Base severity of a type: how bad one occurrence is. */
    public static Severity base(AnomalyType type) {
        return switch (type) {
            case HONEYTOKEN -> Severity.CRITICAL;
            case PRIVILEGE_ESCALATION, SUSPICIOUS_PATTERN, GEOGRAPHIC_VIOLATION -> Severity.HIGH;
            case EXCESSIVE_ACCESS, FAILED_ATTEMPTS, CONCURRENT_ACCESS, UNUSUAL_LOCATION, IP_RANGE_VIOLATION -> Severity.MEDIUM;
            case UNUSUAL_TIME, FIRST_SEEN -> Severity.LOW;
            default -> Severity.INFO;
        };
    }

    public static Severity of(AnomalyType type, long count, long suppressed, int threshold, int shift) {
        int level = base(type).ordinal() + shift;
        long total = count + suppressed;
        if (total >= 10L * threshold) {
            level += 2;
        } else if (total >= 2L * threshold) {
            level += 1;
        }
        return LEVELS[Math.max(0, Math.min(LEVELS.length - 1, level))];
    }
}
