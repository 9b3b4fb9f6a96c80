package io.rekey.worker.kafka;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * All of the worker's writes go through one transactional producer, with group commit: whatever callers
 * handed in while the previous transaction committed goes into the next one. Command intake adds its consumed
 * offsets (exactly-once consume-process-produce); rotations add their phase events, each step waiting until its
 * records are committed before the next step starts, so one rotation's events stay in order.
 *
 * <p>A failed transaction is aborted and its callers get the failure (they repeat the step: steps are idempotent).
 * A producer that can no longer be used (fenced, out of sequence) is replaced by a new one with the same
 * transactional id, which also fences any zombie of this instance.
 */
public final class EventPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final int MAX_BATCH = 500;
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(60);

    private record Pending(List<ProducerRecord<String, SpecificRecord>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                           ConsumerGroupMetadata group, CompletableFuture<Void> done) { }

    private final Supplier<Producer<String, SpecificRecord>> producers;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Producer<String, SpecificRecord> producer;
    private volatile boolean closed;

    /** @param producers creates a transactional producer (initTransactions is called here) */
    public EventPublisher(Supplier<Producer<String, SpecificRecord>> producers) {
        this.producers = Objects.requireNonNull(producers, "producers must not be null");
        this.producer = newProducer();
        this.thread = new Thread(this::loop, "event-publisher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Publishes records in a transaction and returns once they are committed. */
    public void publish(List<ProducerRecord<String, SpecificRecord>> records) {
        await(publishAsync(records, Map.of(), null));
    }

    /** Publishes records and consumed offsets of {@code group} in one transaction. */
    public CompletableFuture<Void> publishAsync(List<ProducerRecord<String, SpecificRecord>> records,
                                                Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the event publisher is closed"));
        }
        if (!offsets.isEmpty() && group == null) {
            throw new IllegalArgumentException("offsets need the consumer group metadata");
        }
        Pending pending = new Pending(List.copyOf(records), Map.copyOf(offsets), group, new CompletableFuture<>());
        queue.add(pending);
        return pending.done();
    }

    private void loop() {
        while (!closed || !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            commit(batch);
        }
    }

    private void commit(List<Pending> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        ConsumerGroupMetadata group = null;
        for (Pending p : batch) {
            p.offsets().forEach((tp, offset) -> offsets.merge(tp, offset, (a, b) -> a.offset() >= b.offset() ? a : b));
            if (p.group() != null) {
                group = p.group();
            }
        }
        try {
            producer.beginTransaction();
            for (Pending p : batch) {
                for (ProducerRecord<String, SpecificRecord> record : p.records()) {
                    producer.send(record);
                }
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
            batch.forEach(p -> p.done().complete(null));
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException e) {
            LOG.error("transactional producer unusable ({}); replacing it", e.getClass().getSimpleName());
            fail(batch, e);
            replaceProducer();
        } catch (KafkaException e) {
            LOG.warn("transaction aborted: {}", e.getMessage());
            fail(batch, e);
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                replaceProducer();
            }
        }
    }

    private static void fail(List<Pending> batch, Exception e) {
        batch.forEach(p -> p.done().completeExceptionally(e));
    }

    private void replaceProducer() {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (KafkaException ignored) {
            // closing a broken producer may fail too
        }
        producer = newProducer();
    }

    private Producer<String, SpecificRecord> newProducer() {
        Producer<String, SpecificRecord> created = producers.get();
        created.initTransactions();
        return created;
    }

    private static void await(CompletableFuture<Void> done) {
        try {
            done.get(COMMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            throw new PublishException("publishing failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("no commit within " + COMMIT_WAIT, e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(COMMIT_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    /** Records could not be published; the caller repeats what produced them. */
    public static final class PublishException extends RuntimeException {
        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
