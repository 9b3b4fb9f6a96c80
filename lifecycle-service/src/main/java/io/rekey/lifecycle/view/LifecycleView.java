package io.rekey.lifecycle.view;

import io.rekey.lifecycle.domain.Change;
import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.lifecycle.domain.StateMachine;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.SecretDescriptor;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lifecycle service's picture of the world, folded from the log: registry entries, lifecycle, rotations,
 * last access and emergency mode. One thread (the log tailer) writes; any thread reads consistent copies.
 *
 * <p>The view also tracks, per partition, how far it has applied the log, so a caller that has just written a
 * record can wait until the view shows it (read-your-writes), and a caller about to decide can first wait until
 * the view has caught up with the log's end (so it decides on what every instance has written).
 */
public final class LifecycleView {

    /** Access history of ids not (yet) in the registry is kept for this many ids at most. */
    private static final int UNREGISTERED_ACCESS_LIMIT = 100_000;

    private final int historyLimit;
    private final int rotationLimit;
    private final Duration unansweredCommandTimeout;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    private final Object progress = new Object();
    private EmergencyMode emergency;
    private volatile boolean caughtUp;

    /**
     * @param historyLimit             lifecycle events kept per secret (the topic keeps them all)
     * @param rotationLimit            rotations kept per secret
     * @param unansweredCommandTimeout how long a command without any worker event counts as in flight
     */
    public LifecycleView(int historyLimit, int rotationLimit, Duration unansweredCommandTimeout) {
        if (historyLimit < 1 || rotationLimit < 1) {
            throw new IllegalArgumentException("history and rotation limits must be positive");
        }
        this.historyLimit = historyLimit;
        this.rotationLimit = rotationLimit;
        this.unansweredCommandTimeout = unansweredCommandTimeout;
    }

    private static final class Entry {
        final String secretId;
        SecretDescriptor descriptor;
        int registryPartition = -1;
        SecretStatus status;
        final ArrayDeque<HistoryEntry> history = new ArrayDeque<>();
        final LinkedHashMap<String, RotationTrack> rotations = new LinkedHashMap<>();
        Instant eventFailedAt;
        String eventFailedRotation;
        String eventFailedReason;
        /** The credential changed at promotion; SUCCEEDED comes after the grace period, and counts only without it. */
        Instant eventPromotedAt;
        Instant eventSucceededAt;
        Instant lastAccessAt;
        String lastAccessBy;
        long reads;

        Entry(String secretId) {
            this.secretId = secretId;
            this.status = SecretStatus.unregistered(secretId);
        }
    }

    // ---- writes, from the log tailer ----------------------------------------------------------------------

    public void applyDescriptor(SecretDescriptor descriptor, int partition) {
        write(() -> {
            Entry e = entry(descriptor.getSecretId());
            e.descriptor = descriptor;
            e.registryPartition = partition;
        });
    }

    /** A tombstone on the registry: the secret was purged. */
    public void applyPurge(String secretId, int partition) {
        write(() -> {
            Entry e = entries.get(secretId);
            if (e != null) {
                e.descriptor = null;
                e.registryPartition = partition;
            }
        });
    }

    /** Folds one lifecycle event; returns the state machine's note when the event did not apply as it says. */
    public Optional<String> applyLifecycle(LifecycleEvent event) {
        Change change = toChange(event);
        String[] note = new String[1];
        write(() -> {
            Entry e = entry(change.secretId());
            StateMachine.Evolution evolution = StateMachine.evolve(e.status, change);
            if (change.type() == LifecycleEventType.CREATED && evolution.applied()) {
                // A new incarnation of a purged id. Only the history (same topic, same order) is cleared here:
                // rotations and their events come from other topics, which a replay may read before this event, so
                // they are told apart by time when a snapshot is taken, never dropped.
                e.history.clear();
            }
            e.status = evolution.status();
            e.history.addLast(new HistoryEntry(change.id(), change.at(), change.type(), change.from(), change.to(),
                    change.actor(), change.reason(), change.rotationId(), change.incidentId(), change.details(),
                    evolution.applied(), evolution.note()));
            while (e.history.size() > historyLimit) {
                e.history.removeFirst();
            }
            note[0] = evolution.note();
        });
        return Optional.ofNullable(note[0]);
    }

