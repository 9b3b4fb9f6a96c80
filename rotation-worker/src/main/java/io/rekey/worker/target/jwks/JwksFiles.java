package io.rekey.worker.target.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.rekey.worker.target.TargetException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * JWKS documents in one directory, {@code <name>.json} each. An update reads, changes and rewrites a document
 * under an exclusive file lock (so two rotations sharing a document do not lose each other's keys) and replaces it
 * atomically (a verifier never reads half a document). Only public keys are ever written: a private key reaching a
 * published document would be a disclosure, so it is refused, not stripped silently.
 */
public final class JwksFiles {

    private final Path directory;
    /** File locks are held per process: threads of this one take turns on a monitor per document first. */
    private final ConcurrentMap<String, Object> monitors = new ConcurrentHashMap<>();

    public JwksFiles(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory must not be null");
    }

    public Path directory() {
        return directory;
    }

    public Path file(String name) {
        return directory.resolve(name + ".json");
    }

    /** The keys of a document; none if it does not exist yet. */
    public List<JWK> read(String name) {
        try {
            return new ArrayList<>(JWKSet.parse(Files.readString(file(name), StandardCharsets.UTF_8)).getKeys());
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        } catch (IOException e) {
            throw TargetException.retryable("cannot read JWKS " + file(name) + ": " + e.getClass().getSimpleName());
        } catch (ParseException e) {
            throw TargetException.permanent("JWKS " + file(name) + " is not a JWKS document; fix or remove it");
        }
    }

    /** Applies {@code change} to the document's keys and writes the result, under the document's lock. */
    public void update(String name, Consumer<List<JWK>> change) {
        synchronized (monitors.computeIfAbsent(name, n -> new Object())) {
            updateLocked(name, change);
        }
    }

    private void updateLocked(String name, Consumer<List<JWK>> change) {
        Path lockFile = directory.resolve("." + name + ".json.lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            List<JWK> keys = read(name);
            List<JWK> before = List.copyOf(keys);
            change.accept(keys);
            if (keys.equals(before) && Files.exists(file(name))) {
                return;
            }
            if (keys.stream().anyMatch(JWK::isPrivate)) {
                throw new IllegalStateException("refusing to publish a private key in JWKS " + name);
            }
            write(name, new JWKSet(keys));
        } catch (IOException e) {
            throw TargetException.retryable("cannot update JWKS " + file(name) + ": " + e.getClass().getSimpleName());
        }
    }

    private void write(String name, JWKSet keys) throws IOException {
        Path target = file(name);
        Path temporary = Files.createTempFile(directory, "." + name + ".", ".tmp");
        try {
            Files.writeString(temporary, keys.toString(true), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException notPosix) {
                // the file system decides
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
