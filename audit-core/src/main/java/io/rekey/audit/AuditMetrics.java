package io.rekey.audit;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessResult;
import io.rekey.schema.AnomalyType;

/**
 * What the audit stream counts. Every tag is a bounded enum, never a principal or secret id. Counts are of
 * processing, not of committed output: a task retried under exactly-once may count a record twice.
 */
public interface AuditMetrics {

    /** Why a record went to the dead-letter topic. */
    enum DeadLetterReason { MALFORMED, INVALID, FUTURE_TIMESTAMP, PAST_TIMESTAMP }

    /** Counts nothing: for replays and tests that do not look at metrics. */
    AuditMetrics NONE = new AuditMetrics() {
        @Override
        public void access(AccessAction action, AccessResult outcome) {
        }

        @Override
        public void anomaly(AnomalyType type) {
        }

        @Override
        public void suppressed(AnomalyType type) {
        }

        @Override
        public void late() {
        }

        @Override
        public void deadLettered(DeadLetterReason reason) {
        }
    };

    /** An accepted access event (late ones included). */
    void access(AccessAction action, AccessResult outcome);

    /** An anomaly emitted. */
    void anomaly(AnomalyType type);

    /** A finding suppressed by the cool-down of its (principal, type). */
    void suppressed(AnomalyType type);

    /** An access event later than the grace period: audited, not used for windows. */
    void late();

    void deadLettered(DeadLetterReason reason);
}
