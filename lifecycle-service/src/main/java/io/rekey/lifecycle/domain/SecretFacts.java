package io.rekey.lifecycle.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * What the state machine may consider when it decides a command about one secret.
 *
 * @param status         lifecycle so far; null when the id has never been seen
 * @param expiresAt      the descriptor's expiry, if any
 * @param rotationFailed whether a failed rotation is unsettled, from lifecycle facts and rotation events together
 */
public record SecretFacts(String secretId, SecretStatus status, Instant expiresAt, boolean rotationFailed) {

    public SecretFacts {
        Objects.requireNonNull(secretId, "secretId must not be null");
    }
}
