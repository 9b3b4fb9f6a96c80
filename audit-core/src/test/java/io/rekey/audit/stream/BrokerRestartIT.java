package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AuditRecord;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes away and comes back while the audit stream processes a steady stream of access events: when it is
 * back, every event is in the audit log exactly once (one record per source offset), every expected anomaly is
 * raised exactly once, and the hash chain is unbroken.
 */
@RekeyIntegrationTest
class BrokerRestartIT {

    private static final int PRINCIPALS = 30;
    private static final Duration PATIENCE = Duration.ofMinutes(3);

    @Test
    void noAccessEventIsLostOrAuditedTwiceAndNoAnomalyIsDuplicatedAcrossABrokerRestart(RekeyStack stack, @TempDir Path dir)
            throws Exception {
        Properties setup = ItSupport.create(stack, "restart", dir.resolve("state"));
        AuditConfig config = ItSupport.config(setup);
        TopicNames topics = config.topics();
        // Each principal reads s1..s3 from a disallowed country: one GEOGRAPHIC_VIOLATION each, the rest suppressed.
        Instant base = Instant.now().minus(Duration.ofMinutes(1));
        List<AccessEvent> events = new ArrayList<>();
        for (int s = 1; s <= 3; s++) {
            for (int p = 0; p < PRINCIPALS; p++) {
                events.add(AuditDriver.read("outage-" + p, "db/s" + s, base.plusMillis(100L * s + p)).setCountry("RU").build());
            }
        }

        try (KafkaStreams streams = ItSupport.streams(setup, AuditMetrics.NONE)) {
            streams.start();
            await().atMost(PATIENCE).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produceThroughTheOutage(stack, topics.accessEvents(), events));
            await().atMost(PATIENCE).until(() -> ItSupport.readAll(stack, topics.auditLog()).size() >= 10);
            stack.stopBroker();
            try {
                TimeUnit.SECONDS.sleep(5); // the outage itself: clients must ride it out
            } finally {
                stack.startBroker();
            }
            producing.get(2, TimeUnit.MINUTES);
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ItSupport.caughtUp(stack, config.applicationId(), topics.accessEvents())
                            && ItSupport.readAll(stack, topics.auditLog()).size() >= events.size());
            assertThat(streams.state()).isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        }

        List<ConsumerRecord<String, SpecificRecord>> audit = ItSupport.readAll(stack, topics.auditLog());
        List<String> audited = audit.stream().map(r -> ((AuditRecord) r.value()).getSourceEventId()).toList();
        assertThat(audited).as("each access event audited exactly once").hasSize(events.size()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(events.stream().map(AccessEvent::getId).toList());
        List<ConsumerRecord<String, AuditRecord>> typed = audit.stream()
                .map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), (AuditRecord) r.value())).toList();
        assertThat(AuditStreamIT.verify(topics.auditLog(), typed)).as("hash chain").isEmpty();

        List<Anomaly> anomalies = ItSupport.readAll(stack, topics.anomalies()).stream().map(r -> (Anomaly) r.value()).toList();
        Set<String> expected = new HashSet<>();
        for (int p = 0; p < PRINCIPALS; p++) {
            expected.add("outage-" + p + ":GEOGRAPHIC_VIOLATION");
        }
        assertThat(anomalies).as("one anomaly per principal, none duplicated").hasSize(PRINCIPALS);
        assertThat(anomalies.stream().map(a -> a.getPrincipalId() + ":" + a.getType()).collect(Collectors.toSet())).isEqualTo(expected);
    }

    /** Sends at a steady pace, so some sends meet the outage; the idempotent producer retries them without duplicates. */
    private static void produceThroughTheOutage(RekeyStack stack, String topic, List<AccessEvent> events) {
        Map<String, Object> config = stack.producerConfig();
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                io.rekey.schema.serde.AvroSerdes.valueSerializer(stack.registry()))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (AccessEvent e : events) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, e.getOccurredAt().toEpochMilli(), e.getPrincipalId(), e)));
                TimeUnit.MILLISECONDS.sleep(60); // pacing input over ~5 s, not waiting for a result
            }
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(2, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
