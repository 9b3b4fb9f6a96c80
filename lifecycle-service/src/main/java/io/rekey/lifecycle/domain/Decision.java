package io.rekey.lifecycle.domain;

import io.rekey.schema.LifecycleState;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/** What the state machine says to a command: the events to record, or why not. */
public sealed interface Decision {

    record Accepted(List<Change> changes) implements Decision {
        public Accepted {
            changes = List.copyOf(changes);
        }
    }

    /**
     * @param reason     one sentence for the caller, naming the state and what would be allowed
     * @param current    state the secret is in; null if it is not registered
     * @param allowedNext states the secret may move to from {@code current}
     */
    record Refused(String reason, LifecycleState current, Set<LifecycleState> allowedNext) implements Decision {
        public Refused {
            Objects.requireNonNull(reason, "reason must not be null");
            allowedNext = allowedNext == null ? Set.of() : Set.copyOf(allowedNext);
        }
    }
}
