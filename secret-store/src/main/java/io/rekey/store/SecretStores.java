package io.rekey.store;

import io.rekey.store.postgres.EnvelopeCipher;
import io.rekey.store.postgres.PostgresSecretStore;
import io.rekey.store.vault.VaultKvSecretStore;
import io.rekey.store.vault.VaultKvSettings;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens a store from settings, the same way for the rotation worker and the CLI. Key material comes from files;
 * a missing or unreadable one fails with a message naming the setting, never the content.
 */
public final class SecretStores {

    private SecretStores() {
    }

    /**
     * The PostgreSQL store on {@code dataSource}, sealed with the Tink keyset in {@code keysetFile}; its tables are
     * created if missing.
     *
     * @param keysetSetting the name of the setting that gave {@code keysetFile}, for messages
     */
    public static PostgresSecretStore postgres(DataSource dataSource, Path keysetFile, String keysetSetting, int maxVersions) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        if (keysetFile == null || keysetFile.toString().isBlank()) {
            throw new IllegalStateException(keysetSetting + " must be set");
        }
        PostgresSecretStore store = new PostgresSecretStore(dataSource,
                EnvelopeCipher.fromKeysetJson(read(keysetFile, keysetSetting)), maxVersions);
        store.migrate();
        return store;
    }

    /**
     * The Vault KV v2 store at {@code address}, with the token read from {@code tokenFile}. {@code settings} sets
     * everything else (mount, prefixes, timeouts) on a builder.
     */
    public static VaultKvSecretStore vault(String address, Path tokenFile, String tokenSetting,
                                           java.util.function.UnaryOperator<VaultKvSettings.Builder> settings) {
        if (tokenFile == null || tokenFile.toString().isBlank()) {
            throw new IllegalStateException(tokenSetting + " must be set");
        }
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(address, "the Vault address must be set"));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the Vault address is not a URL: " + address);
        }
        return new VaultKvSecretStore(settings.apply(VaultKvSettings.builder(uri, read(tokenFile, tokenSetting).trim())).build());
    }

    private static String read(Path file, String setting) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + setting + " " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }
}
