package io.rekey.lifecycle.compliance;

import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.LifecycleState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Findings about the registry at one moment, with totals.
 *
 * @param policy   the thresholds the report applied
 * @param totals   counts over the evaluated secrets
 * @param findings one row per (secret, finding), most severe kinds first
 */
public record ComplianceReport(Instant generatedAt, CompliancePolicy policy, Totals totals, List<Finding> findings) {

    public ComplianceReport {
        findings = List.copyOf(findings);
    }

    /** Kinds of finding, most severe first. */
    public enum Kind {
        ROTATION_FAILED, EXPIRED, OVERDUE_ROTATION, OLDER_THAN_POLICY, EXPIRING_SOON, NOT_ACCESSED, NO_OWNER
    }

    /**
     * @param since when the finding started to hold (overdue since, expiry time, last access...), if known
     * @param detail one sentence for people
     */
    public record Finding(String secretId, Kind kind, String owner, Criticality criticality, Category category,
                          LifecycleState state, Instant since, String detail) {
    }

    /**
     * @param secrets     secrets evaluated: registered, not deleted, not revoked or archived
     * @param compliant   evaluated secrets without any finding
     * @param nonCompliant evaluated secrets with at least one finding
     * @param byKind      findings per kind (every kind present, zero included)
     */
    public record Totals(int secrets, int compliant, int nonCompliant, Map<Kind, Integer> byKind) {
        public Totals {
            byKind = Map.copyOf(byKind);
        }
    }
}
