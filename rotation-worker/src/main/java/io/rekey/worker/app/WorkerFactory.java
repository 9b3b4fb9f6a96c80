package io.rekey.worker.app;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.signing.CommandVerifier;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.worker.secret.Fingerprinter;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretStores;
import io.rekey.worker.target.NoTarget;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetRegistry;
import io.rekey.worker.target.apikey.HttpApiKeyTarget;
import io.rekey.worker.target.jwks.JwksFiles;
import io.rekey.worker.target.jwks.JwksSigningKeyTarget;
import io.rekey.worker.target.mariadb.MariadbUserTarget;
import io.rekey.worker.target.postgres.PostgresRoleTarget;
import io.rekey.worker.target.rabbitmq.RabbitmqUserTarget;
import io.rekey.worker.target.redis.RedisAclTarget;
import io.rekey.worker.target.vault.VaultDynamicTarget;
import io.rekey.worker.target.vault.VaultLeases;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Builds the worker from configuration, refusing to start on a setting that is missing or wrong. */
@Factory
public class WorkerFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    CommandVerifier commandVerifier(WorkerSettings settings) {
        return new CommandVerifier(trustedIssuers(settings.trustedIssuersDir()),
                new HashSet<>(settings.revokedIssuers() == null ? List.of() : settings.revokedIssuers()),
                settings.commandMaxAge(), settings.clockSkew());
    }

    @Singleton
    Fingerprinter fingerprinter(WorkerSettings settings) {
        Path file = required(settings.fingerprintKeyFile(), "rekey.worker.fingerprint-key-file (REKEY_WORKER_FINGERPRINT_KEY_FILE)");
        try {
            byte[] key = Files.readAllBytes(file);
            if (key.length < 32) {
                throw new IllegalStateException("rekey.worker.fingerprint-key-file " + file + " holds " + key.length
                        + " bytes; at least 32 random bytes are needed");
            }
            return new Fingerprinter(key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read rekey.worker.fingerprint-key-file " + file + ": " + e.getMessage(), e);
        }
    }

    @Singleton
    @Bean(preDestroy = "close")
    HikariDataSource storeDataSource(StoreSettings settings) {
        StoreSettings.Postgres pg = settings.postgres();
        HikariConfig config = new HikariConfig();
        config.setPoolName("rekey-secret-store");
        config.setJdbcUrl(required(pg.url(), "rekey.worker.store.postgres.url"));
        config.setUsername(pg.user());
        if (pg.passwordFile() != null) {
            config.setPassword(readText(pg.passwordFile(), "rekey.worker.store.postgres.password-file").trim());
        }
        config.setMaximumPoolSize(8);
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.setInitializationFailTimeout(Duration.ofSeconds(30).toMillis());
        return new HikariDataSource(config);
    }

    @Singleton
    SecretStore secretStore(StoreSettings settings, jakarta.inject.Provider<HikariDataSource> dataSource) {
        String type = settings.type() == null ? "postgres" : settings.type();
        if (type.equals("vault")) {
            return vaultStore(settings.vault());
        }
        if (!type.equals("postgres")) {
            throw new IllegalStateException("rekey.worker.store.type must be postgres or vault, was '" + type + "'");
        }
        StoreSettings.Postgres pg = settings.postgres();
        return SecretStores.postgres(dataSource.get(), pg.keysetFile(),
                "rekey.worker.store.postgres.keyset-file (REKEY_WORKER_STORE_KEYSET_FILE)", pg.maxVersions());
    }

    private static SecretStore vaultStore(StoreSettings.Vault vault) {
        String address = required(vault.address(), "rekey.worker.store.vault.address (REKEY_WORKER_STORE_VAULT_ADDRESS)");
        return SecretStores.vault(address, vault.tokenFile(), "rekey.worker.store.vault.token-file (REKEY_WORKER_STORE_VAULT_TOKEN_FILE)",
                builder -> {
                    builder.mount(vault.mount()).pendingPrefix(vault.pendingPrefix()).valueField(vault.valueField())
                            .timeouts(vault.openTimeout(), vault.readTimeout()).maxVersions(vault.maxVersions());
                    if (vault.namespace() != null && !vault.namespace().isBlank()) {
                        builder.namespace(vault.namespace());
                    }
                    if (vault.pathPrefix() != null && !vault.pathPrefix().isBlank()) {
                        builder.pathPrefix(vault.pathPrefix());
                    }
                    return builder;
                });
    }

    @Singleton
    TargetServices targetServices(TargetSettings settings, WorkerSettings worker, Clock clock) {
        return new TargetServices(new KafkaLifecycleFacts(worker.instanceId() == null ? "rotation-worker" : worker.instanceId(), clock),
                jwksFiles(settings.jwks()), vaultLeases(settings.vault()),
                positive(settings.vault().leaseCheckInterval(), "rekey.worker.targets.vault.lease-check-interval"),
                positive(settings.vault().leaseRefreshMargin(), "rekey.worker.targets.vault.lease-refresh-margin"));
    }

    /** Every adapter this worker has; JWT signing keys and Vault leases only when their settings are there. */
    @Singleton
    @Bean(preDestroy = "close")
    TargetRegistry targets(TargetServices services, Clock clock) {
        return new TargetRegistry(adapters(services, clock));
    }

    static List<RotationTarget> adapters(TargetServices services, Clock clock) {
        List<RotationTarget> adapters = new ArrayList<>(List.of(new PostgresRoleTarget(), new MariadbUserTarget(), new RedisAclTarget(),
                new RabbitmqUserTarget(), new HttpApiKeyTarget(), new NoTarget()));
        services.jwks().ifPresent(files -> adapters.add(new JwksSigningKeyTarget(files, clock)));
        services.vault().ifPresent(vault -> adapters.add(new VaultDynamicTarget(vault, services.facts(), clock)));
        return adapters;
    }

    static Optional<JwksFiles> jwksFiles(TargetSettings.Jwks jwks) {
        if (jwks == null || jwks.directory() == null || jwks.directory().toString().isBlank()) {
            return Optional.empty();
        }
        Path directory = jwks.directory();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("rekey.worker.targets.jwks.directory (REKEY_WORKER_JWKS_DIR) " + directory
                    + " cannot be created: " + e.getMessage(), e);
        }
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw new IllegalStateException("rekey.worker.targets.jwks.directory (REKEY_WORKER_JWKS_DIR) " + directory
                    + " must be a directory the worker can write");
        }
        return Optional.of(new JwksFiles(directory));
    }

    static Optional<VaultLeases> vaultLeases(TargetSettings.Vault vault) {
        boolean address = vault != null && vault.address() != null && !vault.address().isBlank();
        boolean token = vault != null && vault.tokenFile() != null && !vault.tokenFile().toString().isBlank();
        if (!address && !token) {
            return Optional.empty();
        }
        String url = required(address ? vault.address() : null, "rekey.worker.targets.vault.address (REKEY_WORKER_VAULT_ADDRESS)");
        java.net.URI uri;
        try {
            uri = java.net.URI.create(url);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
            throw new IllegalStateException("rekey.worker.targets.vault.address (REKEY_WORKER_VAULT_ADDRESS) must be http(s)://host:port, was '"
                    + url + "'");
        }
        Path tokenFile = required(token ? vault.tokenFile() : null, "rekey.worker.targets.vault.token-file (REKEY_WORKER_VAULT_TOKEN_FILE)");
        String tokenText = readText(tokenFile, "rekey.worker.targets.vault.token-file").trim();
        if (tokenText.isEmpty()) {
            throw new IllegalStateException("rekey.worker.targets.vault.token-file " + tokenFile + " is empty");
        }
        return Optional.of(new VaultLeases(uri, tokenText,
                Optional.ofNullable(vault.namespace()).filter(ns -> !ns.isBlank()),
                positive(vault.timeout(), "rekey.worker.targets.vault.timeout")));
    }

    private static Duration positive(Duration value, String setting) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalStateException(setting + " must be a positive duration, was " + value);
        }
        return value;
    }

    @Context
    @Bean(preDestroy = "close")
    RotationWorker rotationWorker(KafkaClients clients, WorkerSettings settings, SecretStore store, TargetRegistry targets,
                                  TargetServices targetServices, CommandVerifier verifier, Fingerprinter fingerprinter, Clock clock,
                                  MeterRegistry meters) {
        check(settings);
        RotationWorker worker = new RotationWorker(clients, settings, store, targets, targetServices, verifier, fingerprinter, clock, meters);
        worker.start();
        return worker;
    }

    static void check(WorkerSettings s) {
        if (s.instanceId() == null || !s.instanceId().matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalStateException("rekey.worker.instance-id must be 1-100 letters, digits, '.', '_' or '-', was '" + s.instanceId() + "'");
        }
        if (s.rebuildLookback().compareTo(s.maxGracePeriod().plus(s.rotationTimeout())) <= 0) {
            throw new IllegalStateException("rekey.worker.rebuild-lookback (" + s.rebuildLookback()
                    + ") must exceed max-grace-period plus rotation-timeout (" + s.maxGracePeriod().plus(s.rotationTimeout())
                    + "), or a restart could miss a pending cleanup");
        }
        if (s.sessionTimeout().compareTo(Duration.ofSeconds(6)) < 0 || s.sessionTimeout().compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalStateException("rekey.worker.session-timeout must be between 6s and 5m (the broker's default "
                    + "group.min/max.session.timeout.ms allow that range), was " + s.sessionTimeout());
        }
        if (s.phaseTimeout().compareTo(s.rotationTimeout()) > 0) {
            throw new IllegalStateException("rekey.worker.phase-timeout (" + s.phaseTimeout() + ") must not exceed rotation-timeout ("
                    + s.rotationTimeout() + ")");
        }
    }

    /** Every {@code <keyId>.pub} PEM file of the directory. */
    static Map<String, PublicKey> trustedIssuers(Path dir) {
        Path directory = required(dir, "rekey.worker.trusted-issuers-dir (REKEY_WORKER_TRUSTED_ISSUERS_DIR)");
        Map<String, PublicKey> keys = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".pub")).toList()) {
                String keyId = file.getFileName().toString().replaceFirst("\\.pub$", "");
                try {
                    keys.put(keyId, IssuerKeys.publicKey(Files.readString(file, StandardCharsets.US_ASCII)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("issuer key file " + file + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read rekey.worker.trusted-issuers-dir " + directory + ": " + e.getMessage(), e);
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException("rekey.worker.trusted-issuers-dir " + directory
                    + " holds no <keyId>.pub file: no command could ever be accepted");
        }
        return keys;
    }

    private static <T> T required(T value, String setting) {
        if (value == null || (value instanceof String text && text.isBlank()) || value.toString().isBlank()) {
            throw new IllegalStateException(setting + " must be set");
        }
        return value;
    }

    private static String readText(Path file, String setting) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + setting + " " + file + ": " + e.getMessage(), e);
        }
    }
}
