package io.rekey.schema.serde;

import io.rekey.schema.DeadLetter;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLettersTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    @Test
    void recordsWhereTheMessageCameFromAndWhy() {
        byte[] raw = {1, 2, 3};
        ConsumerRecord<String, Decoded<String>> record = new ConsumerRecord<>("rekey.access.events", 4, 1234L, "alice",
                new Decoded.Malformed<>("wrong magic byte 0x01, expected 0x00 (Confluent wire format)", null, raw));

        DeadLetter letter = DeadLetters.malformed(record, (Decoded.Malformed<?>) record.value(), "audit-stream", NOW);

        assertThat(letter.getSourceTopic()).isEqualTo("rekey.access.events");
        assertThat(letter.getSourcePartition()).isEqualTo(4);
        assertThat(letter.getSourceOffset()).isEqualTo(1234L);
        assertThat(letter.getConsumer()).isEqualTo("audit-stream");
        assertThat(letter.getReason()).startsWith("wrong magic byte");
        assertThat(Base64.getDecoder().decode(letter.getValueBase64())).isEqualTo(raw);
        assertThat(new String(Base64.getDecoder().decode(letter.getKeyBase64()))).isEqualTo("alice");
        assertThat(letter.getOccurredAt()).isEqualTo(NOW);

        ProducerRecord<String, DeadLetter> out = DeadLetters.toRecord(record.key(), letter);
        assertThat(out.topic()).isEqualTo(Topics.DLQ.name());
        assertThat(out.key()).isEqualTo("alice");
    }

    @Test
    void hugeValuesAreTruncatedButTheirSizeIsKept() {
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'x');

        DeadLetter letter = DeadLetters.of(new DeadLetters.Source("t", 0, 0L, null), "c", null, huge, "too big", null, NOW);

        assertThat(letter.getValueSize()).isEqualTo(huge.length);
        assertThat(letter.getValueBytesKept()).isEqualTo(DeadLetters.MAX_VALUE_BYTES_KEPT);
        assertThat(Base64.getDecoder().decode(letter.getValueBase64())).hasSize(DeadLetters.MAX_VALUE_BYTES_KEPT);
    }

    @Test
    void reasonIsOneBoundedLine() {
        String reason = "first line\nsecond line\t" + "y".repeat(5000);

        DeadLetter letter = DeadLetters.of(new DeadLetters.Source("t", 0, 0L, null), "c", null, null, reason, null, NOW);

        assertThat(letter.getReason()).doesNotContain("\n").startsWith("first line second line y").hasSizeLessThan(1010);
        assertThat(letter.getValueBase64()).isNull();
        assertThat(letter.getValueSize()).isZero();
    }

    @Test
    void hugeKeysAreCutSoTheDeadLetterCanStillBeProduced() {
        String hugeKey = "k".repeat(10 * 1024 * 1024);

        DeadLetter letter = DeadLetters.of(new DeadLetters.Source("t", 0, 0L, null), "c", hugeKey.getBytes(StandardCharsets.UTF_8),
                null, "secretId too long", null, NOW);

        assertThat(Base64.getDecoder().decode(letter.getKeyBase64())).hasSize(DeadLetters.MAX_KEY_CHARS);
        assertThat(DeadLetters.toRecord(hugeKey, letter).key()).hasSize(DeadLetters.MAX_KEY_CHARS);
        assertThat(DeadLetters.key("alice")).isEqualTo("alice");
        assertThat(DeadLetters.key(null)).isNull();
    }

    @Test
    void reasonCarriesNoControlCharactersThatCouldForgeOrColourALogLine() {
        String reason = "issuer key 'x\r\nFORGED ERROR\u001b[31m\u2028FORGED\u0085FORGED\u0000' is not trusted";

        DeadLetter letter = DeadLetters.of(new DeadLetters.Source("t", 0, 0L, null), "c", null, null, reason, null, NOW);

        assertThat(letter.getReason()).isEqualTo("issuer key 'x FORGED ERROR [31m FORGED FORGED ' is not trusted");
    }
}
