package io.rekey.audit.stream;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.StreamsTuning;
import io.rekey.schema.client.KafkaClients;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;
import java.util.Properties;

/** The Kafka Streams settings of the audit stream, each chosen on purpose. */
public final class AuditStreamsConfig {

    private AuditStreamsConfig() {
    }

    public static Properties of(KafkaClients clients, AuditConfig config) {
        Map<String, Object> settings = clients.streamsConfig(config.applicationId());
        StreamsTuning tuning = config.streams();
        // Exactly-once v2: dead letters, anomalies, audit records, state and input offsets commit together or not at all.
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Under exactly-once, read_committed consumers see output only when the transaction commits, so this is the
        // floor of alert latency: 100 ms keeps an anomaly within a fraction of a second of its event, for a few more
        // transaction markers per second.
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, tuning.commitInterval().toMillis());
        // Anomalies are forwarded the moment they are found; the cache only sits under the state stores, coalescing
        // the repeated writes of busy principals before RocksDB and the changelogs. It never holds output back, so it
        // can be generous.
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, tuning.cacheMaxBytes());
        // Producers keep Kafka Streams' linger (records are flushed at each commit anyway, so it adds no latency
        // beyond the commit interval and batches under load). Tasks do not wait for idle partitions
        // (max.task.idle.ms 0): a grant notice may arrive after its use, and the detector handles both orders.
        settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, tuning.threads());
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, tuning.replicationFactor());
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, tuning.standbyReplicas());
        if (tuning.stateDir() != null) {
            settings.put(StreamsConfig.STATE_DIR_CONFIG, tuning.stateDir());
        }
        Properties properties = new Properties();
        properties.putAll(settings);
        return properties;
    }
}
