package io.rekey.worker.kafka;

import io.rekey.schema.RotationEvent;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import io.rekey.worker.engine.SecretHistory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Rebuilds what the worker knows of the secrets of one partition from {@code rekey.rotation.events}: the durable
 * state of every rotation, including in-flight ones and pending grace-period cleanups. Reads committed records
 * from {@code since} to the end the partition had when the rebuild started.
 */
public final class RotationLog {

    private static final Logger LOG = LoggerFactory.getLogger(RotationLog.class);

    private final Supplier<KafkaConsumer<String, Decoded<RotationEvent>>> consumers;

    public RotationLog(Supplier<KafkaConsumer<String, Decoded<RotationEvent>>> consumers) {
        this.consumers = consumers;
    }

    public Map<String, SecretHistory> rebuild(int partition, Instant since) {
        TopicPartition tp = new TopicPartition(Topics.ROTATION_EVENTS.name(), partition);
        Map<String, SecretHistory> histories = new HashMap<>();
        try (KafkaConsumer<String, Decoded<RotationEvent>> consumer = consumers.get()) {
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            OffsetAndTimestamp start = consumer.offsetsForTimes(Map.of(tp, since.toEpochMilli()), Duration.ofSeconds(30)).get(tp);
            if (start == null) {
                return histories; // nothing at or after `since`
            }
            consumer.seek(tp, start.offset());
            int malformed = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rebuilding partition " + partition + " of " + tp.topic()
                            + " did not reach offset " + end + " within 2 minutes");
                }
                for (ConsumerRecord<String, Decoded<RotationEvent>> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() instanceof Decoded.Valid<RotationEvent> valid) {
                        RotationEvent event = valid.value();
                        histories.merge(event.getSecretId(), SecretHistory.empty().apply(event), (old, fresh) -> old.apply(event));
                    } else if (record.value() != null) {
                        malformed++;
                    }
                }
            }
            if (malformed > 0) {
                LOG.warn("{} undecodable records skipped while rebuilding partition {}", malformed, partition);
            }
        }
        return histories;
    }
}
