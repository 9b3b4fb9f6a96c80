package io.rekey.worker.app;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.nio.file.Path;

/**
 * {@code rekey.worker.store.*}: where secret values live.
 *
 * @param type {@code postgres} (default) or {@code vault}
 */
@ConfigurationProperties("rekey.worker.store")
public record StoreSettings(String type, Postgres postgres, Vault vault) {

    /**
     * {@code rekey.worker.store.postgres.*}: the PostgreSQL store.
     *
     * @param url          JDBC URL of the database holding the store's tables
     * @param user         database user
     * @param passwordFile file holding the database password (absent: no password)
     * @param keysetFile   Tink JSON keyset of the key-encryption key (generate with {@code rekey keys store-keyset})
     * @param maxVersions  versions kept per secret, labelled ones included
     */
    @ConfigurationProperties("postgres")
    public record Postgres(String url, String user, @Nullable Path passwordFile, @Nullable Path keysetFile, int maxVersions) {
    }

    /**
     * {@code rekey.worker.store.vault.*}: the Vault KV v2 store (see {@code VaultKvSecretStore} for how labels map onto
     * KV versions and where PENDING versions wait).
     *
     * @param address   {@code http(s)://host:port}, like VAULT_ADDR
     * @param tokenFile file holding the Vault token (read at start-up; never logged)
     */
    @ConfigurationProperties("vault")
    public record Vault(@Nullable String address, @Nullable Path tokenFile, @Nullable String namespace, String mount,
                        @Nullable String pathPrefix, String pendingPrefix, String valueField,
                        java.time.Duration openTimeout, java.time.Duration readTimeout, int maxVersions) {
    }
}
