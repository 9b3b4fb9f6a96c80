package io.rekey.lifecycle.api;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.registry.FieldError;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Request bodies parsed here rather than bound by the framework, so every problem (bad JSON, a wrong type, an
 * unknown field) comes back as a field error, and no part of a body is echoed into an error message.
 */
@Singleton
public class JsonBodies {

    private final JsonMapper json;

    public JsonBodies(JsonMapper json) {
        this.json = json;
    }

    /** A JSON object; an empty body is an empty object unless {@code required}. */
    public Map<String, Object> object(String body, boolean required) {
        if (body == null || body.isBlank()) {
            if (required) {
                throw invalid("a JSON object is required");
            }
            return Map.of();
        }
        Object parsed;
        try {
            parsed = json.readValue(body, Argument.OBJECT_ARGUMENT);
        } catch (IOException | RuntimeException e) {
            throw invalid("is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw invalid("must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }

    static String text(Map<String, Object> body, String field, int max) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.length() > max || s.chars().anyMatch(Character::isISOControl)) {
            throw new LifecycleException.Invalid(List.of(FieldError.of(field, "must be a string of at most " + max
                    + " characters without control characters")));
        }
        return s.isBlank() ? null : s.trim();
    }

    static boolean flag(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw new LifecycleException.Invalid(List.of(FieldError.of(field, "must be true or false")));
        }
        return b;
    }

    static void onlyFields(Map<String, Object> body, List<String> known) {
        for (String key : body.keySet()) {
            if (!known.contains(key)) {
                throw new LifecycleException.Invalid(List.of(new FieldError(key, key + ": unknown field; known fields are "
                        + known, known)));
            }
        }
    }

    private static LifecycleException.Invalid invalid(String message) {
        return new LifecycleException.Invalid(List.of(FieldError.of("(body)", message)));
    }
}
