package io.rekey.lifecycle.registry;

import java.util.List;
import java.util.Objects;

/**
 * One problem with one field of a request.
 *
 * @param field         JSON path of the field, for example {@code rotationPolicy.cron}
 * @param message       what is wrong, naming the field and, for choices, the allowed values
 * @param allowedValues the allowed values when the field is a choice, else empty
 */
public record FieldError(String field, String message, List<String> allowedValues) {

    public FieldError {
        Objects.requireNonNull(field, "field must not be null");
        Objects.requireNonNull(message, "message must not be null");
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
    }

    public static FieldError of(String field, String message) {
        return new FieldError(field, field + ": " + message, List.of());
    }
}
