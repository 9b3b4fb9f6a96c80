package io.rekey.cli.dev;

import io.rekey.schema.Anomaly;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The dev stack's live view: tails rotation events, anomalies and dead letters from a point in time and prints a
 * line for every finished rotation, every anomaly and every dead letter, and the running totals every minute in
 * which something happened. It only narrates: nothing here acts on what it reads.
 */
final class DevMonitor implements AutoCloseable {

    private static final Set<RotationPhase> FINISHED = EnumSet.of(RotationPhase.SUCCEEDED, RotationPhase.FAILED,
            RotationPhase.REFUSED, RotationPhase.ABANDONED);
    private static final Duration TOTALS_EVERY = Duration.ofMinutes(1);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** What happened since the monitor's start time. */
    record Totals(Map<RotationPhase, Integer> rotations, Map<String, Integer> anomalies, int deadLetters) {
        String describe() {
            int anomalyCount = anomalies.values().stream().mapToInt(Integer::intValue).sum();
            return String.format("rotations: %d succeeded, %d failed, %d refused | anomalies: %d%s | dead letters: %d",
                    rotations.getOrDefault(RotationPhase.SUCCEEDED, 0), rotations.getOrDefault(RotationPhase.FAILED, 0),
                    rotations.getOrDefault(RotationPhase.REFUSED, 0), anomalyCount, anomalyCount == 0 ? "" : " " + anomalies,
                    deadLetters);
        }
    }

    private final KafkaConsumer<String, Decoded<SpecificRecord>> consumer;
    private final PrintStream out;
    private final Clock clock;
    private final Thread thread;
    private final Map<RotationPhase, Integer> rotations = new TreeMap<>();
    private final Map<String, Integer> anomalies = new TreeMap<>();
    private int deadLetters;
    private boolean changed;
    private volatile boolean closed;

    DevMonitor(KafkaClients clients, Instant since, PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
        consumer = new KafkaConsumer<>(clients.consumerConfig("rekey-dev-monitor-" + UUID.randomUUID(), "rekey-dev-monitor"),
                new StringDeserializer(), AvroSerdes.<SpecificRecord>safeValueDeserializer(clients.registry()));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.ROTATION_EVENTS.name(), Topics.ANOMALIES.name(), Topics.DLQ.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
        partitions.forEach(tp -> {
            OffsetAndTimestamp offset = offsets.get(tp);
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        });
        thread = new Thread(this::loop, "dev-monitor");
        thread.setDaemon(true);
        thread.start();
    }

    synchronized Totals totals() {
        return new Totals(Map.copyOf(rotations), Map.copyOf(anomalies), deadLetters);
    }

    private void loop() {
        Instant nextTotals = clock.instant().plus(TOTALS_EVERY);
        try {
            while (!closed) {
                for (ConsumerRecord<String, Decoded<SpecificRecord>> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() instanceof Decoded.Valid<SpecificRecord> valid) {
                        narrate(valid.value());
                    }
                }
                if (!clock.instant().isBefore(nextTotals)) {
                    printTotalsIfChanged();
                    nextTotals = clock.instant().plus(TOTALS_EVERY);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                out.println("monitor stopped: " + e.getMessage());
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private synchronized void narrate(SpecificRecord value) {
        if (value instanceof RotationEvent e && FINISHED.contains(e.getPhase())) {
            rotations.merge(e.getPhase(), 1, Integer::sum);
            line("rotation    " + e.getSecretId() + " " + e.getPhase() + " (" + e.getReason() + ", attempt " + e.getAttempt()
                    + (e.getError() == null ? ")" : "): " + e.getError()));
        } else if (value instanceof Anomaly a) {
            anomalies.merge(a.getType().name(), 1, Integer::sum);
            line("anomaly     " + a.getSeverity() + " " + a.getType() + " " + a.getPrincipalId() + ": " + a.getDescription());
        } else if (value instanceof DeadLetter d) {
            deadLetters++;
            line("dead letter from " + d.getSourceTopic() + " (consumer " + d.getConsumer() + "): " + d.getReason());
        } else {
            return;
        }
        changed = true;
    }

    private synchronized void printTotalsIfChanged() {
        if (changed) {
            line("so far      " + totals().describe());
            changed = false;
        }
    }

    private void line(String text) {
        out.println(LocalTime.ofInstant(clock.instant(), ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS).format(TIME) + " " + text);
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
