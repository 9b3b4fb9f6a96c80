package io.rekey.lifecycle.compliance;

/** The one health status of a secret, for the health gauge: the worst that applies. */
public enum HealthStatus {
    ROTATION_FAILED, EXPIRED, OVERDUE, EXPIRING_SOON, HEALTHY, RETIRED, DELETED;

    /** Value of the gauge's {@code status} tag. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
