package io.rekey.audit.app;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Liveness;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * UP while the stream is running or rebalancing (a rebalance is routine: an instance joined or left); DOWN once it
 * has failed or stopped; UNKNOWN while it starts and restores state.
 */
@Singleton
@Readiness
@Liveness
public class KafkaStreamsHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final AuditStreamService service;

    public KafkaStreamsHealthIndicator(AuditStreamService service) {
        this.service = service;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        KafkaStreams streams = service.streams();
        KafkaStreams.State state = streams.state();
        healthStatus = switch (state) {
            case RUNNING, REBALANCING -> HealthStatus.UP;
            case CREATED -> HealthStatus.UNKNOWN;
            default -> HealthStatus.DOWN;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", state.name());
        int active = 0;
        int standby = 0;
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            active += thread.activeTasks().size();
            standby += thread.standbyTasks().size();
        }
        details.put("activeTasks", active);
        details.put("standbyTasks", standby);
        return details;
    }

    @Override
    protected String getName() {
        return "kafkaStreams";
    }
}
