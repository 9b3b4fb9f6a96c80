package io.rekey.lifecycle.domain;

import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One lifecycle event of one secret, as the state machine decides and evolves it: a transition (from and to
 * differ) or a fact recorded without a transition (from equals to, or both null for facts from outside such as
 * the worker's ROTATION_FAILED).
 *
 * @param id      event id; null until an adapter assigns one (random, or name-based for time-driven events so a
 *                repeat is recognisable)
 */
public record Change(String id, String secretId, LifecycleEventType type, LifecycleState from, LifecycleState to,
                     Instant at, String actor, String reason, String rotationId, String incidentId,
                     Map<String, String> details) {

    public Change {
        Objects.requireNonNull(secretId, "secretId must not be null");
        Objects.requireNonNull(type, "type must not be null");
        Objects.requireNonNull(at, "at must not be null");
        Objects.requireNonNull(actor, "actor must not be null");
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    static Change of(String secretId, LifecycleEventType type, LifecycleState from, LifecycleState to, Origin origin,
                     Map<String, String> details) {
        return new Change(null, secretId, type, from, to, origin.at(), origin.actor(), origin.reason(), null,
                origin.incidentId(), details);
    }

    public Change withId(String newId) {
        return new Change(newId, secretId, type, from, to, at, actor, reason, rotationId, incidentId, details);
    }

    /** Whether this event moves the secret to another state (as opposed to recording a fact). */
    public boolean isTransition() {
        return StateMachine.targetOf(type) != null;
    }
}
