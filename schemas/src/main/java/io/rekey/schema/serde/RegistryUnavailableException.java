package io.rekey.schema.serde;

/** The schema registry could not be reached: a transient condition, not a malformed record. */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
