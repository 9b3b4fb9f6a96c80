package io.rekey.worker.target;

import io.rekey.store.SecretValue;

/**
 * A target operation failed. The message is safe to record: adapters build it from what they know (SQL state,
 * HTTP status) and {@link #scrubbed} removes any credential a library might have echoed.
 */
public class TargetException extends RuntimeException {

    private final boolean retryable;

    private TargetException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public static TargetException retryable(String message) {
        return new TargetException(message, true);
    }

    public static TargetException permanent(String message) {
        return new TargetException(message, false);
    }

    /** Whether trying again later may succeed (connection trouble) or not (a role that does not exist). */
    public boolean retryable() {
        return retryable;
    }

    /** {@code text} with every occurrence of the given credentials replaced, for messages from libraries. */
    public static String scrubbed(String text, SecretValue... values) {
        if (text == null) {
            return "";
        }
        String result = text;
        for (SecretValue value : values) {
            if (value != null && value.length() > 0) {
                result = result.replace(value.reveal(), "[redacted]");
            }
        }
        return result;
    }
}
