package io.rekey.lifecycle.support;

import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.testkit.RekeyStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a topic's records about one key from the beginning, skipping records that do not decode (the dead-letter
 * tests write garbage on purpose, and a test reader must not trip over it as the service does not).
 */
public final class Logs {

    private Logs() {
    }

    /** Values of {@code topic} whose key is {@code key} (tombstones as null), once {@code done} holds or time is up. */
    @SuppressWarnings("unchecked")
    public static <V extends SpecificRecord> List<V> read(RekeyStack stack, String topic, String key, Duration timeout,
                                                          Predicate<List<V>> done) {
        Map<String, Object> config = stack.consumerConfig(RekeyStack.unique("test-reader"));
        List<V> values = new ArrayList<>();
        try (KafkaConsumer<String, Decoded<SpecificRecord>> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.safeValueDeserializer(stack.registry()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean readToEnd = false;
            while (System.nanoTime() < deadline && !(readToEnd && done.test(values))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (!key.equals(r.key())) {
                        return;
                    }
                    if (r.value() == null) {
                        values.add(null);
                    } else if (r.value() instanceof Decoded.Valid<SpecificRecord> valid) {
                        values.add((V) valid.value());
                    }
                });
                readToEnd = readToEnd || partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            }
        }
        return values;
    }
}
