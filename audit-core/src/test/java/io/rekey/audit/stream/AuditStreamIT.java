package io.rekey.audit.stream;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AuditKind;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.audit.AuditChain;
import io.rekey.schema.audit.AuditChainVerifier;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The audit stream on a real broker and registry: events in; anomalies, dead letters and a verifiable audit log out. */
@RekeyIntegrationTest
class AuditStreamIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @Test
    void accessEventsBecomeAnomaliesDeadLettersAndAVerifiableAuditLog(RekeyStack stack, @TempDir Path state) throws Exception {
        Properties setup = ItSupport.create(stack, "pipeline", state, "excessive-access.threshold", "5", "ecs-output.enabled", "true");
        AuditConfig config = ItSupport.config(setup);
        TopicNames topics = config.topics();
        TopicCheck.verify(stack.admin(), config);
        SecretDescriptor trap = Samples.descriptor("aws/root-key");
        trap.setTags(List.of("honeytoken"));
        stack.send(topics.registry(), Map.entry("aws/root-key", trap));
        CountingMetrics metrics = new CountingMetrics();

        try (KafkaStreams streams = ItSupport.streams(setup, metrics)) {
            streams.start();
            Instant now = Instant.now();
            try (KafkaProducer<String, SpecificRecord> producer = stack.avroProducer()) {
                for (int i = 0; i < 5; i++) {
                    send(producer, topics.accessEvents(), read("mallory", "db/s" + i, now.plusMillis(i)).setCountry("RU").build());
                }
                send(producer, topics.accessEvents(), read("alice", "aws/root-key", now.plusMillis(10)).build());
                producer.send(new ProducerRecord<>(topics.lifecycleEvents(), "db/s0", Samples.lifecycleEvent("db/s0"))).get();
            }
            stack.sendRaw(topics.accessEvents(), "bob".getBytes(StandardCharsets.UTF_8), "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));

            List<Anomaly> anomalies = values(stack.<Anomaly>readUntil(topics.anomalies(), PATIENCE, r -> r.size() >= 3));
            assertThat(anomalies).extracting(a -> a.getPrincipalId() + ":" + a.getType()).containsExactlyInAnyOrder(
                    "mallory:GEOGRAPHIC_VIOLATION", "mallory:EXCESSIVE_ACCESS", "alice:HONEYTOKEN");

            List<DeadLetter> letters = values(stack.<DeadLetter>readUntil(topics.deadLetters(), PATIENCE, r -> !r.isEmpty()));
            assertThat(letters).singleElement().satisfies(l -> {
                assertThat(l.getReason()).isEqualTo("wrong magic byte 0x7b, expected 0x00 (Confluent wire format)");
                assertThat(l.getSourceTopic()).isEqualTo(topics.accessEvents());
                assertThat(l.getConsumer()).isEqualTo(config.applicationId());
            });
            assertThat(metrics.get("dead.MALFORMED")).isEqualTo(1);

            List<String> ecs = stack.readRaw(topics.anomaliesEcs(), PATIENCE, 3).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            assertThat(ecs).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("{\"@timestamp\":").contains("\"kind\":\"alert\""));

            // 6 access events, 1 refused record, 1 lifecycle event.
            List<ConsumerRecord<String, AuditRecord>> log = stack.readUntil(topics.auditLog(), PATIENCE, r -> r.size() >= 8);
            assertThat(log).hasSize(8);
            assertThat(log).extracting(r -> r.value().getKind()).containsOnly(AuditKind.ACCESS, AuditKind.SECURITY, AuditKind.LIFECYCLE);
            assertThat(log).allSatisfy(r -> assertThat(r.value().getChain()).isEqualTo(AuditChain.chainId(topics.auditLog(), r.partition())));
            assertThat(verify(topics.auditLog(), log)).isEmpty();
            ConsumerRecord<String, AuditRecord> s0 = log.stream().filter(r -> "db/s0".equals(r.value().getSecretId())
                    && r.value().getKind() == AuditKind.ACCESS).findFirst().orElseThrow();
            assertThat(log).filteredOn(r -> r.value().getKind() == AuditKind.LIFECYCLE).singleElement()
                    .satisfies(r -> assertThat(r.partition()).as("one secret, one chain").isEqualTo(s0.partition()));

            // Someone alters a stored record: the verifier names it.
            List<ConsumerRecord<String, AuditRecord>> altered = new ArrayList<>(log);
            int victim = altered.indexOf(s0);
            AuditRecord changed = AuditRecord.newBuilder(s0.value()).setPrincipalId("nobody").build();
            altered.set(victim, copy(s0, changed));
            assertThat(verify(topics.auditLog(), altered)).get().satisfies(b -> {
                assertThat(b.chain()).isEqualTo(s0.value().getChain());
                assertThat(b.sequence()).isEqualTo(s0.value().getSequence());
                assertThat(b.offset()).isEqualTo(s0.offset());
                assertThat(b.reason()).contains("the record was altered");
            });

            // Someone with write access appends a forged, correctly hashed record: the stream's next genuine record
            // in that partition still links to the real head, so the chain breaks right after the forgery.
            AuditRecord last = log.stream().filter(r -> r.partition() == s0.partition())
                    .reduce((a, b) -> b).orElseThrow().value();
            AuditRecord forged = AuditRecord.newBuilder(last).setId("forged").setPrincipalId("mallory").setAction("ACCESS READ SUCCESS")
                    .setPayload("{}").build();
            AuditChain.append(forged, last.getChain(), last.getSequence(), last.getHash());
            try (KafkaProducer<String, SpecificRecord> producer = stack.avroProducer()) {
                producer.send(new ProducerRecord<>(topics.auditLog(), s0.partition(), "db/s0", forged)).get();
                send(producer, topics.accessEvents(), read("mallory", "db/s0", Instant.now()).build());
            }
            List<ConsumerRecord<String, AuditRecord>> after = stack.readUntil(topics.auditLog(), PATIENCE, r -> r.size() >= 10);
            long forgedOffset = after.stream().filter(r -> r.value().getId().equals("forged")).findFirst().orElseThrow().offset();
            assertThat(verify(topics.auditLog(), after)).get().satisfies(b -> {
                assertThat(b.offset()).isEqualTo(forgedOffset + 1);
                assertThat(b.reason()).contains("replayed or the chain restarted");
            });
        }
    }

    @Test
    void startUpRefusesTopicsThatBreakCoPartitioning(RekeyStack stack, @TempDir Path state) {
        Properties setup = ItSupport.create(stack, "check", state);
        String narrow = RekeyStack.unique("check-lifecycle");
        stack.createTopic(new org.apache.kafka.clients.admin.NewTopic(narrow, 3, (short) 1));
        setup.setProperty("topic.lifecycle", narrow);
        setup.setProperty("topic.dlq", "does-not-exist-" + RekeyStack.unique("x"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopicCheck.verify(stack.admin(), ItSupport.config(setup)))
                .hasMessageContaining("topic " + setup.getProperty("topic.dlq") + " does not exist")
                .hasMessageContaining("topic " + narrow + " has 3 partitions, the audit stream needs 6");
    }

    static void send(KafkaProducer<String, SpecificRecord> producer, String topic, AccessEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, event.getOccurredAt().toEpochMilli(), event.getPrincipalId(), event)).get();
    }

    static <V> List<V> values(List<ConsumerRecord<String, V>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** Verifies every partition's chain from its first record; the first break found, if any. */
    static Optional<AuditChainVerifier.Break> verify(String auditTopic, List<ConsumerRecord<String, AuditRecord>> log) {
        TreeMap<Integer, AuditChainVerifier> chains = new TreeMap<>();
        List<ConsumerRecord<String, AuditRecord>> ordered = new ArrayList<>(log);
        ordered.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()));
        for (ConsumerRecord<String, AuditRecord> record : ordered) {
            chains.computeIfAbsent(record.partition(), p -> AuditChainVerifier.fromGenesis(AuditChain.chainId(auditTopic, p)))
                    .accept(record.offset(), record.value());
        }
        return chains.values().stream().map(AuditChainVerifier::firstBreak).flatMap(Optional::stream).findFirst();
    }

    private static ConsumerRecord<String, AuditRecord> copy(ConsumerRecord<String, AuditRecord> r, AuditRecord value) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value);
    }

    static void awaitRunning(KafkaStreams streams) {
        await().atMost(PATIENCE).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }
}
