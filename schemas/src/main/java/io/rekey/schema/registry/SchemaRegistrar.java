package io.rekey.schema.registry;

import io.rekey.schema.registry.ConfluentRegistryClient.Compatibility;
import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Registers the value schema of every catalogue topic and sets each subject's compatibility rule, so
 * producers never register an incompatible change by accident.
 */
public final class SchemaRegistrar {

    /**
     * FULL: a new schema must be readable by old readers and read old data, so producers and consumers can
     * be upgraded in any order (add or remove only fields with defaults; enums fall back to UNKNOWN).
     */
    public static final Compatibility DEFAULT_COMPATIBILITY = Compatibility.FULL;

    private final ConfluentRegistryClient client;

    public SchemaRegistrar(ConfluentRegistryClient client) {
        this.client = Objects.requireNonNull(client, "client must not be null");
    }

    /** Registers every catalogue schema; returns the schema id per subject. */
    public Map<String, Integer> registerAll() {
        return register(Topics.ALL);
    }

    public Map<String, Integer> register(List<Topic<?>> topics) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topic<?> topic : topics) {
            Schema schema = SpecificData.get().getSchema(topic.valueType());
            int id = client.register(topic.valueSubject(), schema.toString());
            client.setCompatibility(topic.valueSubject(), DEFAULT_COMPATIBILITY);
            ids.put(topic.valueSubject(), id);
        }
        return ids;
    }
}
