package io.rekey.cli.rotation;

import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** The registry as it is now: every secret's latest descriptor, read from the compacted topic to its end. */
public final class RegistrySnapshot {

    private final Map<String, SecretDescriptor> descriptors;

    private RegistrySnapshot(Map<String, SecretDescriptor> descriptors) {
        this.descriptors = descriptors;
    }

    public static RegistrySnapshot read(KafkaClients clients) {
        Map<String, SecretDescriptor> latest = new TreeMap<>();
        try (KafkaConsumer<String, Decoded<SecretDescriptor>> consumer = new KafkaConsumer<>(
                clients.consumerConfig("rekey-cli-" + UUID.randomUUID(), "rekey-cli-registry"), new StringDeserializer(),
                AvroSerdes.safeValueDeserializer(clients.registry(), SecretDescriptor.class))) {
            String topic = Topics.REGISTRY.name();
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the registry did not finish within 60 s");
                }
                for (ConsumerRecord<String, Decoded<SecretDescriptor>> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else if (record.value() instanceof Decoded.Valid<SecretDescriptor> valid) {
                        latest.put(record.key(), valid.value());
                    }
                }
            }
        }
        return new RegistrySnapshot(latest);
    }

    /** Secrets that exist (soft-deleted ones excluded), by id. */
    public Map<String, SecretDescriptor> active() {
        Map<String, SecretDescriptor> active = new TreeMap<>(descriptors);
        active.values().removeIf(d -> d.getDeletedAt() != null);
        return active;
    }

    public Optional<SecretDescriptor> find(String secretId) {
        return Optional.ofNullable(descriptors.get(secretId)).filter(d -> d.getDeletedAt() == null);
    }
}
