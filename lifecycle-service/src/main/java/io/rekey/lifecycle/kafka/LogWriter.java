package io.rekey.lifecycle.kafka;

import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes the service's state changes in Kafka transactions, so what belongs together (a registry revision and
 * its lifecycle events, a purge's event and tombstone) becomes visible to read_committed consumers together or
 * not at all. One producer, one transaction at a time.
 *
 * <p>The transactional id carries the instance id: give each instance a stable one (a pod name) and a zombie
 * of a replaced instance is fenced off.
 */
public final class LogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /** Thrown when a write did not commit; nothing of it is visible. */
    public static final class WriteFailedException extends Exception {
        public WriteFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaClients clients;
    private final String transactionalId;
    private KafkaProducer<String, SpecificRecord> producer;

    public LogWriter(KafkaClients clients, String instanceId) {
        this.clients = Objects.requireNonNull(clients, "clients must not be null");
        this.transactionalId = "rekey-lifecycle-" + Objects.requireNonNull(instanceId, "instanceId must not be null");
    }

    /**
     * Writes {@code records} in one transaction and returns, per partition, the offset after the last record
     * written there: a view that has applied up to it shows the write.
     */
    public synchronized Map<TopicPartition, Long> write(List<ProducerRecord<String, SpecificRecord>> records)
            throws WriteFailedException {
        if (records.isEmpty()) {
            return Map.of();
        }
        KafkaProducer<String, SpecificRecord> p;
        try {
            p = producer();
        } catch (KafkaException e) {
            discard();
            throw new WriteFailedException("cannot start a transaction on Kafka: " + e.getMessage(), e);
        }
        try {
            p.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, SpecificRecord> record : records) {
                sent.add(p.send(record));
            }
            p.commitTransaction();
            Map<TopicPartition, Long> after = new HashMap<>();
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get();
                after.merge(new TopicPartition(m.topic(), m.partition()), m.offset() + 1, Math::max);
            }
            return after;
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException | UnsupportedVersionException e) {
            discard();
            throw new WriteFailedException("write to Kafka refused: " + e.getMessage(), e);
        } catch (KafkaException | ExecutionException e) {
            abort(p);
            throw new WriteFailedException("write to Kafka failed: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(p);
            throw new WriteFailedException("interrupted while writing to Kafka", e);
        }
    }

    /**
     * Registers the transactional id with the coordinator now rather than on the first write, which would otherwise
     * pay for it (seconds). A failure here is only logged: the first write tries again.
     */
    public synchronized void prepare() {
        try {
            producer();
        } catch (KafkaException e) {
            discard();
            LOG.warn("transactional producer not ready yet ({}); the first write will retry", e.toString());
        }
    }

    private KafkaProducer<String, SpecificRecord> producer() {
        if (producer == null) {
            Map<String, Object> config = clients.transactionalProducerConfig(transactionalId, transactionalId);
            // An API call waits at most this long for Kafka before it answers 503.
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
            KafkaProducer<String, SpecificRecord> p = new KafkaProducer<>(config, new StringSerializer(),
                    AvroSerdes.valueSerializer(clients.registry()));
            try {
                p.initTransactions();
            } catch (KafkaException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    private void abort(KafkaProducer<String, SpecificRecord> p) {
        try {
            p.abortTransaction();
        } catch (KafkaException e) {
            LOG.warn("could not abort a transaction ({}); recreating the producer", e.toString());
            discard();
        }
    }

    private void discard() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
            producer = null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public synchronized void close() {
        discard();
    }
}
