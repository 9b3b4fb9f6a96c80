package io.rekey.lifecycle.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.schema.LifecycleState;

import java.util.List;
import java.util.Set;

/**
 * An RFC 9457 (formerly 7807) problem: {@code type}, {@code title}, {@code status}, {@code detail} and
 * {@code instance}, with extensions: the field errors of an invalid request, the state of a secret that refused a
 * transition and where it may go, the current revision after a failed If-Match.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors,
                      LifecycleState currentState, Set<LifecycleState> allowedNextStates, Long currentRevision) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:rekey:problem:";

    public static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, instance, null, null, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, currentState, allowedNextStates, currentRevision);
    }

    public Problem withState(LifecycleState state, Set<LifecycleState> allowed) {
        return new Problem(type, title, status, detail, instance, errors, state, allowed, currentRevision);
    }

    public Problem withRevision(long revision) {
        return new Problem(type, title, status, detail, instance, errors, currentState, allowedNextStates, revision);
    }
}
