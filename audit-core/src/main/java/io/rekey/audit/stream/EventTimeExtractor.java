package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.serde.Decoded;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Stream time follows the events' own occurredAt, so windows, grace and lateness are in event time. A record that
 * cannot be decoded, or claims a time in the future, gets the partition's current time instead: it is dead-lettered
 * downstream and must not move stream time. Stateless, so one instance serves every task.
 */
final class EventTimeExtractor implements TimestampExtractor {

    private final EventTimePolicy policy;

    EventTimeExtractor(EventTimePolicy policy) {
        this.policy = policy;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof Decoded.Valid<?> valid && valid.value() instanceof AccessEvent event) {
            long occurredAt = event.getOccurredAt().toEpochMilli();
            if (occurredAt >= 0 && !policy.inFuture(occurredAt)) {
                return occurredAt;
            }
        }
        // A record timestamp in the future must not move stream time either.
        return Math.min(fallback(record, partitionTime), policy.now());
    }

    /** The partition's time if it has one, else the record's own timestamp, never negative (Streams would drop it). */
    static long fallback(ConsumerRecord<Object, Object> record, long partitionTime) {
        return partitionTime >= 0 ? partitionTime : Math.max(0, record.timestamp());
    }

    /** For topics whose time only orders the audit log: the record's timestamp, or the fallback when it has none. */
    static long recordTime(ConsumerRecord<Object, Object> record, long partitionTime) {
        return record.timestamp() >= 0 ? record.timestamp() : fallback(record, partitionTime);
    }
}
