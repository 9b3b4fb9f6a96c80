package io.rekey.store;

/** A compare-and-set failed: another writer changed the secret since the caller read it. */
public class StoreConflictException extends RuntimeException {

    public StoreConflictException(String message) {
        super(message);
    }
}
