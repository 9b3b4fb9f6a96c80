package io.rekey.store;

/** The store could not be reached or answered with an error that may pass; the operation can be retried. */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
