package io.rekey.audit.stream;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.util.function.Function;

/**
 * A serde for the stream's own state and internal topics, from a pair of functions. These never go through the
 * schema registry: internal topics are private to the application, and registering a subject for each would tie
 * the registry's contents to application ids.
 */
final class CodecSerde {

    private CodecSerde() {
    }

    static <T> Serde<T> of(Function<T, byte[]> encode, Function<byte[], T> decode) {
        Serializer<T> serializer = (topic, value) -> value == null ? null : encode.apply(value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : decode.apply(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
