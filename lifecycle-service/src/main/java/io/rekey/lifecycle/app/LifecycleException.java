package io.rekey.lifecycle.app;

import io.rekey.lifecycle.registry.FieldError;
import io.rekey.schema.LifecycleState;

import java.util.List;
import java.util.Set;

/** Why an operation of the lifecycle service did not happen; the HTTP layer turns each kind into a problem. */
public abstract sealed class LifecycleException extends RuntimeException {

    protected LifecycleException(String message) {
        super(message);
    }

    /** The request is invalid: every problem, field by field. */
    public static final class Invalid extends LifecycleException {
        private final List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super(errors.size() == 1 ? errors.get(0).message() : errors.size() + " fields are invalid");
            this.errors = List.copyOf(errors);
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    public static final class NotFound extends LifecycleException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The state of the secret does not allow it; says the state and what may come next. */
    public static final class Conflict extends LifecycleException {
        private final LifecycleState current;
        private final Set<LifecycleState> allowedNext;

        public Conflict(String message, LifecycleState current, Set<LifecycleState> allowedNext) {
            super(message);
            this.current = current;
            this.allowedNext = allowedNext == null ? Set.of() : Set.copyOf(allowedNext);
        }

        public LifecycleState current() {
            return current;
        }

        public Set<LifecycleState> allowedNext() {
            return allowedNext;
        }
    }

    /** The caller's expected revision (If-Match) is not the current one. */
    public static final class Stale extends LifecycleException {
        private final long currentRevision;

        public Stale(String message, long currentRevision) {
            super(message);
            this.currentRevision = currentRevision;
        }

        public long currentRevision() {
            return currentRevision;
        }
    }

    /** Kafka or the view is not available (yet): nothing was changed. */
    public static final class Unavailable extends LifecycleException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** The change was committed to the log, but this instance did not show it within the write timeout. */
    public static final class NotYetVisible extends LifecycleException {
        public NotYetVisible(String message) {
            super(message);
        }
    }
}
