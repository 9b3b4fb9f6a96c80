package io.rekey.worker.target;

import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialPolicy;

/**
 * Target kind NONE: the secret is only stored (a generic secret consumers read from the store on
 * SecretChanged). Nothing to deploy, verify, restore or revoke.
 */
public final class NoTarget implements RotationTarget {

    @Override
    public TargetKind kind() {
        return TargetKind.NONE;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return CredentialPolicy.DATABASE_PASSWORD;
    }

    @Override
    public void deploy(TargetContext context) {
    }

    @Override
    public void verify(TargetContext context) {
    }

    @Override
    public void rollback(TargetContext context) {
    }

    @Override
    public void cleanup(TargetContext context) {
    }
}
