package io.rekey.lifecycle.app;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.signing.CommandSignatures;
import io.rekey.schema.signing.IssuerKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Signs rotation commands with the service's Ed25519 issuer key, read once from a file. The key never appears
 * in a message, a log line or a command line; errors name the file and the setting, never the content.
 */
public final class CommandSigner {

    private final String keyId;
    private final PrivateKey key;

    public CommandSigner(String keyId, PrivateKey key) {
        this.keyId = Objects.requireNonNull(keyId, "keyId must not be null");
        this.key = Objects.requireNonNull(key, "key must not be null");
    }

    /**
     * Reads the key file; {@code warn} hears about a file that others may read.
     *
     * @param setting how to name the setting in messages
     */
    public static CommandSigner fromFile(Path file, String keyId, String setting, Consumer<String> warn) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(setting + " names " + file + ", which is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalStateException(setting + " names " + file + ", which this process cannot read");
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.GROUP_READ)) {
                warn.accept(setting + " names " + file + ", which other users can read; restrict it (chmod 600)");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
        try {
            return new CommandSigner(keyId, IssuerKeys.readPrivateKey(file));
        } catch (IOException e) {
            throw new IllegalStateException(setting + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + ": " + file + " does not hold an Ed25519 private key "
                    + "(expected PEM 'PRIVATE KEY', PKCS#8, as `openssl genpkey -algorithm ed25519` writes)");
        }
    }

    public String keyId() {
        return keyId;
    }

    public RotationCommand sign(RotationCommand command) {
        return CommandSignatures.sign(command, keyId, key);
    }
}
