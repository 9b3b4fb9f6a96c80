package io.rekey.worker.kafka;

import io.rekey.schema.serde.Decoded;
import io.rekey.schema.serde.RegistryUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The latest value per key of a compacted topic, read from the beginning of every partition and kept up to
 * date by a background thread (what a GlobalKTable is to Kafka Streams). A tombstone removes the key.
 * Records that cannot be decoded are reported and skipped.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedTopicView.class);

    private final String topic;
    private final KafkaConsumer<String, Decoded<V>> consumer;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final BiConsumer<ConsumerRecord<String, Decoded<V>>, Decoded.Malformed<V>> onMalformed;
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;
    private final Object progress = new Object();
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private volatile boolean closed;

    public CompactedTopicView(String topic, Supplier<KafkaConsumer<String, Decoded<V>>> consumers,
                              BiConsumer<ConsumerRecord<String, Decoded<V>>, Decoded.Malformed<V>> onMalformed) {
        this.topic = topic;
        this.consumer = consumers.get();
        this.onMalformed = onMalformed;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::loop, "view-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    public Optional<V> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Collection<V> values() {
        return values.values();
    }

    /** Runs {@code listener} after every batch of changes. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Waits until everything written to the topic before this call has been read; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) {
        Map<TopicPartition, Long> targets;
        synchronized (consumer) {
            targets = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(10));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!reached(targets)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> targets) {
        Map<TopicPartition, Long> now = positions;
        return targets.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private void loop() {
        while (!closed) {
            try {
                var records = poll();
                for (ConsumerRecord<String, Decoded<V>> record : records) {
                    Decoded<V> value = record.value();
                    if (value == null) {
                        values.remove(record.key());
                    } else if (value instanceof Decoded.Valid<V> valid) {
                        values.put(record.key(), valid.value());
                    } else if (value instanceof Decoded.Malformed<V> malformed) {
                        onMalformed.accept(record, malformed);
                    }
                }
                synchronized (consumer) {
                    positions = consumer.assignment().stream()
                            .collect(java.util.stream.Collectors.toMap(tp -> tp, consumer::position));
                }
                synchronized (progress) {
                    progress.notifyAll();
                }
                if (!records.isEmpty()) {
                    listeners.forEach(Runnable::run);
                }
            } catch (WakeupException e) {
                // closing
            } catch (RegistryUnavailableException e) {
                LOG.warn("{}: {}; retrying", topic, e.getMessage());
                sleep();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("{}: reading failed; retrying", topic, e);
                    sleep();
                }
            }
        }
    }

    private org.apache.kafka.clients.consumer.ConsumerRecords<String, Decoded<V>> poll() {
        synchronized (consumer) {
            return consumer.poll(Duration.ofMillis(100));
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        synchronized (consumer) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
