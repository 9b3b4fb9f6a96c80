package io.rekey.lifecycle.view;

import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.schema.SecretDescriptor;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A consistent copy of what the view knows about one secret.
 *
 * @param descriptor        current registry entry; null once purged (or before it was read)
 * @param status            lifecycle folded from {@code rekey.lifecycle.events}
 * @param lastRotatedAt     latest successful rotation of this incarnation, from lifecycle facts and rotation events
 * @param rotationFailure   the unsettled rotation failure, if any
 * @param inFlight          the latest rotation still under way, if any
 * @param knownRotationIds  every rotation id seen for the secret on commands or events
 * @param history           lifecycle events, oldest first (empty in list snapshots)
 * @param rotations         rotations, oldest first (empty in list snapshots)
 */
public record SecretSnapshot(String secretId, SecretDescriptor descriptor, int registryPartition, SecretStatus status,
                             Instant lastRotatedAt, RotationFailure rotationFailure, RotationTrack inFlight,
                             Set<String> knownRotationIds, Instant lastAccessAt, String lastAccessBy, long reads,
                             List<HistoryEntry> history, List<RotationTrack> rotations) {

    /** A failed rotation nobody has settled. */
    public record RotationFailure(Instant at, String rotationId, String reason) {
    }

    public boolean registered() {
        return descriptor != null && status != null && status.isRegistered();
    }
}
