package io.rekey.service;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.registry.ConfluentRegistryClient;
import jakarta.inject.Singleton;

import java.util.Map;

/** UP when the schema registry answers its Confluent-compatible API. */
@Singleton
@Readiness
public class RegistryHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final ConfluentRegistryClient registry;
    private final String url;

    public RegistryHealthIndicator(ConfluentRegistryClient registry, KafkaClients clients) {
        this.registry = registry;
        this.url = clients.registry().baseUrl().toString();
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = registry.isReachable() ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("url", url);
    }

    @Override
    protected String getName() {
        return "schemaRegistry";
    }
}
