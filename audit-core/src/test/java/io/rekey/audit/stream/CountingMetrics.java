package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessResult;
import io.rekey.schema.AnomalyType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts what the topology reports, for assertions. */
public final class CountingMetrics implements AuditMetrics {

    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    public long get(String name) {
        AtomicLong n = counts.get(name);
        return n == null ? 0 : n.get();
    }

    private void count(String name) {
        counts.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void access(AccessAction action, AccessResult outcome) {
        count("access." + action + "." + outcome);
    }

    @Override
    public void anomaly(AnomalyType type) {
        count("anomaly." + type);
    }

    @Override
    public void suppressed(AnomalyType type) {
        count("suppressed." + type);
    }

    @Override
    public void late() {
        count("late");
    }

    @Override
    public void deadLettered(DeadLetterReason reason) {
        count("dead." + reason);
    }
}
