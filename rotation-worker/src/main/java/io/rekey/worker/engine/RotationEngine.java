package io.rekey.worker.engine;

import io.rekey.schema.RotationPhase;
import io.rekey.schema.order.CategoryOrder;
import io.rekey.schema.RotationReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Runs rotations with at most {@code concurrency} at once. Ready rotations wait in a priority queue:
 * EMERGENCY first, then by priority, then infrastructure before service, integration and human credentials,
 * then first come. A rotation that must wait (grace period, retry backoff) is re-queued by a timer at its due
 * time; the due time itself is durable in its last event, so a restart re-arms the timer. While emergency mode
 * is on, SCHEDULED rotations are held back. A revoked partition's rotations stop after their current step.
 *
 * <p>Incident gate: within one incident, a rotation of a later category (service after infrastructure, and so on)
 * does not start while a rotation of an earlier category of the same incident is queued, running or waiting for a
 * retry on this worker; it starts once those are promoted (their grace periods do not hold it) or have ended.
 * Rotations that already started are never held, and rotations of other incidents or of none are not affected.
 */
public final class RotationEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RotationEngine.class);
    private static final Duration PUBLISH_RETRY = Duration.ofSeconds(5);

    private record Entry(Rotation rotation, int partition, long seq) { }

    /** Phases in which a rotation has not yet put its new credential in place (nor ended). */
    private static final Set<RotationPhase> BEFORE_COMPLETION = EnumSet.of(RotationPhase.REQUESTED, RotationPhase.PREPARED,
            RotationPhase.GENERATED, RotationPhase.DEPLOYED, RotationPhase.VERIFIED, RotationPhase.ROLLING_BACK, RotationPhase.ROLLED_BACK,
            RotationPhase.RETRY_SCHEDULED);

    private static final Comparator<Entry> ORDER = Comparator
            .comparing((Entry e) -> e.rotation().reason() != RotationReason.EMERGENCY)
            .thenComparing(e -> -e.rotation().priority())
            .thenComparing(e -> CategoryOrder.rank(e.rotation().category()))
            .thenComparingLong(Entry::seq);

    private final RotationRunner runner;
    private final Clock clock;
    private final BooleanSupplier emergencyMode;
    private final PriorityBlockingQueue<Entry> ready = new PriorityBlockingQueue<>(64, ORDER);
    private final Map<String, Entry> tracked = new ConcurrentHashMap<>();
    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private final List<Entry> held = new ArrayList<>();
    /** Rotations waiting for earlier categories of their incident; guarded by itself. */
    private final List<Entry> gated = new ArrayList<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private volatile boolean closing;

    public RotationEngine(RotationRunner runner, int concurrency, Clock clock, BooleanSupplier emergencyMode) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("rekey.worker.concurrency must be at least 1, was " + concurrency);
        }
        this.runner = Objects.requireNonNull(runner, "runner must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.emergencyMode = Objects.requireNonNull(emergencyMode, "emergencyMode must not be null");
        this.workers = Executors.newFixedThreadPool(concurrency, named("rotation"));
        this.timers = Executors.newSingleThreadScheduledExecutor(named("rotation-timer"));
        for (int i = 0; i < concurrency; i++) {
            workers.submit(this::work);
        }
    }

    /** This worker now owns {@code partitions}: rotations of them may run. */
    public void own(Collection<Integer> partitions) {
        owned.addAll(partitions);
    }

    /** Whether this worker owns {@code partition} now. */
    public boolean owns(int partition) {
        return owned.contains(partition);
    }

    /** Runs (or schedules) a rotation of a partition this worker owns; one already tracked is ignored. */
    public void submit(Rotation rotation, int partition) {
        if (rotation.isTerminal()) {
            return;
        }
        Entry entry = new Entry(rotation, partition, sequence.incrementAndGet());
        if (tracked.putIfAbsent(rotation.rotationId(), entry) == null) {
            schedule(entry);
        }
    }

    /**
     * Gives up {@code partitions}: their queued and waiting rotations are dropped and running ones stop after
     * the step they are in; returns once none of them is running (or after {@code timeout}).
     */
    public void release(Collection<Integer> partitions, Duration timeout) {
        owned.removeAll(partitions);
        tracked.values().removeIf(e -> partitions.contains(e.partition()) && !running.containsKey(e.rotation().rotationId()));
        ready.removeIf(e -> partitions.contains(e.partition()));
        synchronized (held) {
            held.removeIf(e -> partitions.contains(e.partition()));
        }
        synchronized (gated) {
            gated.removeIf(e -> partitions.contains(e.partition()));
        }
        releaseUngated();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tracked.values().stream().anyMatch(e -> partitions.contains(e.partition())) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
        }
    }

    /** Emergency mode ended: let held SCHEDULED rotations go. */
    public void releaseHeld() {
        List<Entry> released;
        synchronized (held) {
            released = new ArrayList<>(held);
            held.clear();
        }
        ready.addAll(released);
    }

    /** Rotations this worker tracks (running, queued or waiting). */
    public List<Rotation> inFlight() {
        return tracked.values().stream().map(Entry::rotation).toList();
    }

    public int runningCount() {
        return running.size();
    }

    private void schedule(Entry entry) {
        Step next = runner.next(entry.rotation());
        if (next instanceof Step.WaitUntil wait) {
            long delay = Math.max(0, Duration.between(clock.instant(), wait.at()).toMillis());
            timers.schedule(() -> requeue(entry), delay, TimeUnit.MILLISECONDS);
        } else if (next instanceof Step.Done) {
            tracked.remove(entry.rotation().rotationId(), entry);
        } else {
            ready.add(entry);
        }
    }

    private void requeue(Entry entry) {
        if (tracked.get(entry.rotation().rotationId()) == entry && owned.contains(entry.partition())) {
            ready.add(entry);
        }
    }

    private void work() {
        while (!closing) {
            Entry entry;
            try {
                entry = ready.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (entry == null || tracked.get(entry.rotation().rotationId()) != entry) {
                continue;
            }
            if (entry.rotation().reason() == RotationReason.SCHEDULED && emergencyMode.getAsBoolean()) {
                synchronized (held) {
                    held.add(entry);
                }
                continue;
            }
            if (holdForEarlierCategories(entry)) {
                continue;
            }
            run(entry);
        }
    }

    private void run(Entry entry) {
        String rotationId = entry.rotation().rotationId();
        running.put(rotationId, Thread.currentThread());
        Rotation state = entry.rotation();
        try {
            state = runner.run(state, () -> !closing && owned.contains(entry.partition()));
        } catch (StepNotRecordedException e) {
            // The step runs again from the last recorded state (steps are idempotent).
            LOG.warn("{}; trying again in {}", e.getMessage(), PUBLISH_RETRY);
            Entry retry = new Entry(e.lastRecorded(), entry.partition(), entry.seq());
            tracked.replace(rotationId, entry, retry);
            timers.schedule(() -> requeue(retry), PUBLISH_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } finally {
            running.remove(rotationId);
        }
        if (!owned.contains(entry.partition()) || closing) {
            tracked.remove(rotationId, entry);
            releaseUngated();
            return;
        }
        Entry next = new Entry(state, entry.partition(), entry.seq());
        if (tracked.replace(rotationId, entry, next)) {
            schedule(next);
        }
        releaseUngated();
    }

    /** Parks {@code entry} if its incident still has an earlier category to complete; true if it was parked. */
    private boolean holdForEarlierCategories(Entry entry) {
        if (entry.rotation().incidentId() == null || started(entry.rotation())) {
            return false;
        }
        synchronized (gated) {
            if (!waitsForEarlierCategory(entry)) {
                return false;
            }
            gated.add(entry);
            return true;
        }
    }

    /** Lets parked rotations go whose incident has no earlier category left; runs after every change of state. */
    private void releaseUngated() {
        List<Entry> released = new ArrayList<>();
        synchronized (gated) {
            gated.removeIf(e -> tracked.get(e.rotation().rotationId()) != e || (!waitsForEarlierCategory(e) && released.add(e)));
        }
        ready.addAll(released);
    }

    private boolean waitsForEarlierCategory(Entry entry) {
        Rotation rotation = entry.rotation();
        int rank = CategoryOrder.rank(rotation.category());
        return tracked.values().stream().map(Entry::rotation).anyMatch(other -> !other.rotationId().equals(rotation.rotationId())
                && rotation.incidentId().equals(other.incidentId())
                && CategoryOrder.rank(other.category()) < rank
                && BEFORE_COMPLETION.contains(other.phase()));
    }

    private static boolean started(Rotation rotation) {
        return rotation.phase() != RotationPhase.REQUESTED || rotation.attempt() > 1;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking work; running rotations stop after their current step. */
    @Override
    public void close() {
        closing = true;
        workers.shutdown();
        timers.shutdownNow();
        try {
            workers.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
