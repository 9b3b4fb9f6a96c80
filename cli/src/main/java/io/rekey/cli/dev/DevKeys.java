package io.rekey.cli.dev;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.rekey.schema.signing.IssuerKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The dev stack's key material, created on first start and kept under {@code <data>/keys} (mode 600): Ed25519
 * issuer keys for the CLI and the lifecycle scheduler (their public halves are what the worker trusts), the
 * HMAC key for credential fingerprints, the Tink keyset sealing the secret store, and the HS256 secret the lifecycle
 * service checks API tokens with ({@code rekey dev token} mints them). For local use only.
 */
public final class DevKeys {

    public static final String CLI_ISSUER = "dev-cli";
    public static final String LIFECYCLE_ISSUER = "dev-lifecycle";

    private final Path dir;

    private DevKeys(Path dir) {
        this.dir = dir;
    }

    /** The keys under {@code dir}, without creating any. */
    static DevKeys at(Path dir) {
        return new DevKeys(dir);
    }

    public static DevKeys ensure(Path dir) throws IOException {
        DevKeys keys = new DevKeys(dir);
        Files.createDirectories(keys.issuersDir());
        for (String issuer : new String[] {CLI_ISSUER, LIFECYCLE_ISSUER}) {
            if (!Files.exists(keys.privateKey(issuer))) {
                KeyPair pair = IssuerKeys.generate();
                writeSecret(keys.privateKey(issuer), IssuerKeys.privatePem(pair.getPrivate()).getBytes());
                Files.writeString(keys.issuersDir().resolve(issuer + ".pub"), IssuerKeys.publicPem(pair.getPublic()));
            }
        }
        if (!Files.exists(keys.fingerprintKey())) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            writeSecret(keys.fingerprintKey(), key);
        }
        if (!Files.exists(keys.storeKeyset())) {
            writeSecret(keys.storeKeyset(), newKeyset().getBytes());
        }
        if (!Files.exists(keys.apiTokenSecret())) {
            byte[] secret = new byte[48];
            new SecureRandom().nextBytes(secret);
            writeSecret(keys.apiTokenSecret(), Base64.getEncoder().encode(secret));
        }
        return keys;
    }

    public Path issuersDir() {
        return dir.resolve("issuers");
    }

    public Path privateKey(String issuer) {
        return dir.resolve(issuer + ".key");
    }

    public Path fingerprintKey() {
        return dir.resolve("fingerprint.key");
    }

    public Path storeKeyset() {
        return dir.resolve("store-keyset.json");
    }

    /** HS256 secret of the lifecycle API's bearer tokens. */
    public Path apiTokenSecret() {
        return dir.resolve("lifecycle-jwt.secret");
    }

    public PrivateKey cliKey() throws IOException {
        return IssuerKeys.readPrivateKey(privateKey(CLI_ISSUER));
    }

    /** Environment the services read their keys from (the lifecycle service takes its token secret only as a value). */
    public Map<String, String> environment() throws IOException {
        return Map.of(
                "REKEY_WORKER_TRUSTED_ISSUERS_DIR", issuersDir().toString(),
                "REKEY_WORKER_FINGERPRINT_KEY_FILE", fingerprintKey().toString(),
                "REKEY_WORKER_STORE_KEYSET_FILE", storeKeyset().toString(),
                "REKEY_LIFECYCLE_ISSUER_KEY_FILE", privateKey(LIFECYCLE_ISSUER).toString(),
                "REKEY_LIFECYCLE_ISSUER_KEY_ID", LIFECYCLE_ISSUER,
                "REKEY_LIFECYCLE_JWT_SECRET", Files.readString(apiTokenSecret()).trim());
    }

    private static String newKeyset() {
        try {
            AeadConfig.register();
            return TinkJsonProtoKeysetFormat.serializeKeyset(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM),
                    InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the store keyset", e);
        }
    }

    private static void writeSecret(Path file, byte[] content) throws IOException {
        Files.write(file, content);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }
}