    public void applyCommand(RotationCommand command) {
        write(() -> {
            Entry e = entry(command.getSecretId());
            RotationTrack track = track(e, command.getRotationId());
            put(e, track.issued(command.getReason(), command.getRequestedBy(), command.getIncidentId(),
                    command.getDryRun(), command.getIssuedAt()));
        });
    }

    public void applyRotationEvent(RotationEvent event) {
        write(() -> {
            Entry e = entry(event.getSecretId());
            RotationTrack track = track(e, event.getRotationId());
            put(e, track.phase(event.getPhase(), event.getOccurredAt(), event.getAttempt(), event.getError(),
                    event.getReason(), event.getRequestedBy(), event.getIncidentId(), event.getDryRun()));
            if (event.getDryRun()) {
                return;
            }
            Instant at = event.getOccurredAt();
            if (event.getPhase() == RotationPhase.FAILED && (e.eventFailedAt == null || at.isAfter(e.eventFailedAt))) {
                e.eventFailedAt = at;
                e.eventFailedRotation = event.getRotationId();
                e.eventFailedReason = event.getError();
            } else if (event.getPhase() == RotationPhase.PROMOTED) {
                e.eventPromotedAt = latest(e.eventPromotedAt, at);
            } else if (event.getPhase() == RotationPhase.SUCCEEDED) {
                e.eventSucceededAt = latest(e.eventSucceededAt, at);
            }
        });
    }

    /** Successful reads move the secret's last access; nothing else about access is kept here. */
    public void applyAccess(AccessEvent event) {
        if (event.getSecretId() == null || event.getAction() != AccessAction.READ || event.getOutcome() != AccessResult.SUCCESS) {
            return;
        }
        write(() -> {
            Entry e = entries.get(event.getSecretId());
            if (e == null) {
                if (entries.size() >= UNREGISTERED_ACCESS_LIMIT) {
                    return;
                }
                e = entry(event.getSecretId());
            }
            e.reads++;
            if (e.lastAccessAt == null || event.getOccurredAt().isAfter(e.lastAccessAt)) {
                e.lastAccessAt = event.getOccurredAt();
                e.lastAccessBy = event.getPrincipalId();
            }
        });
    }

    public void applyEmergency(EmergencyMode mode) {
        write(() -> emergency = mode);
    }

    /** Records that every record of {@code partition} before {@code nextOffset} has been applied. */
    public void advance(TopicPartition partition, long nextOffset) {
        synchronized (progress) {
            applied.merge(partition, nextOffset, Math::max);
            progress.notifyAll();
        }
    }

