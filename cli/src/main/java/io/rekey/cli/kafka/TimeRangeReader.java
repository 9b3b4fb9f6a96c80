package io.rekey.cli.kafka;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Reads the records of a topic whose timestamps fall in {@code [from, to)}: each partition from the first offset at
 * or after {@code from} (minus a slack for producers whose clocks lag) up to where it ended when reading began.
 */
public final class TimeRangeReader {

    /** Records are stamped by producers; allow this much disorder between a record's time and its neighbours'. */
    private static final Duration SLACK = Duration.ofMinutes(5);

    private TimeRangeReader() {
    }

    public static <V extends SpecificRecord> int read(KafkaClients clients, String topic, Instant from, Instant to,
                                                      Consumer<ConsumerRecord<String, V>> each) {
        int malformed = 0;
        try (KafkaConsumer<String, Decoded<V>> consumer = new KafkaConsumer<>(
                clients.consumerConfig("rekey-cli-" + UUID.randomUUID(), "rekey-cli-range"), new StringDeserializer(),
                AvroSerdes.<V>safeValueDeserializer(clients.registry()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> times = new HashMap<>();
            long seekTo = Math.max(0, from.minus(SLACK).toEpochMilli());
            partitions.forEach(tp -> times.put(tp, seekTo));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
            Set<TopicPartition> open = new HashSet<>();
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp start = starts.get(tp);
                if (start != null && start.offset() < end.get(tp)) {
                    consumer.seek(tp, start.offset());
                    open.add(tp);
                }
            }
            consumer.pause(partitions.stream().filter(tp -> !open.contains(tp)).toList());
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Decoded<V>> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp) || record.timestamp() >= to.plus(SLACK).toEpochMilli()) {
                        close(consumer, open, tp);
                        continue;
                    }
                    if (record.value() instanceof Decoded.Valid<V> valid) {
                        if (record.timestamp() >= from.toEpochMilli() && record.timestamp() < to.toEpochMilli()) {
                            each.accept(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), record.timestamp(),
                                    record.timestampType(), record.serializedKeySize(), record.serializedValueSize(), record.key(),
                                    valid.value(), record.headers(), record.leaderEpoch()));
                        }
                    } else if (record.value() != null) {
                        malformed++;
                    }
                }
                for (TopicPartition tp : Set.copyOf(open)) {
                    if (consumer.position(tp) >= end.get(tp)) {
                        close(consumer, open, tp);
                    }
                }
            }
            if (!open.isEmpty()) {
                throw new CliException(RekeyCli.EXIT_FAILED, "gave up reading " + topic + " after 10 minutes; still open: " + open);
            }
        }
        return malformed;
    }

    private static void close(KafkaConsumer<?, ?> consumer, Set<TopicPartition> open, TopicPartition tp) {
        open.remove(tp);
        consumer.pause(List.of(tp));
    }
}
