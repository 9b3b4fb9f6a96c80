package io.rekey.worker.engine;

/**
 * A step ran but its records could not be committed. {@link #lastRecorded()} is the rotation as its committed
 * events describe it: running from there repeats the unrecorded step, which is idempotent.
 */
public class StepNotRecordedException extends RuntimeException {

    private final transient Rotation lastRecorded;

    public StepNotRecordedException(Rotation lastRecorded, RuntimeException cause) {
        super("events of rotation " + lastRecorded.rotationId() + " not committed: " + cause.getMessage(), cause);
        this.lastRecorded = lastRecorded;
    }

    public Rotation lastRecorded() {
        return lastRecorded;
    }
}
