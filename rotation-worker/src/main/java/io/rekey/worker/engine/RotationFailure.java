package io.rekey.worker.engine;

import io.rekey.schema.FailureKind;

import java.util.Objects;

/**
 * A phase could not complete. The message is the reason recorded on the rotation's events: it never
 * contains a secret value.
 */
public class RotationFailure extends RuntimeException {

    private final FailureKind kind;

    public RotationFailure(FailureKind kind, String reason) {
        super(Objects.requireNonNull(reason, "reason must not be null"));
        this.kind = Objects.requireNonNull(kind, "kind must not be null");
    }

    public RotationFailure(FailureKind kind, String reason, Throwable cause) {
        super(reason, cause);
        this.kind = Objects.requireNonNull(kind, "kind must not be null");
    }

    public static RotationFailure retryable(String reason) {
        return new RotationFailure(FailureKind.RETRYABLE, reason);
    }

    public static RotationFailure permanent(String reason) {
        return new RotationFailure(FailureKind.PERMANENT, reason);
    }

    public static RotationFailure conflict(String reason) {
        return new RotationFailure(FailureKind.CONFLICT, reason);
    }

    public FailureKind kind() {
        return kind;
    }
}
