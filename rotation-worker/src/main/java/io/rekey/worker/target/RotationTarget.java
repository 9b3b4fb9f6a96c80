package io.rekey.worker.target;

import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;

/**
 * A system where credentials are used: it applies a new credential, proves it works, restores the
 * current one, and revokes the previous one after the grace period. Every operation is idempotent: a
 * resumed rotation may call it again with the same values.
 *
 * <p>Failures are {@link TargetException}s whose messages never contain a credential.
 */
public interface RotationTarget {

    TargetKind kind();

    /** How new credentials for this descriptor's target must look. */
    CredentialPolicy credentialPolicy(SecretDescriptor descriptor);

    /**
     * Checks, before anything changes, that this adapter can rotate the secret: its strategy and its target
     * parameters. Throws {@link TargetException#permanent} naming what is wrong; the rotation is then refused.
     */
    default void validate(SecretDescriptor descriptor) {
    }

    /**
     * The value of the new version, stored as PENDING before the target is touched. By default a random credential
     * of {@link #credentialPolicy}; adapters whose secret holds more than a password (which of two users is live, a
     * key pair, a lease) build it here from {@link TargetContext#current()}. Nothing at the target changes, except
     * where the target itself issues the credential (a Vault lease).
     */
    default SecretValue generate(TargetContext context, CredentialGenerator generator) {
        return generator.generate(credentialPolicy(context.descriptor()));
    }

    /** Applies {@link TargetContext#pending()} at the target. */
    void deploy(TargetContext context);

    /** Proves {@link TargetContext#pending()} works with a real login or call, not a configuration read. */
    void verify(TargetContext context);

    /**
     * Makes {@link TargetContext#current()} the working credential again and undoes what deploy did;
     * {@link TargetContext#previous()} is the version before CURRENT, for adapters whose deploy overwrote it.
     */
    void rollback(TargetContext context);

    /**
     * Revokes {@link TargetContext#previous()} where the strategy has something to revoke; {@link TargetContext#current()}
     * is what must keep working.
     */
    void cleanup(TargetContext context);
}
