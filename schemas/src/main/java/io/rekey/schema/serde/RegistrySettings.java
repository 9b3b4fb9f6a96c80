package io.rekey.schema.serde;

import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the schema registry is and how the serdes talk to it: the one place that makes Apicurio's
 * serdes write and read the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), so
 * any Confluent client can read rekey's topics through the registry's Confluent-compatible API.
 *
 * @param baseUrl      registry root, for example {@code http://127.0.0.1:8081}
 * @param autoRegister whether producers register a schema they do not find (dev and tests); in production
 *                     schemas are registered ahead of deployment with compatibility checks
 */
public record RegistrySettings(URI baseUrl, boolean autoRegister) {

    public RegistrySettings {
        Objects.requireNonNull(baseUrl, "baseUrl must not be null");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("schema registry URL must be http or https, was " + baseUrl);
        }
        String path = baseUrl.getPath();
        if (path != null && path.contains("/apis/")) {
            throw new IllegalArgumentException("schema registry URL must be the registry root (for example http://127.0.0.1:8081), "
                    + "without an /apis/ path; was " + baseUrl);
        }
    }

    /** Parses a root URL such as {@code http://127.0.0.1:8081}, with a clear message when it is not one. */
    public static RegistrySettings of(String baseUrl) {
        Objects.requireNonNull(baseUrl, "schema registry URL must not be null");
        URI uri;
        try {
            uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("schema registry URL is not a URL: " + baseUrl, e);
        }
        return new RegistrySettings(uri, true);
    }

    public RegistrySettings withAutoRegister(boolean enabled) {
        return new RegistrySettings(baseUrl, enabled);
    }

    /** Apicurio's native API, which its serdes use. */
    public String apicurioApiUrl() {
        return baseUrl + "/apis/registry/v2";
    }

    /** The Confluent-compatible API, which Confluent clients (Python, kcat, Confluent's Java serdes) use. */
    public String confluentApiUrl() {
        return baseUrl + "/apis/ccompat/v7";
    }

    /** Serde properties, to merge into producer, consumer or Streams configuration. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SerdeConfig.REGISTRY_URL, apicurioApiUrl());
        config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, autoRegister);
        // Confluent wire format: 4-byte id after the magic byte, no Apicurio headers. Naming the 4-byte handler as
        // well as setting as-confluent keeps Apicurio from warning that as-confluent replaced its default handler.
        config.put(SerdeConfig.ID_HANDLER, "io.apicurio.registry.serde.Legacy4ByteIdHandler");
        config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
        config.put(SerdeConfig.ENABLE_HEADERS, false);
        // The Confluent API resolves content ids; a global id would not be found by Confluent clients.
        config.put(SerdeConfig.USE_ID, "contentId");
        config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
        // A registry blip is retried before a record is reported undecodable.
        config.put(SerdeConfig.RETRY_COUNT, 3);
        config.put(SerdeConfig.RETRY_BACKOFF_MS, 300);
        return config;
    }
}
