package io.rekey.store;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * A credential value. It never prints itself ({@link #toString()} is redacted), compares in constant time,
 * and can be wiped. Code that needs the text calls {@link #asChars()} or {@link #utf8()} explicitly.
 */
public final class SecretValue implements AutoCloseable {

    private final byte[] utf8;
    private boolean destroyed;

    private SecretValue(byte[] utf8) {
        this.utf8 = utf8;
    }

    /** Takes a copy of {@code chars}; the caller may wipe its array afterwards. */
    public static SecretValue of(char[] chars) {
        Objects.requireNonNull(chars, "chars must not be null");
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return new SecretValue(bytes);
    }

    public static SecretValue ofUtf8(byte[] utf8) {
        return new SecretValue(Objects.requireNonNull(utf8, "utf8 must not be null").clone());
    }

    public static SecretValue of(String text) {
        return new SecretValue(Objects.requireNonNull(text, "text must not be null").getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the value's UTF-8 bytes. */
    public byte[] utf8() {
        check();
        return utf8.clone();
    }

    public char[] asChars() {
        check();
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(utf8));
        char[] chars = new char[decoded.remaining()];
        decoded.get(chars);
        return chars;
    }

    /** The value as a String, for APIs that take nothing else (JDBC, Redis). Do not log it. */
    public String reveal() {
        check();
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public int length() {
        return utf8.length;
    }

    /** Constant-time comparison. */
    public boolean sameAs(SecretValue other) {
        return MessageDigest.isEqual(utf8, other.utf8);
    }

    /** Overwrites the value in memory; any later use fails. */
    @Override
    public void close() {
        Arrays.fill(utf8, (byte) 0);
        destroyed = true;
    }

    private void check() {
        if (destroyed) {
            throw new IllegalStateException("secret value was already destroyed");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue other && sameAs(other);
    }

    @Override
    public int hashCode() {
        return 0; // no information about the value
    }

    @Override
    public String toString() {
        return "SecretValue[redacted]";
    }
}
