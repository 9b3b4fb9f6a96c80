package io.rekey.worker.engine;

import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.SecretType;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Builds the records a rotation emits: one RotationEvent per phase, plus SecretChanged and LifecycleEvents. */
public final class RotationEvents {

    private final String workerId;

    public RotationEvents(String workerId) {
        this.workerId = workerId;
    }

    /** A RotationEvent carrying everything known of {@code rotation}, entering {@code phase}. */
    public RotationEvent.Builder event(Rotation rotation, RotationPhase phase, Instant at, Duration took) {
        return RotationEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setRotationId(rotation.rotationId())
                .setSecretId(rotation.secretId())
                .setPhase(phase)
                .setAttempt(rotation.attempt())
                .setDurationMs(took.toMillis())
                .setReason(rotation.reason())
                .setPriority(rotation.priority())
                .setRequestedBy(rotation.requestedBy())
                .setIncidentId(rotation.incidentId())
                .setDryRun(rotation.dryRun())
                .setForce(rotation.force())
                .setSecretType(rotation.secretType())
                .setCategory(rotation.category())
                .setPreviousVersionId(rotation.previousVersionId())
                .setGracePeriodMs(rotation.gracePeriod() == null ? null : rotation.gracePeriod().toMillis())
                .setWorkerId(workerId);
    }

    public static ProducerRecord<String, SpecificRecord> record(RotationEvent event) {
        return new ProducerRecord<>(Topics.ROTATION_EVENTS.name(), event.getSecretId(), event);
    }

    /** The CURRENT version moved: consumers reload the secret. */
    public ProducerRecord<String, SpecificRecord> secretChanged(Rotation rotation, Instant at, Instant previousValidUntil) {
        SecretChanged changed = SecretChanged.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setSecretId(rotation.secretId())
                .setSecretType(rotation.secretType() == null ? SecretType.UNKNOWN : rotation.secretType())
                .setCurrentVersionId(rotation.rotationId())
                .setPreviousVersionId(rotation.previousVersionId())
                .setRotationId(rotation.rotationId())
                .setFingerprint(rotation.fingerprint())
                .setPreviousValidUntil(rotation.previousVersionId() == null ? null : previousValidUntil)
                .setChangedBy(workerId)
                .build();
        return new ProducerRecord<>(Topics.SECRET_CHANGED.name(), rotation.secretId(), changed);
    }

    /** ROTATED (a transition to ROTATED) or ROTATION_FAILED (a fact, no state change) for the lifecycle service. */
    public ProducerRecord<String, SpecificRecord> lifecycle(Rotation rotation, LifecycleEventType type, Instant at, String reason) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("rotationReason", rotation.reason().name());
        details.put("attempt", Integer.toString(rotation.attempt()));
        if (type == LifecycleEventType.ROTATED) {
            details.put("versionId", rotation.rotationId());
            if (rotation.previousVersionId() != null) {
                details.put("previousVersionId", rotation.previousVersionId());
            }
        }
        LifecycleEvent event = LifecycleEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setSecretId(rotation.secretId())
                .setType(type)
                .setFromState(null)
                .setToState(type == LifecycleEventType.ROTATED ? LifecycleState.ROTATED : null)
                .setActor(workerId)
                .setReason(reason)
                .setRotationId(rotation.rotationId())
                .setIncidentId(rotation.incidentId())
                .setDetails(details)
                .build();
        return new ProducerRecord<>(Topics.LIFECYCLE_EVENTS.name(), rotation.secretId(), event);
    }
}
