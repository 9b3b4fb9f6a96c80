package io.rekey.schema.client;

import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tails {@code rekey.rotation.events} from a point in time in the background and keeps the latest event of every
 * rotation, so commands can wait for their rotations and show progress.
 */
public final class RotationWatcher implements AutoCloseable {

    /** Phases after which the new credential is live (the old one may still be in its grace period). */
    public static final Set<RotationPhase> ROTATED = EnumSet.of(RotationPhase.PROMOTED, RotationPhase.CLEANUP_SCHEDULED,
            RotationPhase.CLEANED_UP, RotationPhase.SUCCEEDED);
    /** Phases that end a rotation without a new credential. */
    public static final Set<RotationPhase> UNSUCCESSFUL = EnumSet.of(RotationPhase.FAILED, RotationPhase.REFUSED, RotationPhase.ABANDONED);

    private final KafkaConsumer<String, Decoded<RotationEvent>> consumer;
    private final Map<String, RotationEvent> latest = new ConcurrentHashMap<>();
    private final List<Consumer<RotationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Object changed = new Object();
    private final Map<TopicPartition, Long> endAtStart;
    private volatile boolean caughtUp;
    private volatile boolean closed;

    public RotationWatcher(KafkaClients clients, Instant since) {
        consumer = new KafkaConsumer<>(clients.consumerConfig("rekey-cli-" + UUID.randomUUID(), "rekey-cli-watch"),
                new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), RotationEvent.class));
        String topic = Topics.ROTATION_EVENTS.name();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(tp -> times.put(tp, since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times, Duration.ofSeconds(30));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp offset = offsets.get(tp);
            if (offset == null) {
                consumer.seekToEnd(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
        endAtStart = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        thread = new Thread(this::loop, "rotation-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    public void onEvent(Consumer<RotationEvent> listener) {
        listeners.add(listener);
    }

    public Optional<RotationEvent> latest(String rotationId) {
        return Optional.ofNullable(latest.get(rotationId));
    }

    public Map<String, RotationEvent> all() {
        return Map.copyOf(latest);
    }

    /** Waits until {@code rotationId} reaches one of {@code phases}; returns its latest event then, or empty on timeout. */
    public Optional<RotationEvent> awaitPhase(String rotationId, Set<RotationPhase> phases, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                RotationEvent event = latest.get(rotationId);
                if (event != null && phases.contains(event.getPhase())) {
                    return Optional.of(event);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Waits until everything written before the watcher started has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (!caughtUp) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    /** Waits for any change, at most {@code timeout}. */
    public void awaitChange(Duration timeout) throws InterruptedException {
        synchronized (changed) {
            changed.wait(Math.max(1, timeout.toMillis()));
        }
    }

    private void loop() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, Decoded<RotationEvent>> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.value() instanceof Decoded.Valid<RotationEvent> valid) {
                        RotationEvent event = valid.value();
                        latest.put(event.getRotationId(), event); // one rotation's events share a partition: in order
                        listeners.forEach(l -> l.accept(event));
                        synchronized (changed) {
                            changed.notifyAll();
                        }
                    }
                }
                if (!caughtUp && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    synchronized (changed) {
                        changed.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
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
