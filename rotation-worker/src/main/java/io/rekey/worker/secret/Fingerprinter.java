package io.rekey.worker.secret;

import io.rekey.store.SecretValue;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * HMAC-SHA256 of a credential keyed by a server secret: events can say which value a version holds, and two
 * parties holding the key can compare values, without the value (or an offline-guessable hash of it) ever
 * appearing on a topic.
 */
public final class Fingerprinter {

    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    public Fingerprinter(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("fingerprint key must be at least 32 bytes (rekey.worker.fingerprint-key-file)");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    public String fingerprint(SecretValue value) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] bytes = value.utf8();
            try {
                return HexFormat.of().formatHex(mac.doFinal(bytes));
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "Fingerprinter[HmacSHA256]";
    }
}
