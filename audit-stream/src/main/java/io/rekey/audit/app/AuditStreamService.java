package io.rekey.audit.app;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.context.annotation.Context;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.stream.AuditStreams;
import io.rekey.audit.stream.TopicCheck;
import io.rekey.schema.client.KafkaClients;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * Owns the audit stream's {@link KafkaStreams} for the life of the service: checks the topics, starts it with
 * Micrometer counters and Kafka's own metrics bound, and closes it (committing) on shutdown.
 */
@Context
public class AuditStreamService {

    private static final Logger LOG = LoggerFactory.getLogger(AuditStreamService.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics kafkaMetrics;

    public AuditStreamService(KafkaClients clients, AuditConfig config, Admin admin, MeterRegistry registry) {
        TopicCheck.verify(admin, config);
        streams = AuditStreams.create(clients, config, Clock.systemUTC(), new MicrometerAuditMetrics(registry));
        kafkaMetrics = new KafkaStreamsMetrics(streams);
        kafkaMetrics.bindTo(registry);
        streams.start();
        LOG.info("audit stream {} started: audit log {}, ECS output {}", config.applicationId(),
                config.auditLogEnabled() ? "on" : "off", config.ecsOutputEnabled() ? "on (" + config.topics().anomaliesEcs() + ")" : "off");
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    KafkaStreams streams() {
        return streams;
    }

    @PreDestroy
    void stop() {
        kafkaMetrics.close();
        streams.close(Duration.ofSeconds(30));
    }
}
