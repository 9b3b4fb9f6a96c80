package io.rekey.testkit;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared decoding path every consumer uses: malformed values (garbage, wrong magic byte, unknown schema
 * id, undecodable Avro) land in rekey.dlq with where they came from and why; valid values around them are
 * processed; nothing stops the consumer.
 */
@RekeyIntegrationTest
class DeadLetterRoutingIT {

    @Test
    void malformedValuesAreDeadLetteredAndValidOnesProcessed(RekeyStack stack) {
        String topic = stack.createTopicLike(Topics.ACCESS_EVENTS, "dlq-routing");
        AccessEvent before = Samples.accessEvent("p1", "s1");
        AccessEvent after = Samples.accessEvent("p1", "s2");
        stack.send(topic, Map.entry("p1", before));
        stack.sendRaw(topic, "p1".getBytes(), "not avro at all".getBytes(StandardCharsets.UTF_8));
        stack.sendRaw(topic, "p1".getBytes(), new byte[] {0, 0, 0x0f, 0x42, 0x3f, 2, 4}); // schema id 999999
        stack.sendRaw(topic, "p1".getBytes(), new byte[] {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f});
        stack.sendRaw(topic, "p1".getBytes(), new byte[] {1});
        stack.send(topic, Map.entry("p1", after));

        List<AccessEvent> processed = new ArrayList<>();
        String group = RekeyStack.unique("dlq-routing");
        try (KafkaConsumer<String, Decoded<AccessEvent>> consumer = new KafkaConsumer<>(stack.consumerConfig(group),
                new StringDeserializer(), AvroSerdes.safeValueDeserializer(stack.registry()));
             KafkaProducer<String, DeadLetter> dlq = new KafkaProducer<>(stack.producerConfig(), new StringSerializer(),
                     AvroSerdes.valueSerializer(stack.registry()))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int seen = 0;
            while (seen < 6 && System.nanoTime() < deadline) {
                ConsumerRecords<String, Decoded<AccessEvent>> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, Decoded<AccessEvent>> record : records) {
                    seen++;
                    if (record.value() instanceof Decoded.Valid<AccessEvent> valid) {
                        processed.add(valid.value());
                    } else if (record.value() instanceof Decoded.Malformed<AccessEvent> malformed) {
                        dlq.send(DeadLetters.toRecord(record.key(), DeadLetters.malformed(record, malformed, group, Instant.now())));
                    }
                }
            }
            dlq.flush();
        }

        assertThat(processed).containsExactly(before, after);
        List<DeadLetter> letters = stack.<DeadLetter>readUntil(Topics.DLQ.name(), Duration.ofSeconds(30),
                        r -> r.stream().filter(x -> x.value().getSourceTopic().equals(topic)).count() >= 4)
                .stream().map(ConsumerRecord::value).filter(l -> l.getSourceTopic().equals(topic)).toList();
        assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(letters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                "wrong magic byte 0x6e, expected 0x00 (Confluent wire format)",
                "unknown schema id 999999",
                letters.stream().map(DeadLetter::getReason).filter(r -> r.startsWith("cannot decode Avro written with schema id 1:")).findFirst().orElse("missing: undecodable Avro"),
                "value of 1 bytes is too short for the Confluent wire format (magic byte and 4-byte schema id)");
        assertThat(letters).allSatisfy(l -> {
            assertThat(l.getConsumer()).isEqualTo(group);
            assertThat(l.getSourcePartition()).isEqualTo(record0Partition(stack, topic));
        });
        DeadLetter garbage = letters.stream().filter(l -> l.getSourceOffset() == 1L).findFirst().orElseThrow();
        assertThat(new String(java.util.Base64.getDecoder().decode(garbage.getValueBase64()), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(ByteBuffer.wrap(java.util.Base64.getDecoder().decode(garbage.getKeyBase64()))).isEqualTo(ByteBuffer.wrap("p1".getBytes()));
    }

    /** All records share key p1, so they sit in one partition. */
    private static int record0Partition(RekeyStack stack, String topic) {
        return stack.readRaw(topic, Duration.ofSeconds(10), 1).get(0).partition();
    }
}
