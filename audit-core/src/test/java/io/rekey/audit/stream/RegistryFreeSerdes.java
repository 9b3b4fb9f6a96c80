package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretDescriptor;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Confluent wire format (magic byte 0, 4-byte schema id, Avro binary) without a registry: each message type has a
 * fixed id. For TopologyTestDriver tests only, where the registry is not what is under test; ITs use the real one.
 */
public final class RegistryFreeSerdes implements AuditSerdes.Factory {

    static final List<Class<? extends SpecificRecord>> TYPES = List.of(AccessEvent.class, LifecycleEvent.class,
            RotationEvent.class, SecretDescriptor.class, Anomaly.class, AuditRecord.class, DeadLetter.class);

    public static AuditSerdes serdes() {
        return AuditSerdes.of(new RegistryFreeSerdes());
    }

    /** Thrown for an id no type has; the name ends like the registry's own "not found" errors. */
    static final class SchemaNotFoundException extends RuntimeException {
        SchemaNotFoundException(int id) {
            super("no schema with id " + id);
        }
    }

    @Override
    public <V extends SpecificRecord> Serializer<V> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Deserializer<V> deserializer() {
        return (topic, bytes) -> bytes == null ? null : (V) decode(bytes);
    }

    static byte[] encode(SpecificRecord value) {
        int id = TYPES.indexOf(value.getClass()) + 1;
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(id).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new SpecificDatumWriter<SpecificRecord>(value.getSchema()).write(value, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpecificRecord decode(byte[] bytes) {
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        if (id < 1 || id > TYPES.size()) {
            throw new SchemaNotFoundException(id);
        }
        Class<? extends SpecificRecord> type = TYPES.get(id - 1);
        try {
            SpecificDatumReader<SpecificRecord> reader = new SpecificDatumReader<>(org.apache.avro.specific.SpecificData.get().getSchema(type));
            return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
