package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.AuditRecord;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once under the harshest restart there is: the first instance runs in its own JVM and is killed with
 * SIGKILL in the middle of a run, leaving an open transaction and uncommitted work; the second starts with an empty
 * state directory, so it must rebuild every principal's state from the changelogs. Each principal's events straddle
 * the kill, so a lost cool-down would show as a second GEOGRAPHIC_VIOLATION and lost reads as a missing
 * EXCESSIVE_ACCESS; a duplicated transaction would show as repeated anomaly ids or audit records.
 */
@RekeyIntegrationTest
class ExactlyOnceRestartIT {

    private static final int PRINCIPALS = 40;
    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @Test
    void noAnomalyOrAuditRecordIsLostOrDuplicatedWhenTheStreamIsKilledMidRun(RekeyStack stack, @TempDir Path dir) throws Exception {
        Properties setup = ItSupport.create(stack, "eos", dir.resolve("first"), "excessive-access.threshold", "5");
        AuditConfig config = ItSupport.config(setup);
        TopicNames topics = config.topics();
        TopicCheck.verify(stack.admin(), config);
        Path setupFile = dir.resolve("stream.properties");
        ItSupport.save(setup, setupFile);

        // Each principal reads s1..s6 from a disallowed country: GEOGRAPHIC_VIOLATION at s1 (the rest suppressed by
        // the cool-down), EXCESSIVE_ACCESS at s5 (s6 suppressed). s1..s3 before the first instance starts, s4..s6
        // while it runs and after it is killed.
        Instant base = Instant.now().minus(Duration.ofMinutes(1));
        List<List<AccessEvent>> events = new ArrayList<>();
        for (int p = 0; p < PRINCIPALS; p++) {
            List<AccessEvent> mine = new ArrayList<>();
            for (int s = 1; s <= 6; s++) {
                mine.add(read("rogue-" + p, "db/s" + s, base.plusMillis(100L * s)).setCountry("RU").build());
            }
            events.add(mine);
        }
        try (KafkaProducer<String, SpecificRecord> producer = stack.avroProducer()) {
            for (List<AccessEvent> mine : events) {
                for (AccessEvent e : mine.subList(0, 3)) {
                    AuditStreamIT.send(producer, topics.accessEvents(), e);
                }
            }
        }

        Process first = startChild(setupFile, dir.resolve("first.log"));
        CompletableFuture<Void> secondHalf;
        try {
            await().atMost(PATIENCE).until(() -> Files.readString(dir.resolve("first.log")).contains("RUNNING"));
            await().atMost(PATIENCE).until(() -> count(stack, topics.anomalies(), AnomalyType.GEOGRAPHIC_VIOLATION) == PRINCIPALS);
            secondHalf = CompletableFuture.runAsync(() -> produceSlowly(stack, topics.accessEvents(), events));
            await().atMost(PATIENCE).until(() -> count(stack, topics.anomalies(), AnomalyType.EXCESSIVE_ACCESS) >= 3);
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(secondHalf).as("the kill happened while events were still arriving").isNotDone();
        secondHalf.get(60, TimeUnit.SECONDS);

        Properties second = (Properties) setup.clone();
        second.setProperty("rekey.audit.streams.state-dir", dir.resolve("second").toString());
        try (KafkaStreams streams = ItSupport.streams(second, AuditMetrics.NONE)) {
            streams.start();
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> ItSupport.caughtUp(stack, config.applicationId(), topics.accessEvents()));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
                    .until(() -> ItSupport.readAll(stack, topics.auditLog()).size() >= 6 * PRINCIPALS);

            List<Anomaly> anomalies = ItSupport.readAll(stack, topics.anomalies()).stream().map(r -> (Anomaly) r.value()).toList();
            assertThat(anomalies).hasSize(2 * PRINCIPALS);
            assertThat(anomalies.stream().map(Anomaly::getId).distinct().count()).isEqualTo(2L * PRINCIPALS);
            Set<String> expected = new HashSet<>();
            for (int p = 0; p < PRINCIPALS; p++) {
                expected.add("rogue-" + p + ":GEOGRAPHIC_VIOLATION:" + events.get(p).get(0).getId());
                expected.add("rogue-" + p + ":EXCESSIVE_ACCESS:" + events.get(p).get(4).getId());
            }
            assertThat(anomalies.stream().map(a -> a.getPrincipalId() + ":" + a.getType() + ":" + trigger(a))
                    .collect(Collectors.toSet())).isEqualTo(expected);

            List<ConsumerRecord<String, SpecificRecord>> audit = ItSupport.readAll(stack, topics.auditLog());
            assertThat(audit).hasSize(6 * PRINCIPALS);
            assertThat(audit.stream().map(r -> ((AuditRecord) r.value()).getSourceOffset() + "@"
                    + ((AuditRecord) r.value()).getSourcePartition()).distinct().count()).isEqualTo(6L * PRINCIPALS);
            List<ConsumerRecord<String, AuditRecord>> typed = audit.stream()
                    .map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), (AuditRecord) r.value())).toList();
            assertThat(AuditStreamIT.verify(topics.auditLog(), typed)).isEmpty();
        }
    }

    /** The access event an anomaly was triggered by: the newest evidence. */
    private static String trigger(Anomaly a) {
        return a.getType() == AnomalyType.EXCESSIVE_ACCESS ? a.getEvidence().get(0) : a.getEvidence().get(a.getEvidence().size() - 1);
    }

    private static Process startChild(Path setupFile, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                StreamsChild.class.getName(), setupFile.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void produceSlowly(RekeyStack stack, String topic, List<List<AccessEvent>> events) {
        try (KafkaProducer<String, SpecificRecord> producer = stack.avroProducer()) {
            for (List<AccessEvent> mine : events) {
                for (AccessEvent e : mine.subList(3, 6)) {
                    AuditStreamIT.send(producer, topic, e);
                }
                // Spread over several seconds so the kill lands mid-run; pacing input, not waiting for a result.
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(RekeyStack stack, String topic, AnomalyType type) {
        return ItSupport.readAll(stack, topic).stream().filter(r -> ((Anomaly) r.value()).getType() == type).count();
    }
}
