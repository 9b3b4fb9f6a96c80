package io.rekey.worker.engine;

/**
 * A rotation cannot start and nothing was changed: for example another rotation of the secret is in
 * flight in the store. The rotation ends REFUSED, with no rollback and no retry.
 */
public class RefusedException extends RuntimeException {

    public RefusedException(String reason) {
        super(reason);
    }
}
