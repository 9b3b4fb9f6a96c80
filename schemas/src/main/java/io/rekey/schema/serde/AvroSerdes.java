package io.rekey.schema.serde;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Configured Avro serializers and deserializers for record values. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    public static <V extends SpecificRecord> Serializer<V> valueSerializer(RegistrySettings registry) {
        AvroKafkaSerializer<V> serializer = new AvroKafkaSerializer<>();
        serializer.configure(registry.serdeConfig(), false);
        return serializer;
    }

    public static <V extends SpecificRecord> Deserializer<V> valueDeserializer(RegistrySettings registry) {
        AvroKafkaDeserializer<V> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(registry.serdeConfig(), false);
        return deserializer;
    }

    public static <V extends SpecificRecord> Serde<V> valueSerde(RegistrySettings registry) {
        return Serdes.serdeFrom(valueSerializer(registry), valueDeserializer(registry));
    }

    /**
     * A deserializer that never throws for a malformed record: it returns {@link Decoded.Malformed} with
     * the reason, so the consumer can dead-letter it and go on.
     */
    public static <V extends SpecificRecord> SafeDeserializer<V> safeValueDeserializer(RegistrySettings registry) {
        return new SafeDeserializer<>(valueDeserializer(registry));
    }

    /** As above, and a well-formed record of another type than {@code type} is malformed too. */
    public static <V extends SpecificRecord> SafeDeserializer<V> safeValueDeserializer(RegistrySettings registry, Class<V> type) {
        return new SafeDeserializer<>(valueDeserializer(registry), type);
    }
}
