package io.rekey.worker.kafka;

import io.rekey.schema.RotationEvent;
import io.rekey.worker.engine.SecretHistory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rotation history of every secret in the partitions this worker owns, shared by command intake (to decide)
 * and the engine (which applies its own events once they are committed).
 */
public final class SecretHistories {

    private record Entry(int partition, SecretHistory history) { }

    private final Map<String, Entry> bySecret = new ConcurrentHashMap<>();

    public SecretHistory get(String secretId) {
        Entry entry = bySecret.get(secretId);
        return entry == null ? SecretHistory.empty() : entry.history();
    }

    public void put(String secretId, int partition, SecretHistory history) {
        bySecret.put(secretId, new Entry(partition, history));
    }

    /** Applies the RotationEvents among committed records. */
    public void applyCommitted(Collection<ProducerRecord<String, SpecificRecord>> records, int partitionCount) {
        for (ProducerRecord<String, SpecificRecord> record : records) {
            if (record.value() instanceof RotationEvent event) {
                bySecret.compute(event.getSecretId(), (id, entry) -> entry == null
                        ? new Entry(Partitions.of(id, partitionCount), SecretHistory.empty().apply(event))
                        : new Entry(entry.partition(), entry.history().apply(event)));
            }
        }
    }

    /** Forgets the secrets of partitions this worker no longer owns. */
    public void dropPartitions(Collection<Integer> partitions) {
        bySecret.values().removeIf(e -> partitions.contains(e.partition()));
    }

    /** Forgets rotation ids older than {@code horizon} (commands that old are refused as expired anyway). */
    public void forgetBefore(Instant horizon) {
        bySecret.replaceAll((id, e) -> new Entry(e.partition(), e.history().forgetBefore(horizon)));
    }

    public int size() {
        return bySecret.size();
    }
}
