package io.rekey.lifecycle.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import io.micronaut.serde.annotation.SerdeImport;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.registry.FieldError;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/**
 * Every error the API returns is problem JSON: the service's own refusals ({@link LifecycleException}) and the
 * framework's (unknown route, wrong method, unreadable parameter).
 */
@SerdeImport(FieldError.class)
public final class Problems {

    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    static MutableHttpResponse<Problem> response(Problem problem) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status())).contentType(Problem.MEDIA_TYPE).body(problem);
    }

    static Problem of(LifecycleException e, String instance) {
        if (e instanceof LifecycleException.Invalid invalid) {
            return Problem.of(400, "invalid-request", "Invalid request", e.getMessage(), instance).withErrors(invalid.errors());
        }
        if (e instanceof LifecycleException.NotFound) {
            return Problem.of(404, "not-found", "Not found", e.getMessage(), instance);
        }
        if (e instanceof LifecycleException.Conflict conflict) {
            return Problem.of(409, "illegal-transition", "Not allowed in the secret's current state", e.getMessage(), instance)
                    .withState(conflict.current(), conflict.allowedNext().isEmpty() ? null : conflict.allowedNext());
        }
        if (e instanceof LifecycleException.Stale stale) {
            return Problem.of(412, "stale-revision", "The secret changed since you read it", e.getMessage(), instance)
                    .withRevision(stale.currentRevision());
        }
        if (e instanceof LifecycleException.NotYetVisible) {
            return Problem.of(504, "not-yet-visible", "Committed, not yet visible here", e.getMessage(), instance);
        }
        return Problem.of(503, "unavailable", "Service unavailable", e.getMessage(), instance);
    }

    /** The service's refusals. */
    @Singleton
    @Produces(Problem.MEDIA_TYPE)
    public static class LifecycleExceptionHandler implements ExceptionHandler<LifecycleException, HttpResponse<Problem>> {
        @Override
        public HttpResponse<Problem> handle(HttpRequest request, LifecycleException exception) {
            Problem problem = of(exception, request.getPath());
            MutableHttpResponse<Problem> response = response(problem);
            if (problem.status() == 503) {
                response.header("Retry-After", "5");
            }
            return response;
        }
    }

    /** The framework's errors, as problem JSON instead of Micronaut's own error format. */
    @Singleton
    @Replaces(JsonErrorResponseBodyProvider.class)
    public static class FrameworkErrors implements JsonErrorResponseBodyProvider<Problem> {
        @Override
        public Problem body(ErrorContext context, HttpResponse<?> response) {
            int status = response.code();
            String detail = context.getErrors().stream()
                    .map(e -> e.getPath().map(p -> p + ": ").orElse("") + e.getMessage())
                    .collect(Collectors.joining("; "));
            if (status >= 500) {
                context.getRootCause().ifPresent(t -> LOG.error("request {} failed", context.getRequest().getPath(), t));
                detail = "the request failed inside the service; see its log";
            }
            String reason = response.reason() == null ? HttpStatus.valueOf(status).getReason() : response.reason();
            return Problem.of(status, reason.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), reason,
                    detail.isEmpty() ? reason : detail, context.getRequest().getPath());
        }

        @Override
        public String contentType() {
            return Problem.MEDIA_TYPE;
        }
    }
}
