package io.rekey.lifecycle.view;

import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;

import java.time.Instant;
import java.util.Map;

/**
 * One lifecycle event of a secret as recorded on {@code rekey.lifecycle.events}.
 *
 * @param applied whether it changed the state as it says (false: kept for the record, see {@code note})
 * @param note    why it did not apply, if it did not
 */
public record HistoryEntry(String eventId, Instant at, LifecycleEventType type, LifecycleState from, LifecycleState to,
                           String actor, String reason, String rotationId, String incidentId, Map<String, String> details,
                           boolean applied, String note) {

    public HistoryEntry {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
