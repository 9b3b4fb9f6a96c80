package io.rekey.lifecycle.support;

import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Writes what the rotation worker writes, as its contract says, so the lifecycle service can be tested alone. */
public final class Worker {

    private final RekeyStack stack;

    public Worker(RekeyStack stack) {
        this.stack = stack;
    }

    /** The worker promoted a new version: a ROTATED fact (fromState null). */
    public void rotated(String secretId, String rotationId, Instant at) {
        stack.send(Topics.LIFECYCLE_EVENTS.name(), Map.entry(secretId, LifecycleEvent.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(at).setSecretId(secretId)
                .setType(LifecycleEventType.ROTATED).setFromState(null).setToState(LifecycleState.ROTATED)
                .setActor("worker-1").setRotationId(rotationId).build()));
    }

    /** The worker gave up on a rotation: a ROTATION_FAILED fact (no states). */
    public void failedForGood(String secretId, String rotationId, Instant at) {
        stack.send(Topics.LIFECYCLE_EVENTS.name(), Map.entry(secretId, LifecycleEvent.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(at).setSecretId(secretId)
                .setType(LifecycleEventType.ROTATION_FAILED).setActor("worker-1").setRotationId(rotationId)
                .setReason("verify failed 3 times").build()));
    }

    public void phase(String secretId, String rotationId, RotationPhase phase, Instant at) {
        stack.send(Topics.ROTATION_EVENTS.name(), Map.entry(secretId, RotationEvent.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(at).setRotationId(rotationId).setSecretId(secretId)
                .setPhase(phase).setReason(RotationReason.SCHEDULED).setWorkerId("worker-1")
                .setError(phase == RotationPhase.FAILED ? "verify failed" : null).build()));
    }
}
