package io.rekey.worker.engine;

import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the worker knows about one secret's rotations, folded from its {@code rekey.rotation.events}: the
 * latest rotation (in flight or finished), the rotation ids already seen (so a replayed or re-delivered
 * command changes nothing), when the secret was last promoted and whether its rotation failed for good.
 */
public final class SecretHistory {

    private final Rotation latest;
    private final Map<String, Instant> seen;
    private final Instant lastPromotedAt;
    private final boolean failed;

    private SecretHistory(Rotation latest, Map<String, Instant> seen, Instant lastPromotedAt, boolean failed) {
        this.latest = latest;
        this.seen = seen;
        this.lastPromotedAt = lastPromotedAt;
        this.failed = failed;
    }

    public static SecretHistory empty() {
        return new SecretHistory(null, Map.of(), null, false);
    }

    /** The history after {@code event}. Events of one secret arrive in order (one partition, keyed by secretId). */
    public SecretHistory apply(RotationEvent event) {
        Map<String, Instant> nextSeen = new HashMap<>(seen);
        nextSeen.putIfAbsent(event.getRotationId(), event.getOccurredAt());
        boolean ofLatest = latest != null && latest.rotationId().equals(event.getRotationId());
        if (event.getPhase() == RotationPhase.REFUSED && !ofLatest) {
            // A refused command never became this secret's rotation: remember its id, nothing else.
            return new SecretHistory(latest, nextSeen, lastPromotedAt, failed);
        }
        Rotation next = ofLatest ? latest.evolve(event) : Rotation.from(event);
        Instant promoted = event.getPhase() == RotationPhase.PROMOTED ? event.getOccurredAt() : lastPromotedAt;
        boolean nowFailed = switch (event.getPhase()) {
            case FAILED -> !next.dryRun();
            case PROMOTED -> false;
            default -> failed;
        };
        return new SecretHistory(next, nextSeen, promoted, nowFailed);
    }

    public Optional<Rotation> latest() {
        return Optional.ofNullable(latest);
    }

    /** The rotation that has not reached a terminal phase, if any. */
    public Optional<Rotation> inFlight() {
        return latest().filter(r -> !r.isTerminal());
    }

    public boolean hasSeen(String rotationId) {
        return seen.containsKey(rotationId);
    }

    public Optional<Instant> lastPromotedAt() {
        return Optional.ofNullable(lastPromotedAt);
    }

    /** True once a rotation failed after all retries; cleared by the next successful promotion. */
    public boolean isFailed() {
        return failed;
    }

    /** Forgets rotation ids first seen before {@code horizon}: commands older than that are refused as expired anyway. */
    public SecretHistory forgetBefore(Instant horizon) {
        Map<String, Instant> kept = new HashMap<>(seen);
        kept.values().removeIf(t -> t.isBefore(horizon));
        if (latest != null) {
            kept.putIfAbsent(latest.rotationId(), horizon);
        }
        return new SecretHistory(latest, kept, lastPromotedAt, failed);
    }

    public boolean promotedWithin(Duration window, Instant now) {
        return lastPromotedAt != null && !lastPromotedAt.isBefore(now.minus(window));
    }
}
