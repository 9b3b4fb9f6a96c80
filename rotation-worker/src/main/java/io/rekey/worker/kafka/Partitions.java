package io.rekey.worker.kafka;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

import java.nio.charset.StandardCharsets;

/** The partition Kafka's default partitioner puts a string key in: where a secret's commands and events live. */
public final class Partitions {

    private Partitions() {
    }

    public static int of(String key, int partitionCount) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitionCount);
    }
}
