package io.rekey.audit.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.rekey.audit.AuditMetrics;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessResult;
import io.rekey.schema.AnomalyType;

/**
 * The audit stream's counters in Micrometer. Every counter is registered up front and found by enum ordinal, so
 * counting costs no map lookup or allocation per event; no tag carries a principal or secret id.
 */
final class MicrometerAuditMetrics implements AuditMetrics {

    private final Counter[] anomalies = new Counter[AnomalyType.values().length];
    private final Counter[] suppressed = new Counter[AnomalyType.values().length];
    private final Counter[][] access = new Counter[AccessAction.values().length][AccessResult.values().length];
    private final Counter[] deadLetters = new Counter[DeadLetterReason.values().length];
    private final Counter late;

    MicrometerAuditMetrics(MeterRegistry registry) {
        for (AnomalyType type : AnomalyType.values()) {
            anomalies[type.ordinal()] = Counter.builder("rekey.secret.access.anomalies").tag("type", type.name())
                    .description("Access anomalies emitted").register(registry);
            suppressed[type.ordinal()] = Counter.builder("rekey.secret.access.anomalies.suppressed").tag("type", type.name())
                    .description("Repeats of an anomaly suppressed by the cool-down of its principal and type").register(registry);
        }
        for (AccessAction action : AccessAction.values()) {
            for (AccessResult outcome : AccessResult.values()) {
                access[action.ordinal()][outcome.ordinal()] = Counter.builder("rekey.secrets.access")
                        .tag("action", action.name()).tag("outcome", outcome.name())
                        .description("Access events accepted by the audit stream").register(registry);
            }
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters[reason.ordinal()] = Counter.builder("rekey.audit.dead.letters").tag("reason", reason.name())
                    .description("Records the audit stream sent to rekey.dlq").register(registry);
        }
        late = Counter.builder("rekey.audit.late.events")
                .description("Access events later than the grace period: audited, not used for windows").register(registry);
    }

    @Override
    public void access(AccessAction action, AccessResult outcome) {
        access[action.ordinal()][outcome.ordinal()].increment();
    }

    @Override
    public void anomaly(AnomalyType type) {
        anomalies[type.ordinal()].increment();
    }

    @Override
    public void suppressed(AnomalyType type) {
        suppressed[type.ordinal()].increment();
    }

    @Override
    public void late() {
        late.increment();
    }

    @Override
    public void deadLettered(DeadLetterReason reason) {
        deadLetters[reason.ordinal()].increment();
    }
}
