package io.rekey.store.vault;

import io.rekey.store.StoreUnavailableException;

/**
 * Vault answered 403: the token is missing, invalid, expired or revoked, or its policies do not cover the path.
 * Retryable like any unavailability (a renewed token or a fixed policy lets the same call succeed), but named
 * so that callers and alerts can tell a credentials problem from an outage.
 */
public class VaultAccessDeniedException extends StoreUnavailableException {

    public VaultAccessDeniedException(String message) {
        super(message, null);
    }
}
