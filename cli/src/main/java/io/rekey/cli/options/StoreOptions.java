package io.rekey.cli.options;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretStores;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which secret store to open, with the same settings (and environment variables) as the rotation worker; without
 * any, the dev stack's store.
 */
public final class StoreOptions {

    @Option(names = "--store-type", paramLabel = "TYPE", description = "postgres or vault (default: $REKEY_WORKER_STORE_TYPE or postgres).")
    String type;

    @Option(names = "--store-url", paramLabel = "JDBC_URL", description = "PostgreSQL store (default: $REKEY_WORKER_STORE_URL or the dev stack's).")
    String url;

    @Option(names = "--store-user", paramLabel = "USER", description = "PostgreSQL user (default: $REKEY_WORKER_STORE_USER or postgres).")
    String user;

    @Option(names = "--store-password-file", paramLabel = "FILE", description = "File with that user's password (default: $REKEY_WORKER_STORE_PASSWORD_FILE).")
    Path passwordFile;

    @Option(names = "--store-keyset-file", paramLabel = "FILE",
            description = "Tink keyset sealing the PostgreSQL store (default: $REKEY_WORKER_STORE_KEYSET_FILE or the dev stack's).")
    Path keysetFile;

    @Option(names = "--vault-address", paramLabel = "URL", description = "Vault store address (default: $REKEY_WORKER_STORE_VAULT_ADDRESS).")
    String vaultAddress;

    @Option(names = "--vault-token-file", paramLabel = "FILE", description = "File with the Vault token (default: $REKEY_WORKER_STORE_VAULT_TOKEN_FILE).")
    Path vaultTokenFile;

    @Option(names = "--vault-path-prefix", paramLabel = "PREFIX", description = "Vault path prefix (default: $REKEY_WORKER_STORE_VAULT_PATH_PREFIX or rekey).")
    String vaultPathPrefix;

    public SecretStore open() {
        String storeType = first(type, env("REKEY_WORKER_STORE_TYPE"), "postgres");
        try {
            if (storeType.equals("vault")) {
                String prefix = first(vaultPathPrefix, env("REKEY_WORKER_STORE_VAULT_PATH_PREFIX"), "rekey");
                return SecretStores.vault(first(vaultAddress, env("REKEY_WORKER_STORE_VAULT_ADDRESS"), null),
                        path(vaultTokenFile, "REKEY_WORKER_STORE_VAULT_TOKEN_FILE", null), "--vault-token-file",
                        builder -> builder.pathPrefix(prefix));
            }
            if (!storeType.equals("postgres")) {
                throw new CliException(RekeyCli.EXIT_USAGE, "--store-type must be postgres or vault, was '" + storeType + "'");
            }
            PGSimpleDataSource dataSource = new PGSimpleDataSource();
            dataSource.setUrl(first(url, env("REKEY_WORKER_STORE_URL"), "jdbc:postgresql://127.0.0.1:5432/rekey_dev"));
            dataSource.setUser(first(user, env("REKEY_WORKER_STORE_USER"), "postgres"));
            Path password = path(passwordFile, "REKEY_WORKER_STORE_PASSWORD_FILE", null);
            if (password != null) {
                dataSource.setPassword(Files.readString(password).trim());
            }
            return SecretStores.postgres(dataSource,
                    path(keysetFile, "REKEY_WORKER_STORE_KEYSET_FILE", ConnectionOptions.home().resolve(".rekey/dev/keys/store-keyset.json")),
                    "--store-keyset-file", 10);
        } catch (IllegalStateException | IllegalArgumentException | IOException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, "cannot open the secret store: " + e.getMessage());
        }
    }

    private static Path path(Path option, String variable, Path fallback) {
        if (option != null) {
            return option;
        }
        String value = env(variable);
        return value != null ? Path.of(value) : fallback;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
