package io.rekey.audit.stream;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.serde.SafeDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;
import java.util.Objects;

/**
 * Where the topology's Avro serdes come from: the schema registry (Confluent wire format, through Apicurio's serdes)
 * in every real deployment, or a registry-free stand-in in TopologyTestDriver tests.
 */
public final class AuditSerdes {

    /** Makes configured value serializers and deserializers for Avro records in the Confluent wire format. */
    public interface Factory {
        <V extends SpecificRecord> Serializer<V> serializer();

        <V extends SpecificRecord> Deserializer<V> deserializer();
    }

    private final Factory factory;

    private AuditSerdes(Factory factory) {
        this.factory = Objects.requireNonNull(factory, "factory must not be null");
    }

    /** Serdes backed by the schema registry; {@code serdeConfig} is {@code RegistrySettings.serdeConfig()} or a superset. */
    public static AuditSerdes registry(Map<String, ?> serdeConfig) {
        Objects.requireNonNull(serdeConfig, "serdeConfig must not be null");
        return new AuditSerdes(new Factory() {
            @Override
            public <V extends SpecificRecord> Serializer<V> serializer() {
                AvroKafkaSerializer<V> serializer = new AvroKafkaSerializer<>();
                serializer.configure(serdeConfig, false);
                return new ResolvedOnceSerializer<>(serializer);
            }

            @Override
            public <V extends SpecificRecord> Deserializer<V> deserializer() {
                AvroKafkaDeserializer<V> deserializer = new AvroKafkaDeserializer<>();
                deserializer.configure(serdeConfig, false);
                // The ids on the wire are content ids (RegistrySettings: apicurio.registry.use-id=contentId).
                return new ResolvedOnceDeserializer<>(deserializer, id -> deserializer.getSchemaResolver()
                        .resolveSchemaByArtifactReference(ArtifactReference.builder().contentId(id).build())
                        .getParsedSchema().getParsedSchema());
            }
        });
    }

    public static AuditSerdes of(Factory factory) {
        return new AuditSerdes(factory);
    }

    /** Values written by this application. */
    public <V extends SpecificRecord> Serde<V> avro() {
        return Serdes.serdeFrom(factory.serializer(), factory.deserializer());
    }

    /**
     * Values read from topics others write: a malformed one decodes to {@link Decoded.Malformed} instead of
     * throwing, so the topology dead-letters it inside the exactly-once transaction. Never written.
     */
    public <V extends SpecificRecord> Serde<Decoded<V>> decoded(Class<V> type) {
        Serializer<Decoded<V>> raw = (topic, value) -> value == null ? null : value.raw();
        return Serdes.serdeFrom(raw, new SafeDeserializer<>(factory.<V>deserializer(), type));
    }
}
