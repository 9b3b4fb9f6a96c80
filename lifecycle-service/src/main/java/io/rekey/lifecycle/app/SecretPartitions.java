package io.rekey.lifecycle.app;

import io.rekey.schema.topic.Topics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The partition a secret's records land in: Kafka's default partitioner for a keyed record (murmur2 of the key),
 * the same on every topic keyed by secret id since they share the catalogue's partition count.
 */
public final class SecretPartitions {

    /** Topics keyed by secret id whose records the service decides on. */
    static final List<String> KEYED_BY_SECRET = List.of(Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(),
            Topics.ROTATION_EVENTS.name(), Topics.ROTATION_COMMANDS.name());

    private SecretPartitions() {
    }

    public static int of(String secretId) {
        return Utils.toPositive(Utils.murmur2(secretId.getBytes(StandardCharsets.UTF_8))) % Topics.DEFAULT_PARTITIONS;
    }

    /** The partitions holding everything about {@code secretId}. */
    public static List<TopicPartition> holding(String secretId) {
        return onPartitions(List.of(of(secretId)));
    }

    /** The partitions with the given numbers of every topic keyed by secret id. */
    public static List<TopicPartition> onPartitions(Collection<Integer> partitions) {
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : KEYED_BY_SECRET) {
            for (int p : partitions) {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }
}
