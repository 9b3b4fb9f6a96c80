package io.rekey.worker.app;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code rekey.worker.targets.*}: what target adapters need from the worker's own configuration (never from the
 * registry: a registered secret must not be able to point the worker at a file or a Vault token). Adapters that need
 * an unset setting are not registered, and rotations of their kind are refused with "no adapter for target kind".
 */
@ConfigurationProperties("rekey.worker.targets")
public record TargetSettings(Jwks jwks, Vault vault) {

    /**
     * {@code rekey.worker.targets.jwks.*}: JWT signing keys.
     *
     * @param directory where the JWKS documents are written, {@code <jwks>.json} each (created if missing)
     */
    @ConfigurationProperties("jwks")
    public record Jwks(@Nullable Path directory) {
    }

    /**
     * {@code rekey.worker.targets.vault.*}: dynamic credentials from Vault.
     *
     * @param address            {@code http(s)://host:port}, like VAULT_ADDR
     * @param tokenFile          file holding the token (needs read on {@code <mount>/creds/<role>}, update on
     *                           {@code sys/leases/renew} and {@code sys/leases/revoke}, sudo on {@code sys/leases/revoke-prefix})
     * @param leaseCheckInterval how often CURRENT leases are checked for renewal
     * @param leaseRefreshMargin a lease is renewed this long before it expires (at most half its duration before)
     */
    @ConfigurationProperties("vault")
    public record Vault(@Nullable String address, @Nullable Path tokenFile, @Nullable String namespace, Duration timeout,
                        Duration leaseCheckInterval, Duration leaseRefreshMargin) {
    }
}
