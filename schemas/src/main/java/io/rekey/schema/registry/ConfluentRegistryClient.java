package io.rekey.schema.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rekey.schema.serde.RegistrySettings;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A small client for the Confluent Schema Registry REST API, which Apicurio serves at
 * {@code /apis/ccompat/v7} (Confluent's own client is not on Maven Central). Using the Confluent API for
 * registration keeps rekey's tooling working against either registry.
 */
public final class ConfluentRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiUrl;
    private final HttpClient http;
    private final Duration timeout;

    public ConfluentRegistryClient(RegistrySettings settings) {
        this(settings, Duration.ofSeconds(10));
    }

    public ConfluentRegistryClient(RegistrySettings settings, Duration timeout) {
        this.apiUrl = Objects.requireNonNull(settings, "settings must not be null").confluentApiUrl();
        this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Registers a schema under a subject (idempotent for identical content) and returns its id. */
    public int register(String subject, String avroSchema) {
        ObjectNode body = JSON.createObjectNode().put("schema", avroSchema).put("schemaType", "AVRO");
        return send("POST", "/subjects/" + encode(subject) + "/versions", body).get("id").asInt();
    }

    /** Sets the compatibility rule of one subject, for example {@code BACKWARD} or {@code FULL}. */
    public void setCompatibility(String subject, Compatibility level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        send("PUT", "/config/" + encode(subject), body);
    }

    public Compatibility compatibility(String subject) {
        JsonNode node = send("GET", "/config/" + encode(subject), null);
        JsonNode level = node.has("compatibilityLevel") ? node.get("compatibilityLevel") : node.get("compatibility");
        return Compatibility.valueOf(level.asText());
    }

    /** The schema text registered under a global id, as a Confluent deserializer would fetch it. */
    public String schemaById(int id) {
        return send("GET", "/schemas/ids/" + id, null).get("schema").asText();
    }

    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(n -> subjects.add(n.asText()));
        return subjects;
    }

    /** Whether the registry answers at all. */
    public boolean isReachable() {
        try {
            subjects();
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RegistryException(0, "schema registry at " + apiUrl + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted while calling the schema registry", e);
        }
        JsonNode json = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            String message = json != null && json.has("message") ? json.get("message").asText() : response.body();
            throw new RegistryException(response.statusCode(),
                    method + " " + path + " failed with HTTP " + response.statusCode() + ": " + message, null);
        }
        return json;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    /** Confluent compatibility levels. */
    public enum Compatibility { NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE }

    /** A registry call failed; {@link #status()} is the HTTP status, or 0 when the registry was not reached. */
    public static final class RegistryException extends RuntimeException {
        private final int status;

        public RegistryException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** HTTP 409: the schema breaks the subject's compatibility rule. */
        public boolean isIncompatible() {
            return status == 409;
        }
    }
}
