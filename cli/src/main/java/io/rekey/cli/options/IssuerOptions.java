package io.rekey.cli.options;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.signing.IssuerKeys;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;

/**
 * The Ed25519 key commands are signed with. The key itself never appears on a command line (where other users
 * and shell history would see it): it comes from a file ({@code --issuer-key-file} or
 * {@code REKEY_ISSUER_KEY_FILE}) or from {@code REKEY_ISSUER_KEY} (PEM); with neither, the dev stack's CLI key.
 */
public final class IssuerOptions {

    private static final String DEV_KEY_ID = "dev-cli";

    @Option(names = "--issuer-key-file", paramLabel = "FILE",
            description = "PEM file of the Ed25519 private key that signs commands (default: $REKEY_ISSUER_KEY_FILE, "
                    + "$REKEY_ISSUER_KEY, or the dev stack's key).")
    Path keyFile;

    @Option(names = "--issuer-key-id", paramLabel = "ID",
            description = "Id of that key as the worker knows it (default: $REKEY_ISSUER_KEY_ID, or dev-cli for the dev stack's key).")
    String keyId;

    public String keyId() {
        if (keyId != null) {
            return keyId;
        }
        String fromEnv = System.getenv("REKEY_ISSUER_KEY_ID");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        if (keyFile == null && System.getenv("REKEY_ISSUER_KEY_FILE") == null && System.getenv("REKEY_ISSUER_KEY") == null) {
            return DEV_KEY_ID;
        }
        throw new CliException(RekeyCli.EXIT_USAGE, "the issuer key id is missing: pass --issuer-key-id or set REKEY_ISSUER_KEY_ID");
    }

    public PrivateKey key() {
        String pem = System.getenv("REKEY_ISSUER_KEY");
        Path file = keyFile != null ? keyFile
                : System.getenv("REKEY_ISSUER_KEY_FILE") != null ? Path.of(System.getenv("REKEY_ISSUER_KEY_FILE"))
                : pem != null ? null
                : ConnectionOptions.home().resolve(".rekey/dev/keys/" + DEV_KEY_ID + ".key");
        try {
            if (file == null) {
                return IssuerKeys.privateKey(pem);
            }
            if (!Files.isReadable(file)) {
                throw new CliException(RekeyCli.EXIT_USAGE, "issuer key file " + file + " is missing or unreadable: pass "
                        + "--issuer-key-file or set REKEY_ISSUER_KEY_FILE (the dev stack creates .rekey/dev/keys/dev-cli.key)");
            }
            return IssuerKeys.readPrivateKey(file);
        } catch (IOException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, "cannot read issuer key file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, (file == null ? "REKEY_ISSUER_KEY" : "issuer key file " + file) + ": " + e.getMessage());
        }
    }
}
