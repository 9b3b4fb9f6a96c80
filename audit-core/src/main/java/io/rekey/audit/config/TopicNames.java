package io.rekey.audit.config;

import io.rekey.schema.topic.Topics;

import java.util.Objects;

/**
 * Topics the audit stream reads and writes. The live service uses the catalogue's names; tests and replays use
 * their own so they never touch live data.
 *
 * @param anomaliesEcs topic of the optional ECS JSON copy of each anomaly; kept outside the Avro catalogue because
 *                     its values are JSON text, not Avro
 */
public record TopicNames(String accessEvents, String registry, String lifecycleEvents, String rotationEvents,
                         String anomalies, String anomaliesEcs, String auditLog, String deadLetters) {

    /** Default name of the ECS JSON topic: 6 partitions, keyed by principalId, delete after 365 days like rekey.anomalies. */
    public static final String DEFAULT_ANOMALIES_ECS = "rekey.anomalies.ecs";

    public TopicNames {
        Objects.requireNonNull(accessEvents, "accessEvents must not be null");
        Objects.requireNonNull(registry, "registry must not be null");
        Objects.requireNonNull(lifecycleEvents, "lifecycleEvents must not be null");
        Objects.requireNonNull(rotationEvents, "rotationEvents must not be null");
        Objects.requireNonNull(anomalies, "anomalies must not be null");
        Objects.requireNonNull(anomaliesEcs, "anomaliesEcs must not be null");
        Objects.requireNonNull(auditLog, "auditLog must not be null");
        Objects.requireNonNull(deadLetters, "deadLetters must not be null");
    }

    public static TopicNames catalogue() {
        return new TopicNames(Topics.ACCESS_EVENTS.name(), Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(),
                Topics.ROTATION_EVENTS.name(), Topics.ANOMALIES.name(), DEFAULT_ANOMALIES_ECS, Topics.AUDIT_LOG.name(),
                Topics.DLQ.name());
    }

    public TopicNames withAnomaliesEcs(String name) {
        return new TopicNames(accessEvents, registry, lifecycleEvents, rotationEvents, anomalies, name, auditLog, deadLetters);
    }
}