    public void markCaughtUp() {
        caughtUp = true;
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    /** Whether the view has read the log up to where it ended when the service started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public Optional<EmergencyMode> emergency() {
        lock.readLock().lock();
        try {
            return Optional.ofNullable(emergency);
        } finally {
            lock.readLock().unlock();
        }
    }

    public boolean emergencyActive() {
        return emergency().map(EmergencyMode::getActive).orElse(false);
    }

    /** Everything known about one secret, with history and rotations; empty if the id was never seen. */
    public Optional<SecretSnapshot> secret(String secretId, Instant now) {
        lock.readLock().lock();
        try {
            Entry e = entries.get(secretId);
            return e == null ? Optional.empty() : Optional.of(snapshot(e, now, true));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Every registered secret (not purged), without history, ordered by id. */
    public List<SecretSnapshot> registered(Instant now) {
        lock.readLock().lock();
        try {
            List<SecretSnapshot> out = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (e.descriptor != null && e.status.isRegistered()) {
                    out.add(snapshot(e, now, false));
                }
            }
            out.sort(Comparator.comparing(SecretSnapshot::secretId));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How far the view has applied {@code partition}: the next offset it will read. */
    public long position(TopicPartition partition) {
        synchronized (progress) {
            return applied.getOrDefault(partition, 0L);
        }
    }

    /**
     * Waits until the view has applied every record before the given offsets (for example the log-end offsets of
     * a secret's partitions, or the offsets just written plus one).
     */
    public void awaitPositions(Map<TopicPartition, Long> offsets, Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            for (Map.Entry<TopicPartition, Long> target : offsets.entrySet()) {
                while (applied.getOrDefault(target.getKey(), 0L) < target.getValue()) {
                    long remainingMs = (deadline - System.nanoTime()) / 1_000_000;
                    if (remainingMs <= 0) {
                        throw new TimeoutException("view has applied " + target.getKey() + " up to "
                                + applied.getOrDefault(target.getKey(), 0L) + ", waiting for " + target.getValue());
                    }
                    progress.wait(remainingMs);
                }
            }
        }
    }

    // ---- internals --------------------------------------------------------------------------------------------

    private void write(Runnable change) {
        lock.writeLock().lock();
        try {
            change.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Entry entry(String secretId) {
        return entries.computeIfAbsent(secretId, Entry::new);
    }

    private static RotationTrack track(Entry e, String rotationId) {
        RotationTrack track = e.rotations.get(rotationId);
        return track != null ? track
                : new RotationTrack(rotationId, null, null, null, false, null, null, null, 0, null);
    }

    private void put(Entry e, RotationTrack track) {
        e.rotations.remove(track.rotationId());
        e.rotations.put(track.rotationId(), track);
        while (e.rotations.size() > rotationLimit) {
            e.rotations.remove(e.rotations.keySet().iterator().next());
        }
    }

    private SecretSnapshot snapshot(Entry e, Instant now, boolean full) {
        SecretStatus s = e.status;
        Instant incarnation = s.createdAt();
        Instant lastRotated = latestAfter(incarnation, s.lastRotatedAt(),
                e.eventPromotedAt != null ? e.eventPromotedAt : e.eventSucceededAt);
        Instant settled = latestAfter(null, s.failureClearedAt(), lastRotated);
        SecretSnapshot.RotationFailure failure = null;
        Instant failedAt = latestAfter(incarnation, s.rotationFailedAt(), e.eventFailedAt);
        if (failedAt != null && (settled == null || failedAt.isAfter(settled))) {
            boolean fromEvent = failedAt.equals(e.eventFailedAt);
            failure = new SecretSnapshot.RotationFailure(failedAt,
                    fromEvent ? e.eventFailedRotation : s.failedRotationId(),
                    fromEvent ? e.eventFailedReason : s.failureReason());
        }
        RotationTrack inFlight = null;
        List<RotationTrack> current = new ArrayList<>();
        for (RotationTrack track : e.rotations.values()) {
            Instant heard = track.lastHeard();
            if (incarnation != null && heard != null && heard.isBefore(incarnation)) {
                continue;
            }
            current.add(track);
            if (track.inFlight(now, unansweredCommandTimeout) && (inFlight == null || heard.isAfter(inFlight.lastHeard()))) {
                inFlight = track;
            }
        }
        // Every id ever seen stays known, whatever the incarnation: an id is never issued twice.
        return new SecretSnapshot(e.secretId, e.descriptor, e.registryPartition, s, lastRotated, failure, inFlight,
                Set.copyOf(e.rotations.keySet()), e.lastAccessAt, e.lastAccessBy, e.reads,
                full ? List.copyOf(e.history) : List.of(), full ? List.copyOf(current) : List.of());
    }

    /** The latest of the given times that is not before {@code floor} (facts of an earlier incarnation do not count). */
    private static Instant latestAfter(Instant floor, Instant a, Instant b) {
        Instant latest = null;
        for (Instant t : new Instant[] {a, b}) {
            if (t != null && (floor == null || !t.isBefore(floor)) && (latest == null || t.isAfter(latest))) {
                latest = t;
            }
        }
        return latest;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    static Change toChange(LifecycleEvent e) {
        Map<String, String> details = new HashMap<>();
        e.getDetails().forEach((k, v) -> details.put(String.valueOf(k), String.valueOf(v)));
        return new Change(e.getId(), e.getSecretId(), e.getType(), e.getFromState(), e.getToState(), e.getOccurredAt(),
                e.getActor(), e.getReason(), e.getRotationId(), e.getIncidentId(), details);
    }
}
