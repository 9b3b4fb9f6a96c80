package io.rekey.service;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.client.KafkaSecurity;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.serde.RegistrySettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.Map;

/**
 * Binds {@code rekey.kafka.*} (with {@code rekey.kafka.security.*}, see {@link KafkaSecurity}) and
 * {@code rekey.registry.*} to {@link KafkaClients}. Built at start-up
 * ({@link Context}), so a bad setting stops the service with a message naming it instead of failing later.
 */
@Factory
public class ConnectionFactory {

    private Admin admin;

    @Context
    @Singleton
    KafkaClients kafkaClients(@Value("${rekey.kafka.bootstrap-servers}") String bootstrapServers,
                              @Value("${rekey.registry.url}") String registryUrl,
                              @Nullable @Property(name = "rekey.kafka.security") @MapFormat(transformation = MapFormat.MapTransformation.FLAT)
                              Map<String, String> security) {
        return new KafkaClients(bootstrapServers, RegistrySettings.of(registryUrl), KafkaSecurity.resolve(security));
    }

    @Singleton
    Admin admin(KafkaClients clients) {
        admin = Admin.create(clients.adminConfig());
        return admin;
    }

    @Singleton
    ConfluentRegistryClient registryClient(KafkaClients clients) {
        return new ConfluentRegistryClient(clients.registry(), Duration.ofSeconds(3));
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
