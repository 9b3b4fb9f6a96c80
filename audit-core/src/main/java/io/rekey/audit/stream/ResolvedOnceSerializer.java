package io.rekey.audit.stream;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves each (topic, schema) through the registry serializer once, then writes the same Confluent header (magic
 * byte 0, 4-byte schema id) and Avro binary itself. Apicurio's serializer renders the record's schema to JSON and
 * looks it up by content on every record, a quarter of the audit stream's CPU when it writes an audit record per
 * event (see BENCHMARKS.md). The first record of each pair is checked byte for byte against the registry
 * serializer's output; if they differ (another wire format configured), every record goes through the registry
 * serializer as before.
 */
final class ResolvedOnceSerializer<V extends SpecificRecord> implements Serializer<V> {

    static final int HEADER = 5;

    /** A schema as the registry resolved it for a topic: its header, or null when its output cannot be reproduced. */
    private record Resolved(Schema schema, byte[] header, SpecificDatumWriter<Object> writer) {
    }

    private final Serializer<V> registry;
    private final Map<String, Resolved> byTopic = new ConcurrentHashMap<>();

    ResolvedOnceSerializer(Serializer<V> registry) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        registry.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, V value) {
        if (value == null) {
            return null;
        }
        Resolved resolved = byTopic.get(topic);
        // The generated classes share one Schema instance each, so identity is the cheap and exact test.
        if (resolved != null && resolved.schema() == value.getSchema()) {
            return resolved.header() == null ? registry.serialize(topic, value) : encode(resolved.header(), resolved.writer(), value);
        }
        byte[] bytes = registry.serialize(topic, value);
        SpecificDatumWriter<Object> writer = new SpecificDatumWriter<>(value.getSchema());
        byte[] header = bytes != null && bytes.length >= HEADER && bytes[0] == 0 ? Arrays.copyOf(bytes, HEADER) : null;
        if (header != null && !Arrays.equals(bytes, encode(header, writer, value))) {
            header = null;
        }
        byTopic.put(topic, new Resolved(value.getSchema(), header, writer));
        return bytes;
    }

    private static byte[] encode(byte[] header, SpecificDatumWriter<Object> writer, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(header, 0, header.length);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + value.getClass().getSimpleName(), e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        registry.close();
    }
}
