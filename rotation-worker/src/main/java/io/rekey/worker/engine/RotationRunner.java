package io.rekey.worker.engine;

import io.rekey.schema.FailureKind;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Drives one rotation: asks the {@link RotationDecider} for the next step, performs it through
 * {@link PhaseActions} within the phase timeout, folds its own events into the state, and repeats until the
 * rotation waits or ends. Records are committed before and right after promotion and when the run ends.
 *
 * <p>A step's records are committed only after its side effect, so a crash in between repeats the step on
 * restart; every action is idempotent for that reason.
 */
public final class RotationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(RotationRunner.class);
    private static final int HOUSEKEEPING_BACKOFF_STEP = 3;

    /** Where a step's records go; returns once they are committed, throws if they could not be. */
    @FunctionalInterface
    public interface EventSink {
        void publish(List<ProducerRecord<String, SpecificRecord>> records);
    }

    /** What the runner reports for metrics. */
    public interface Listener {
        void phaseCompleted(RotationPhase phase, Duration took);

        void rotationEnded(Rotation rotation);

        Listener NONE = new Listener() {
            @Override
            public void phaseCompleted(RotationPhase phase, Duration took) {
            }

            @Override
            public void rotationEnded(Rotation rotation) {
            }
        };
    }

    private final RotationDecider decider;
    private final PhaseActions actions;
    private final EventSink sink;
    private final RotationEvents events;
    private final Clock clock;
    private final RandomGenerator random;
    private final Duration phaseTimeout;
    private final ExecutorService phaseThreads;
    private final Listener listener;

    public RotationRunner(RotationDecider decider, PhaseActions actions, EventSink sink, RotationEvents events, Clock clock,
                          RandomGenerator random, Duration phaseTimeout, ExecutorService phaseThreads, Listener listener) {
        this.decider = Objects.requireNonNull(decider, "decider must not be null");
        this.actions = Objects.requireNonNull(actions, "actions must not be null");
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.events = Objects.requireNonNull(events, "events must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.random = Objects.requireNonNull(random, "random must not be null");
        this.phaseTimeout = Objects.requireNonNull(phaseTimeout, "phaseTimeout must not be null");
        this.phaseThreads = Objects.requireNonNull(phaseThreads, "phaseThreads must not be null");
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
    }

    /** The next step of {@code rotation} now (for the engine, to know whether and until when it waits). */
    public Step next(Rotation rotation) {
        return decider.next(rotation, clock.instant());
    }

    /**
     * Runs steps until the rotation waits or ends, or until {@code keepGoing} turns false between steps (the
     * partition was revoked or the worker is stopping). Returns the latest state.
     *
     * @throws StepNotRecordedException if a step's records could not be committed
     */
    public Rotation run(Rotation rotation, BooleanSupplier keepGoing) {
        Rotation current = rotation;
        Rotation committed = rotation;
        List<ProducerRecord<String, SpecificRecord>> unpublished = new ArrayList<>();
        while (keepGoing.getAsBoolean()) {
            Step step = decider.next(current, clock.instant());
            if (step instanceof Step.Done || step instanceof Step.WaitUntil) {
                break;
            }
            if (step instanceof Step.Promote) {
                // What PREPARE saw as CURRENT must be durable before CURRENT moves: a resumed rotation takes it as PREVIOUS.
                committed = publish(unpublished, committed, current);
            }
            List<ProducerRecord<String, SpecificRecord>> records = perform(step, current);
            current = fold(current, records);
            unpublished.addAll(records);
            if (step instanceof Step.Promote) {
                // Consumers learn of the new CURRENT at once, and PREVIOUS is durable before anything revokes it.
                committed = publish(unpublished, committed, current);
            }
            if (current.isTerminal()) {
                listener.rotationEnded(current);
            }
        }
        publish(unpublished, committed, current);
        return current;
    }

    /**
     * Commits the records of the steps run since the last commit. Between commits a crash only makes a resumed
     * rotation repeat those steps, which are idempotent; fewer commits per rotation is what lets many run at once.
     */
    private Rotation publish(List<ProducerRecord<String, SpecificRecord>> unpublished, Rotation committed, Rotation current) {
        if (unpublished.isEmpty()) {
            return current;
        }
        try {
            sink.publish(List.copyOf(unpublished));
        } catch (RuntimeException e) {
            throw new StepNotRecordedException(committed, e);
        }
        unpublished.clear();
        return current;
    }

    private Rotation fold(Rotation current, List<ProducerRecord<String, SpecificRecord>> records) {
        Rotation state = current;
        for (ProducerRecord<String, SpecificRecord> record : records) {
            if (record.value() instanceof RotationEvent event) {
                state = state.evolve(event);
                LOG.info("rotation {} of {} -> {} (attempt {}){}", state.rotationId(), state.secretId(), event.getPhase(),
                        event.getAttempt(), event.getError() == null ? "" : ": " + event.getError());
                listener.phaseCompleted(event.getPhase(), Duration.ofMillis(event.getDurationMs()));
            }
        }
        return state;
    }

    private List<ProducerRecord<String, SpecificRecord>> perform(Step step, Rotation r) {
        Instant started = clock.instant();
        List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
        try {
            if (step instanceof Step.Prepare) {
                PhaseActions.Prepared prepared = timed(RotationPhase.PREPARED, () -> actions.prepare(r));
                out.add(record(events.event(r, RotationPhase.PREPARED, clock.instant(), since(started))
                        .setPreviousVersionId(prepared.currentVersionId())
                        .setSecretType(prepared.secretType())
                        .setCategory(prepared.category())));
            } else if (step instanceof Step.Generate) {
                String fingerprint = timed(RotationPhase.GENERATED, () -> actions.generate(r));
                out.add(record(events.event(r, RotationPhase.GENERATED, clock.instant(), since(started))
                        .setNewVersionId(r.rotationId())
                        .setFingerprint(fingerprint)));
            } else if (step instanceof Step.ValidateDryRun) {
                return dryRun(r, started);
            } else if (step instanceof Step.Deploy) {
                timed(RotationPhase.DEPLOYED, () -> run(() -> actions.deploy(r)));
                out.add(record(events.event(r, RotationPhase.DEPLOYED, clock.instant(), since(started)).setNewVersionId(r.rotationId())));
            } else if (step instanceof Step.Verify) {
                timed(RotationPhase.VERIFIED, () -> run(() -> actions.verify(r)));
                out.add(record(events.event(r, RotationPhase.VERIFIED, clock.instant(), since(started)).setNewVersionId(r.rotationId())));
            } else if (step instanceof Step.Promote) {
                return promote(r, started);
            } else if (step instanceof Step.Cleanup) {
                return cleanup(r, started);
            } else if (step instanceof Step.RollBack) {
                return rollback(r, started);
            } else if (step instanceof Step.StartNextAttempt) {
                out.add(record(events.event(r, RotationPhase.REQUESTED, clock.instant(), Duration.ZERO)
                        .setAttempt(r.attempt() + 1).setError(null).setFailureKind(null)));
            } else if (step instanceof Step.TimeOut timeOut) {
                out.add(rollingBack(r, started, FailureKind.RETRYABLE, timeOut.reason(), null));
            } else {
                throw new IllegalStateException("unexpected step " + step);
            }
        } catch (RefusedException e) {
            out.add(record(events.event(r, RotationPhase.REFUSED, clock.instant(), since(started)).setError(e.getMessage())));
        } catch (RuntimeException e) {
            out.add(rollingBack(r, started, decider.kindOf(e), reason(e), null));
        }
        return out;
    }

    private List<ProducerRecord<String, SpecificRecord>> dryRun(Rotation r, Instant started) {
        try {
            timed(RotationPhase.SUCCEEDED, () -> run(() -> actions.validateDryRun(r)));
            return List.of(record(events.event(r, RotationPhase.SUCCEEDED, clock.instant(), since(started))));
        } catch (RuntimeException e) {
            // A dry run changed nothing: nothing to roll back, nothing to retry.
            return List.of(record(events.event(r, RotationPhase.FAILED, clock.instant(), since(started)).setError(reason(e))));
        }
    }

    private List<ProducerRecord<String, SpecificRecord>> promote(Rotation r, Instant started) {
        PhaseActions.Promoted promoted = timed(RotationPhase.PROMOTED, () -> actions.promote(r));
        Instant now = clock.instant();
        Duration grace = r.gracePeriod() != null ? r.gracePeriod() : promoted.gracePeriod();
        Instant cleanupDue = now.plus(grace);
        RotationEvent promotedEvent = events.event(r, RotationPhase.PROMOTED, now, since(started))
                .setNewVersionId(r.rotationId()).setFingerprint(r.fingerprint()).build();
        Rotation after = r.evolve(promotedEvent);
        return List.of(
                RotationEvents.record(promotedEvent),
                record(events.event(after, RotationPhase.CLEANUP_SCHEDULED, now, Duration.ZERO)
                        .setGracePeriodMs(grace.toMillis()).setCleanupDueAt(cleanupDue)),
                events.secretChanged(after, now, cleanupDue),
                events.lifecycle(after, LifecycleEventType.ROTATED, now, "rotation " + r.reason().name().toLowerCase()));
    }

    private List<ProducerRecord<String, SpecificRecord>> cleanup(Rotation r, Instant started) {
        try {
            timed(RotationPhase.CLEANED_UP, () -> run(() -> actions.cleanup(r)));
        } catch (RuntimeException e) {
            // After promotion there is no going back: the previous credential is revoked later instead.
            Instant again = decider.retryAfterFailedHousekeeping(HOUSEKEEPING_BACKOFF_STEP, clock.instant(), random);
            return List.of(record(events.event(r, RotationPhase.CLEANUP_SCHEDULED, clock.instant(), since(started))
                    .setCleanupDueAt(again).setError("cleanup failed, retrying at " + again + ": " + reason(e))));
        }
        Instant now = clock.instant();
        return List.of(
                record(events.event(r, RotationPhase.CLEANED_UP, now, since(started))),
                record(events.event(r, RotationPhase.SUCCEEDED, now, Duration.between(r.attemptStartedAt(), now))));
    }

    private List<ProducerRecord<String, SpecificRecord>> rollback(Rotation r, Instant started) {
        try {
            timed(RotationPhase.ROLLED_BACK, () -> run(() -> actions.rollback(r)));
        } catch (RuntimeException e) {
            Instant again = decider.retryAfterFailedHousekeeping(HOUSEKEEPING_BACKOFF_STEP, clock.instant(), random);
            String original = r.error() == null ? "rotation failed" : r.error().split(" \\| rollback failed: ")[0];
            return List.of(rollingBack(r, started, r.failureKind() == null ? FailureKind.RETRYABLE : r.failureKind(),
                    original + " | rollback failed: " + reason(e), again));
        }
        Instant now = clock.instant();
        RotationEvent rolledBack = events.event(r, RotationPhase.ROLLED_BACK, now, since(started))
                .setError(r.error()).setFailureKind(r.failureKind()).build();
        Rotation after = r.evolve(rolledBack);
        List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>(List.of(RotationEvents.record(rolledBack)));
        RotationDecider.AfterRollback next = decider.afterRollback(after, now, random);
        if (next instanceof RotationDecider.AfterRollback.Retry retry) {
            out.add(record(events.event(after, RotationPhase.RETRY_SCHEDULED, now, Duration.ZERO)
                    .setRetryAt(retry.at()).setError(after.error()).setFailureKind(after.failureKind())));
        } else if (next instanceof RotationDecider.AfterRollback.Fail fail) {
            out.add(record(events.event(after, RotationPhase.FAILED, now, Duration.ZERO)
                    .setError(fail.reason()).setFailureKind(after.failureKind())));
            if (!after.dryRun()) {
                out.add(events.lifecycle(after, LifecycleEventType.ROTATION_FAILED, now, fail.reason()));
            }
        } else if (next instanceof RotationDecider.AfterRollback.Abandon abandon) {
            out.add(record(events.event(after, RotationPhase.ABANDONED, now, Duration.ZERO)
                    .setError(abandon.reason()).setFailureKind(after.failureKind())));
        }
        return out;
    }

    private ProducerRecord<String, SpecificRecord> rollingBack(Rotation r, Instant started, FailureKind kind, String reason, Instant retryAt) {
        return record(events.event(r, RotationPhase.ROLLING_BACK, clock.instant(), since(started))
                .setError(reason).setFailureKind(kind).setRetryAt(retryAt));
    }

    /** Runs an action on a phase thread, giving up after the phase timeout. */
    private <T> T timed(RotationPhase phase, Supplier<T> action) {
        Future<T> future = phaseThreads.submit(action::get);
        try {
            return future.get(phaseTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw RotationFailure.retryable("phase " + phase + " timed out after " + phaseTimeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RotationFailure(FailureKind.RETRYABLE, "phase " + phase + " failed: " + e.getCause().getClass().getSimpleName());
        } catch (InterruptedException | CancellationException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw RotationFailure.retryable("phase " + phase + " interrupted: the worker is stopping");
        }
    }

    private static Void run(Runnable action) {
        action.run();
        return null;
    }

    /** The message of a failure the engine raised itself; for anything else only its type, which cannot carry a value. */
    private static String reason(RuntimeException e) {
        if (e instanceof RotationFailure || e instanceof RefusedException) {
            return e.getMessage();
        }
        return "unexpected " + e.getClass().getSimpleName();
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    private static ProducerRecord<String, SpecificRecord> record(RotationEvent.Builder builder) {
        return RotationEvents.record(builder.build());
    }
}
