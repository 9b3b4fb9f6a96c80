package io.rekey.schema.serde;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SafeDeserializerTest {

    private static final byte[] HEADER_ID_7 = {0, 0, 0, 0, 7};

    @Test
    void tombstoneDecodesToNull() {
        assertNull(new SafeDeserializer<>(failing(new IllegalStateException("must not be called"))).deserialize("t", null));
    }

    @Test
    void valueShorterThanTheWireHeaderIsMalformed() {
        Decoded<String> decoded = new SafeDeserializer<>(failing(new IllegalStateException("must not be called")))
                .deserialize("t", new byte[] {0, 1});
        Decoded.Malformed<String> malformed = assertInstanceOf(Decoded.Malformed.class, decoded);
        assertThat(malformed.reason()).contains("too short").contains("2 bytes");
    }

    @Test
    void wrongMagicByteIsNamed() {
        Decoded<String> decoded = new SafeDeserializer<>(failing(new IllegalStateException("must not be called")))
                .deserialize("t", "{\"json\":true}".getBytes());
        Decoded.Malformed<String> malformed = assertInstanceOf(Decoded.Malformed.class, decoded);
        assertThat(malformed.reason()).isEqualTo("wrong magic byte 0x7b, expected 0x00 (Confluent wire format)");
    }

    @Test
    void undecodableAvroNamesTheSchemaIdAndTheCause() {
        Decoded<String> decoded = new SafeDeserializer<>(failing(
                new SerializationException("wrapped", new org.apache.avro.AvroRuntimeException("Malformed data. Length is negative: -3"))))
                .deserialize("t", HEADER_ID_7);
        Decoded.Malformed<String> malformed = assertInstanceOf(Decoded.Malformed.class, decoded);
        assertThat(malformed.reason()).isEqualTo("cannot decode Avro written with schema id 7: Malformed data. Length is negative: -3");
        assertThat(malformed.errorClass()).isEqualTo("org.apache.avro.AvroRuntimeException");
        assertThat(malformed.raw()).isEqualTo(HEADER_ID_7);
    }

    @Test
    void unreachableRegistryIsRetriedNotDeadLettered() {
        SafeDeserializer<String> deserializer = new SafeDeserializer<>(failing(
                new RuntimeException("lookup failed", new ConnectException("Connection refused"))));
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> deserializer.deserialize("t", HEADER_ID_7));
        assertThat(e.getMessage()).contains("schema id 7");
    }

    @Test
    void validValueKeepsItsRawBytes() {
        Deserializer<String> decodesToOk = (topic, data) -> "ok";
        Decoded<String> decoded = new SafeDeserializer<>(decodesToOk).deserialize("t", HEADER_ID_7);
        Decoded.Valid<String> valid = assertInstanceOf(Decoded.Valid.class, decoded);
        assertThat(valid.value()).isEqualTo("ok");
        assertSame(HEADER_ID_7, valid.raw());
    }

    @Test
    void aWellFormedRecordOfAnotherTypeIsMalformedWhenTheTypeIsExpected() {
        Deserializer<CharSequence> decodesToBuilder = (topic, data) -> new StringBuilder("an anomaly on the commands topic");
        Decoded<CharSequence> decoded = new SafeDeserializer<>(decodesToBuilder, String.class).deserialize("t", HEADER_ID_7);
        Decoded.Malformed<CharSequence> malformed = assertInstanceOf(Decoded.Malformed.class, decoded);
        assertThat(malformed.reason()).isEqualTo("schema id 7 is a StringBuilder, not the String this topic carries");
        assertSame(HEADER_ID_7, malformed.raw());
        assertInstanceOf(Decoded.Valid.class, new SafeDeserializer<>(decodesToBuilder).deserialize("t", HEADER_ID_7));
    }

    private static Deserializer<String> failing(RuntimeException e) {
        return (topic, data) -> {
            throw e;
        };
    }
}
