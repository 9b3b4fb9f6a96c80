package io.rekey.schema.serde;

import io.rekey.schema.DeadLetter;
import io.rekey.schema.text.Untrusted;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds {@link DeadLetter} records for {@code rekey.dlq}: where a refused message came from, why, and its
 * raw bytes (capped, so a 10 MB garbage value cannot make the dead letter itself too large to produce).
 */
public final class DeadLetters {

    /** Raw value bytes kept in a dead letter; the original size is always recorded. */
    public static final int MAX_VALUE_BYTES_KEPT = 64 * 1024;
    /** Raw key bytes kept in a dead letter, and the longest record key a dead letter is written with. */
    public static final int MAX_KEY_CHARS = 1024;
    private static final int MAX_REASON_LENGTH = 1000;

    private DeadLetters() {
    }

    /** Where a refused record was read. */
    public record Source(String topic, int partition, long offset, Long timestamp) {
        public Source {
            Objects.requireNonNull(topic, "topic must not be null");
        }

        public static Source of(ConsumerRecord<?, ?> record) {
            return new Source(record.topic(), record.partition(), record.offset(),
                    record.timestamp() >= 0 ? record.timestamp() : null);
        }
    }

    public static DeadLetter of(Source source, String consumer, byte[] rawKey, byte[] rawValue,
                                String reason, String errorClass, Instant now) {
        Objects.requireNonNull(source, "source must not be null");
        Objects.requireNonNull(consumer, "consumer must not be null");
        Objects.requireNonNull(reason, "reason must not be null");
        Objects.requireNonNull(now, "now must not be null");
        int size = rawValue == null ? 0 : rawValue.length;
        int kept = Math.min(size, MAX_VALUE_BYTES_KEPT);
        Base64.Encoder base64 = Base64.getEncoder();
        return DeadLetter.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(now)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setSourceTimestamp(source.timestamp() == null ? null : Instant.ofEpochMilli(source.timestamp()))
                .setConsumer(consumer)
                .setReason(oneLine(reason))
                .setErrorClass(errorClass)
                .setKeyBase64(rawKey == null ? null : base64.encodeToString(Arrays.copyOf(rawKey, Math.min(rawKey.length, MAX_KEY_CHARS))))
                .setValueBase64(rawValue == null ? null : base64.encodeToString(Arrays.copyOf(rawValue, kept)))
                .setValueSize(size)
                .setValueBytesKept(kept)
                .build();
    }

    /** A dead letter for a value the shared deserializer could not decode. */
    public static DeadLetter malformed(ConsumerRecord<String, ? extends Decoded<?>> record, Decoded.Malformed<?> malformed,
                                       String consumer, Instant now) {
        return of(Source.of(record), consumer, keyBytes(record.key()), malformed.raw(),
                malformed.reason(), malformed.errorClass(), now);
    }

    /** A dead letter for a value that decoded but that the consumer refuses (invalid content, bad signature...). */
    public static DeadLetter refused(ConsumerRecord<String, ? extends Decoded<?>> record, String reason, String consumer, Instant now) {
        Decoded<?> value = record.value();
        return of(Source.of(record), consumer, keyBytes(record.key()), value == null ? null : value.raw(),
                reason, null, now);
    }

    /** The record to produce to {@code rekey.dlq}, keyed by the original key. */
    public static ProducerRecord<String, DeadLetter> toRecord(String originalKey, DeadLetter deadLetter) {
        return new ProducerRecord<>(Topics.DLQ.name(), key(originalKey), deadLetter);
    }

    /**
     * The key to write a dead letter with: the original key, cut to {@link #MAX_KEY_CHARS}, so a hostile 10 MB key
     * cannot make the dead letter too large to produce (which would block the consumer on that record).
     */
    public static String key(String originalKey) {
        return originalKey == null || originalKey.length() <= MAX_KEY_CHARS ? originalKey : originalKey.substring(0, MAX_KEY_CHARS);
    }

    private static byte[] keyBytes(String key) {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** Reasons quote untrusted text and are logged: no line breaks or control characters (no forged log lines). */
    private static String oneLine(String reason) {
        String line = Untrusted.oneLine(reason);
        return line.length() > MAX_REASON_LENGTH ? line.substring(0, MAX_REASON_LENGTH) + "..." : line;
    }
}
