package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.AuditKind;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.audit.CanonicalJson;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Turns each kind of source event into the audit entry that describes it. */
final class AuditEntries {

    private AuditEntries() {
    }

    static AuditEntry access(AccessEvent e, RecordMetadata source, boolean refused) {
        return new AuditEntry(AuditKind.ACCESS, e.getOccurredAt().toEpochMilli(), blankToNull(e.getSecretId()),
                e.getPrincipalId(), "ACCESS " + e.getAction() + " " + e.getOutcome() + (refused ? " REFUSED" : ""),
                source.topic(), source.partition(), source.offset(), e.getId(), CanonicalJson.of(e));
    }

    static AuditEntry lifecycle(LifecycleEvent e, RecordMetadata source) {
        String transition = e.getFromState() == null && e.getToState() == null ? ""
                : " " + e.getFromState() + "->" + e.getToState();
        return new AuditEntry(AuditKind.LIFECYCLE, e.getOccurredAt().toEpochMilli(), e.getSecretId(), e.getActor(),
                "LIFECYCLE " + e.getType() + transition, source.topic(), source.partition(), source.offset(), e.getId(),
                CanonicalJson.of(e));
    }

    static AuditEntry rotation(RotationEvent e, RecordMetadata source) {
        return new AuditEntry(AuditKind.ROTATION, e.getOccurredAt().toEpochMilli(), e.getSecretId(), e.getRequestedBy(),
                "ROTATION " + e.getPhase() + (e.getDryRun() ? " DRY-RUN" : ""), source.topic(), source.partition(),
                source.offset(), e.getId(), CanonicalJson.of(e));
    }

    /**
     * A record that was dead-lettered without a trustworthy event to quote: the audit log still says that something
     * arrived at that offset and why it was refused, so injected garbage is itself on the record.
     */
    static AuditEntry refused(String key, RecordMetadata source, String reasonCategory, String reason, int valueSize,
                              long time) {
        StringBuilder payload = new StringBuilder(reason.length() + 64).append("{\"reason\":");
        CanonicalJson.appendString(payload, reason).append(",\"valueSize\":").append(valueSize).append('}');
        return new AuditEntry(AuditKind.SECURITY, time, null, key, "DEAD_LETTER " + reasonCategory,
                source.topic(), source.partition(), source.offset(), null, payload.toString());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
