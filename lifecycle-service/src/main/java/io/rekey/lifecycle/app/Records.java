package io.rekey.lifecycle.app;

import io.rekey.lifecycle.domain.Change;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.UUID;

/** The Kafka records of the service's state changes, each keyed as the catalogue says. */
final class Records {

    private Records() {
    }

    static ProducerRecord<String, SpecificRecord> lifecycle(Change change) {
        LifecycleEvent event = LifecycleEvent.newBuilder()
                .setId(change.id() != null ? change.id() : UUID.randomUUID().toString())
                .setOccurredAt(change.at())
                .setSecretId(change.secretId())
                .setType(change.type())
                .setFromState(change.from())
                .setToState(change.to())
                .setActor(change.actor())
                .setReason(change.reason())
                .setRotationId(change.rotationId())
                .setIncidentId(change.incidentId())
                .setDetails(change.details())
                .build();
        return new ProducerRecord<>(Topics.LIFECYCLE_EVENTS.name(), change.secretId(), event);
    }

    static ProducerRecord<String, SpecificRecord> registry(SecretDescriptor descriptor) {
        return new ProducerRecord<>(Topics.REGISTRY.name(), descriptor.getSecretId(), descriptor);
    }

    /** The registry tombstone that says the secret was purged. */
    static ProducerRecord<String, SpecificRecord> purged(String secretId) {
        return new ProducerRecord<>(Topics.REGISTRY.name(), secretId, null);
    }

    static ProducerRecord<String, SpecificRecord> command(RotationCommand command) {
        return new ProducerRecord<>(Topics.ROTATION_COMMANDS.name(), command.getSecretId(), command);
    }

    static ProducerRecord<String, SpecificRecord> emergency(EmergencyMode mode) {
        return new ProducerRecord<>(Topics.CONTROL.name(), Topics.EMERGENCY_KEY, mode);
    }
}
