package io.rekey.schema.client;

import io.rekey.schema.serde.RegistrySettings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How every rekey process connects to Kafka and the schema registry: the one place that turns settings into
 * producer, consumer, admin and Streams configuration, so durability and security settings cannot drift
 * between services.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param registry         schema registry settings
 * @param security         extra client settings for authentication (security.protocol, sasl.*, ssl.*); empty for
 *                         PLAINTEXT
 */
public record KafkaClients(String bootstrapServers, RegistrySettings registry, Map<String, String> security) {

    public KafkaClients {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers must be set (REKEY_KAFKA_BOOTSTRAP_SERVERS), for example 127.0.0.1:9092");
        }
        for (String server : bootstrapServers.split(",")) {
            if (!server.trim().matches("[^:\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("Kafka bootstrap server '" + server.trim() + "' is not host:port "
                        + "(REKEY_KAFKA_BOOTSTRAP_SERVERS=" + bootstrapServers + ")");
            }
        }
        Objects.requireNonNull(registry, "registry must not be null");
        security = security == null ? Map.of() : Map.copyOf(security);
    }

    public static KafkaClients of(String bootstrapServers, String registryUrl) {
        return new KafkaClients(bootstrapServers, RegistrySettings.of(registryUrl), Map.of());
    }

    public Map<String, Object> adminConfig() {
        Map<String, Object> config = common();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /** Idempotent producer with acks=all: no duplicates from retries, nothing acknowledged before it is replicated. */
    public Map<String, Object> producerConfig(String clientId) {
        Map<String, Object> config = common();
        config.putAll(registry.serdeConfig());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Low-volume control traffic: send at once rather than wait to fill a batch.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return config;
    }

    /** A transactional producer for consume-process-produce: its id must be stable per instance. */
    public Map<String, Object> transactionalProducerConfig(String clientId, String transactionalId) {
        Map<String, Object> config = producerConfig(clientId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return config;
    }

    /** A consumer that sees only committed records and commits offsets itself (or in a transaction). */
    public Map<String, Object> consumerConfig(String groupId, String clientId) {
        Map<String, Object> config = common();
        config.putAll(registry.serdeConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return config;
    }

    /** Common settings for a Kafka Streams application (processing guarantees are the application's choice). */
    public Map<String, Object> streamsConfig(String applicationId) {
        Map<String, Object> config = common();
        config.putAll(registry.serdeConfig());
        config.put("application.id", applicationId);
        return config;
    }

    private Map<String, Object> common() {
        Map<String, Object> config = new HashMap<>(security);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }
}
