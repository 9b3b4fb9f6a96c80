package io.rekey.worker.target;

import io.rekey.store.SecretValue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Digests of credentials in the forms targets store or name them by. */
public final class Hashes {

    private Hashes() {
    }

    /** Lower-case hex SHA-256 of the value's UTF-8 bytes. */
    public static String sha256Hex(SecretValue value) {
        byte[] utf8 = value.utf8();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }
}
