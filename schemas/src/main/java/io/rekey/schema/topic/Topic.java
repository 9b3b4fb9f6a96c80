package io.rekey.schema.topic;

import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.RegistrySettings;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One topic of the catalogue: its name, key and value types, partition count and retention.
 * Every key in rekey is a string id (secretId or principalId); every value is an Avro record in the
 * Confluent wire format.
 */
public final class Topic<V extends SpecificRecord> {

    /** How long records are kept. */
    public enum Cleanup { DELETE, COMPACT }

    private final String name;
    private final Class<V> valueType;
    private final int partitions;
    private final Cleanup cleanup;
    private final Duration retention;
    private final String keyDescription;

    Topic(String name, Class<V> valueType, int partitions, Cleanup cleanup, Duration retention, String keyDescription) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.valueType = Objects.requireNonNull(valueType, "valueType must not be null");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        this.partitions = partitions;
        this.cleanup = Objects.requireNonNull(cleanup, "cleanup must not be null");
        this.retention = retention;
        this.keyDescription = Objects.requireNonNull(keyDescription, "keyDescription must not be null");
    }

    public String name() {
        return name;
    }

    public Class<V> valueType() {
        return valueType;
    }

    /** Default partition count; topics keyed by the same id share it so they stay co-partitioned. */
    public int partitions() {
        return partitions;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Retention of a delete-policy topic; {@code null} means records are kept forever. */
    public Duration retention() {
        return retention;
    }

    /** What the record key is, for documentation and tooling. */
    public String keyDescription() {
        return keyDescription;
    }

    /** Registry subject of the value schema (Confluent's TopicNameStrategy, which Apicurio's default matches). */
    public String valueSubject() {
        return name + "-value";
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    public Serde<V> valueSerde(RegistrySettings registry) {
        return AvroSerdes.valueSerde(registry);
    }

    /** Broker-side topic configuration implied by the cleanup policy and retention. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        if (cleanup == Cleanup.COMPACT) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        } else {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
            configs.put(TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : Long.toString(retention.toMillis()));
            if (retention == null) {
                configs.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
            }
        }
        return configs;
    }

    public NewTopic newTopic(short replicationFactor) {
        return newTopic(partitions, replicationFactor);
    }

    public NewTopic newTopic(int partitionCount, short replicationFactor) {
        return new NewTopic(name, partitionCount, replicationFactor).configs(configs());
    }

    @Override
    public String toString() {
        return name;
    }
}
