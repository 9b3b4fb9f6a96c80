package io.rekey.lifecycle.schedule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Name-based UUIDs (version 5, SHA-1, RFC 9562): the same name always gives the same id. Scheduled rotations and
 * time-driven lifecycle events use them, so that an instance that restarts, or a second instance, produces the
 * same id for the same due rotation and consumers (the worker deduplicates by rotationId) see a repeat for what it is.
 */
public final class NameBasedIds {

    /** Namespace of every name-based id rekey's lifecycle service makes. */
    private static final UUID NAMESPACE = UUID.fromString("6f1c1b0e-4a55-4d4e-9a3c-2b7d0a6e5c11");

    private NameBasedIds() {
    }

    public static String of(String... parts) {
        return uuid5(String.join("|", parts)).toString();
    }

    static UUID uuid5(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-1", e);
        }
        sha1.update(ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
                .putLong(NAMESPACE.getLeastSignificantBits()).array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
