package io.rekey.audit.stream;

import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Lets the registry deserializer decode the first record of each schema id, then decodes the rest with one reader
 * per id. Apicurio's deserializer builds a new Avro datum reader for every record, and Avro's fast reader then
 * rebuilds its decoding plan each time: a fifth of the audit stream's CPU (see BENCHMARKS.md). The writer schema
 * comes from the registry's own cache; the first record is decoded both ways and must come out equal, or every
 * record of that id goes through the registry deserializer as before. Values shorter than the header or without the
 * magic byte go to the registry deserializer too, so their errors are its errors.
 */
final class ResolvedOnceDeserializer<V extends SpecificRecord> implements Deserializer<V> {

    private final Deserializer<V> registry;
    private final LongFunction<Schema> writerSchemas;
    /** A reader per schema id, or empty when that id is left to the registry deserializer. */
    private final Map<Integer, Optional<SpecificDatumReader<V>>> readers = new ConcurrentHashMap<>();

    /**
     * @param writerSchemas the writer schema of an id, from the registry deserializer's cache (called once per id,
     *                      after that deserializer has decoded a record of it)
     */
    ResolvedOnceDeserializer(Deserializer<V> registry, LongFunction<Schema> writerSchemas) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
        this.writerSchemas = Objects.requireNonNull(writerSchemas, "writerSchemas must not be null");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        registry.configure(configs, isKey);
    }

    @Override
    public V deserialize(String topic, byte[] data) {
        if (data == null || data.length < ResolvedOnceSerializer.HEADER || data[0] != 0) {
            return registry.deserialize(topic, data);
        }
        int id = ByteBuffer.wrap(data, 1, 4).getInt();
        Optional<SpecificDatumReader<V>> reader = readers.get(id);
        if (reader != null) {
            return reader.isPresent() ? decode(reader.get(), id, data) : registry.deserialize(topic, data);
        }
        V value = registry.deserialize(topic, data);
        readers.put(id, readerFor(id, value, data));
        return value;
    }

    private Optional<SpecificDatumReader<V>> readerFor(int id, V value, byte[] data) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            SpecificDatumReader<V> reader = new SpecificDatumReader<>(writerSchemas.apply(id), value.getSchema());
            return value.equals(decode(reader, id, data)) ? Optional.of(reader) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static <V> V decode(SpecificDatumReader<V> reader, int id, byte[] data) {
        try {
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, ResolvedOnceSerializer.HEADER,
                    data.length - ResolvedOnceSerializer.HEADER, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode Avro written with schema id " + id, e);
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
