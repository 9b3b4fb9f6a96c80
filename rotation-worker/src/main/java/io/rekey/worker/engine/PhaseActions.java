package io.rekey.worker.engine;

import io.rekey.schema.Category;
import io.rekey.schema.SecretType;

import java.time.Duration;

/**
 * The side effects of each phase, against the secret store and the target. Every action is idempotent: after
 * a crash the engine repeats the phase that was not yet recorded. Failures are {@link RotationFailure}s (or
 * {@link RefusedException} when a rotation cannot start and nothing changed).
 */
public interface PhaseActions {

    /** What preparation found. */
    record Prepared(String currentVersionId, SecretType secretType, Category category) { }

    /** What promotion did: how long the previous credential stays valid. */
    record Promoted(Duration gracePeriod) { }

    Prepared prepare(Rotation rotation);

    /** Stores the new credential as PENDING (or finds the one a previous run stored); returns its fingerprint. */
    String generate(Rotation rotation);

    /** Checks that a credential can be generated and stored for this secret, changing nothing. */
    void validateDryRun(Rotation rotation);

    void deploy(Rotation rotation);

    void verify(Rotation rotation);

    Promoted promote(Rotation rotation);

    void cleanup(Rotation rotation);

    void rollback(Rotation rotation);
}
