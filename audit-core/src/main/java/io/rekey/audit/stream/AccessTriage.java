package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.AuditMetrics.DeadLetterReason;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.detect.GrantNotice;
import io.rekey.audit.detect.GrantWatch;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.serde.Decoded;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.time.Clock;

/**
 * Triage of access events: on top of decoding, an event must be keyed by its principal (the detectors' state for a
 * principal lives in one task), carry sane ids, and claim a believable time. Every decodable event is audited, even
 * a refused or late one; only valid events within the grace period reach the detectors.
 */
final class AccessTriage extends Triage<AccessEvent> {

    private final EventTimePolicy policy;
    private final long grace;
    private final GrantWatch grants;

    AccessTriage(AuditConfig config, EventTimePolicy policy, Clock clock, AuditMetrics metrics) {
        super(clock, metrics, config.auditLogEnabled(), null);
        this.policy = policy;
        this.grace = config.grace().toMillis();
        this.grants = new GrantWatch(config);
    }

    @Override
    void accept(Record<String, Decoded<AccessEvent>> record, AccessEvent event, byte[] raw, RecordMetadata source) {
        long occurredAt = event.getOccurredAt().toEpochMilli();
        long streamTime = context.currentStreamTimeMs();
        String problem = AccessChecks.invalid(record.key(), event);
        DeadLetterReason category = DeadLetterReason.INVALID;
        if (problem == null) {
            EventTimePolicy.Rejection rejection = policy.check(occurredAt, streamTime);
            if (rejection != null) {
                problem = rejection.message();
                category = rejection.reason();
            }
        }
        auditEntry(AuditEntries.access(event, source, problem != null),
                routingKey(event.getSecretId(), event.getPrincipalId() == null ? record.key() : event.getPrincipalId()));
        if (problem != null) {
            deadLetter(record.key(), source, raw, problem, null, category);
            return;
        }
        metrics.access(event.getAction(), event.getOutcome());
        if (occurredAt < streamTime - grace) {
            // Audited above; too late to change windows that have moved on.
            metrics.late();
            return;
        }
        forward(event.getPrincipalId(), event);
        GrantNotice notice = grants.noticeFor(event, occurredAt);
        if (notice != null) {
            // The one record written with event time: the grantee's task reads it by record timestamp, and its
            // stream time must not jump ahead of the events still to come (see Restamp).
            context.forward(new Record<>(notice.grantee(), notice, occurredAt));
        }
    }
}
