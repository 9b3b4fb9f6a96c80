package io.rekey.service;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** UP when the Kafka cluster answers a metadata request within a few seconds. */
@Singleton
@Readiness
public class KafkaHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final Admin admin;

    public KafkaHealthIndicator(Admin admin) {
        this.admin = admin;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> details = new LinkedHashMap<>();
        try {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
            details.put("clusterId", cluster.clusterId().get(3, TimeUnit.SECONDS));
            details.put("brokers", cluster.nodes().get(3, TimeUnit.SECONDS).size());
            healthStatus = HealthStatus.UP;
        } catch (Exception e) {
            details.put("error", "Kafka cluster unreachable: " + e.getClass().getSimpleName());
            healthStatus = HealthStatus.DOWN;
        }
        return details;
    }

    @Override
    protected String getName() {
        return "kafka";
    }
}
