package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.AuditMetrics.DeadLetterReason;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.serde.Decoded;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.BiFunction;

/**
 * First step after a source topic: decides what each record is. A valid event becomes an audit entry (and, for
 * access events, input to the detectors); anything else becomes a dead letter with the reason, plus an audit entry
 * saying it was refused. Dead letters are forwarded, not produced on the side, so they are part of the task's
 * exactly-once transaction.
 *
 * <p>Outputs are plain objects (AuditEntry, DeadLetter and, for access events, AccessEvent and GrantNotice) that
 * the topology splits by type.
 */
class Triage<V> implements Processor<String, Decoded<V>, String, Object> {

    static final int MAX_VALUE_BYTES = AccessChecks.MAX_VALUE_BYTES;
    /** Key used when a refused record has none. */
    static final String NO_KEY = "(none)";

    final Clock clock;
    final AuditMetrics metrics;
    private final boolean audit;
    private final BiFunction<V, RecordMetadata, AuditEntry> toEntry;
    ProcessorContext<String, Object> context;
    private String consumer;

    Triage(Clock clock, AuditMetrics metrics, boolean audit, BiFunction<V, RecordMetadata, AuditEntry> toEntry) {
        this.clock = clock;
        this.metrics = metrics;
        this.audit = audit;
        this.toEntry = toEntry;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.consumer = context.applicationId();
    }

    @Override
    public void process(Record<String, Decoded<V>> record) {
        RecordMetadata source = source();
        Decoded<V> value = record.value();
        if (value == null) {
            refuse(record, source, null, "null value (tombstone) on a topic whose records are never deleted", null,
                    DeadLetterReason.INVALID);
        } else if (value instanceof Decoded.Malformed<V> malformed) {
            refuse(record, source, malformed.raw(), malformed.reason(), malformed.errorClass(), DeadLetterReason.MALFORMED);
        } else if (value.raw().length > MAX_VALUE_BYTES) {
            refuse(record, source, value.raw(), "value of " + value.raw().length + " bytes is larger than the "
                    + MAX_VALUE_BYTES + " allowed", null, DeadLetterReason.INVALID);
        } else {
            accept(record, ((Decoded.Valid<V>) value).value(), value.raw(), source);
        }
    }

    /** A decoded value of acceptable size; lifecycle and rotation events need nothing more. */
    void accept(Record<String, Decoded<V>> record, V value, byte[] raw, RecordMetadata source) {
        AuditEntry entry = toEntry.apply(value, source);
        auditEntry(entry, routingKey(entry.secretId(), record.key()));
    }

    final RecordMetadata source() {
        return context.recordMetadata().orElseThrow(() -> new IllegalStateException("triage runs on source records only"));
    }

    /** Forwards an audit entry keyed by what partitions the audit log: the secret, else the principal or record key. */
    final void auditEntry(AuditEntry entry, String key) {
        if (audit) {
            forward(key, entry);
        }
    }

    /**
     * Forwards with the current time: what this stream writes carries processing time (see {@link Restamp} for why);
     * event time travels in the values, and forwarding does not change stream time.
     */
    final void forward(String key, Object value) {
        context.forward(new Record<>(key, value, clock.millis()));
    }

    static String routingKey(String secretId, String fallback) {
        if (secretId != null && !secretId.isBlank()) {
            return secretId;
        }
        return fallback == null || fallback.isBlank() ? NO_KEY : fallback;
    }

    /**
     * Dead-letters a record and audits that it was refused (without quoting it), at the record's own time: the
     * partition's time when it had none worth believing, so it never moves stream time.
     */
    final void refuse(Record<String, ?> record, RecordMetadata source, byte[] raw, String reason, String errorClass,
                      DeadLetterReason category) {
        String key = record.key();
        deadLetter(key, source, raw, reason, errorClass, category);
        String principal = key == null ? NO_KEY : key.length() > 512 ? key.substring(0, 512) : key;
        auditEntry(AuditEntries.refused(principal, source, category.name(), reason, raw == null ? 0 : raw.length,
                record.timestamp()), routingKey(null, principal));
    }

    final void deadLetter(String key, RecordMetadata source, byte[] raw, String reason, String errorClass,
                          DeadLetterReason category) {
        // The extracted timestamp may be the partition's time, not the record's: leave it out rather than mislead.
        DeadLetters.Source where = new DeadLetters.Source(source.topic(), source.partition(), source.offset(), null);
        DeadLetter letter = DeadLetters.of(where, consumer, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                raw, reason, errorClass, clock.instant());
        forward(DeadLetters.key(key), letter);
        metrics.deadLettered(category);
    }
}
