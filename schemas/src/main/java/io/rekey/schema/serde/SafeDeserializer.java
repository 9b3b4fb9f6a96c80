package io.rekey.schema.serde;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * Wraps a Confluent-wire-format deserializer so that a malformed value (garbage bytes, wrong magic byte,
 * unknown schema id, undecodable Avro) becomes a {@link Decoded.Malformed} with a one-line reason instead
 * of an exception that would stop the consumer at that offset forever.
 *
 * <p>A registry that cannot be reached is not the record's fault: that case throws
 * {@link RegistryUnavailableException}, so the consumer retries the same record later rather than
 * dead-lettering a valid one.
 *
 * <p>A well-formed record of another type than the topic carries (a producer writing to the wrong topic) is
 * malformed too when the expected type is given: otherwise the consumer's cast would throw on it.
 *
 * <p>A null value (a tombstone) decodes to null.
 */
public final class SafeDeserializer<V> implements Deserializer<Decoded<V>> {

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_LENGTH = 5;
    private static final int MAX_REASON_LENGTH = 300;

    private final Deserializer<V> delegate;
    private final Class<?> expected;

    /** Accepts a decoded record of any type; the caller checks the type. */
    public SafeDeserializer(Deserializer<V> delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
        this.expected = Object.class;
    }

    /** Treats a decoded record that is not an {@code expected} as malformed. */
    public SafeDeserializer(Deserializer<V> delegate, Class<? extends V> expected) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
        this.expected = Objects.requireNonNull(expected, "expected must not be null");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public Decoded<V> deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public Decoded<V> deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_LENGTH) {
            return malformed("value of " + data.length + " bytes is too short for the Confluent wire format "
                    + "(magic byte and 4-byte schema id)", null, data);
        }
        if (data[0] != MAGIC_BYTE) {
            return malformed(String.format("wrong magic byte 0x%02x, expected 0x00 (Confluent wire format)", data[0]), null, data);
        }
        int schemaId = ByteBuffer.wrap(data, 1, 4).getInt();
        try {
            V value = headers == null ? delegate.deserialize(topic, data) : delegate.deserialize(topic, headers, data);
            if (value == null) {
                return malformed("schema id " + schemaId + " decoded to nothing", null, data);
            }
            if (!expected.isInstance(value)) {
                return malformed("schema id " + schemaId + " is a " + value.getClass().getSimpleName() + ", not the "
                        + expected.getSimpleName() + " this topic carries", null, data);
            }
            return new Decoded.Valid<>(value, data);
        } catch (RuntimeException e) {
            if (isRegistryUnreachable(e)) {
                throw new RegistryUnavailableException("schema registry unreachable while decoding schema id " + schemaId, e);
            }
            if (isUnknownSchema(e)) {
                return malformed("unknown schema id " + schemaId, e, data);
            }
            return malformed("cannot decode Avro written with schema id " + schemaId + ": " + rootMessage(e), e, data);
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static <V> Decoded<V> malformed(String reason, Throwable cause, byte[] data) {
        return new Decoded.Malformed<>(reason, cause == null ? null : rootCause(cause).getClass().getName(), data);
    }

    private static boolean isRegistryUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof HttpTimeoutException
                    || t instanceof java.net.UnknownHostException
                    || (t instanceof IOException && !(t instanceof java.io.EOFException)
                        && t.getClass().getName().startsWith("java.net"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnknownSchema(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.endsWith("NotFoundException")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = rootCause(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceAll("\\s+", " ").trim();
        return message.length() > MAX_REASON_LENGTH ? message.substring(0, MAX_REASON_LENGTH) + "..." : message;
    }
}
