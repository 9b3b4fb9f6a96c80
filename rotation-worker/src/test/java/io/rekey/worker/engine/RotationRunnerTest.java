package io.rekey.worker.engine;

import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.SecretDescriptor;
import io.rekey.testkit.MutableClock;
import io.rekey.testkit.Samples;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.Fingerprinter;
import io.rekey.store.SecretValue;
import io.rekey.store.InMemorySecretStore;
import io.rekey.store.Label;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.rekey.worker.engine.RotationFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

class RotationRunnerTest {

    private static final String SECRET = "db/orders";
    private static final String PATH = "rekey/db/orders";
    private static final String OLD = "old-password-Qx7-kept-current";

    private final MutableClock clock = new MutableClock(T0);
    private final InMemorySecretStore store = new InMemorySecretStore();
    private final FakeTarget target = new FakeTarget(OLD);
    private final List<ProducerRecord<String, SpecificRecord>> published = new ArrayList<>();
    private final ExecutorService phaseThreads = Executors.newCachedThreadPool();
    private final AtomicInteger generated = new AtomicInteger();
    private SecretDescriptor descriptor = descriptor(0L);

    @AfterEach
    void stopThreads() {
        phaseThreads.shutdownNow();
    }

    @Test
    void aRotationWalksEveryPhaseAndLeavesStoreAndTargetOnTheNewCredential() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);

        Rotation end = runner().run(requested("r-1"), () -> true);

        assertThat(phases()).containsExactly(RotationPhase.PREPARED, RotationPhase.GENERATED, RotationPhase.DEPLOYED,
                RotationPhase.VERIFIED, RotationPhase.PROMOTED, RotationPhase.CLEANUP_SCHEDULED, RotationPhase.CLEANED_UP,
                RotationPhase.SUCCEEDED);
        assertThat(end.phase()).isEqualTo(RotationPhase.SUCCEEDED);
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r-1", Label.PREVIOUS, "v1"));
        String newValue = store.read(PATH, "r-1").orElseThrow().reveal();
        assertThat(target.active).isEqualTo(newValue).isNotEqualTo(OLD);
        assertThat(target.calls).containsExactly("deploy", "verify", "cleanup:" + OLD);

        SecretChanged changed = only(SecretChanged.class);
        assertThat(changed.getCurrentVersionId()).isEqualTo("r-1");
        assertThat(changed.getPreviousVersionId()).isEqualTo("v1");
        assertThat(changed.getFingerprint()).hasSize(64).isEqualTo(events().get(1).getFingerprint());
        assertThat(only(LifecycleEvent.class).getType()).isEqualTo(LifecycleEventType.ROTATED);
        assertThat(events()).allSatisfy(e -> assertThat(e.getPreviousVersionId()).isIn(null, "v1"));
    }

    @Test
    void eventsAreCommittedBeforePromotionRightAfterItAndAtTheEnd() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        List<List<String>> batches = new ArrayList<>();
        Runner runner = runner(Duration.ofSeconds(10), records -> {
            assertThat(store.describe(PATH).orElseThrow().versionWith(Label.CURRENT)).as("committed before CURRENT moved")
                    .contains(batches.isEmpty() ? "v1" : "r-1");
            batches.add(records.stream().map(r -> r.value() instanceof RotationEvent e ? e.getPhase().name() : r.value().getClass().getSimpleName()).toList());
            published.addAll(records);
        });

        runner.run(requested("r-1"), () -> true);

        assertThat(batches).containsExactly(
                List.of("PREPARED", "GENERATED", "DEPLOYED", "VERIFIED"),
                List.of("PROMOTED", "CLEANUP_SCHEDULED", "SecretChanged", "LifecycleEvent"),
                List.of("CLEANED_UP", "SUCCEEDED"));
    }

    @Test
    void aRotationResumedAfterACrashThatFollowedItsPromotionKeepsTheRightPrevious() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        store.putPending(PATH, "r-1", SecretValue.of("promoted-before-the-crash-Kk4"), "v1");
        store.promote(PATH, "r-1", "v1");
        target.active = "promoted-before-the-crash-Kk4";

        Rotation end = runner().run(requested("r-1"), () -> true);

        assertThat(end.phase()).isEqualTo(RotationPhase.SUCCEEDED);
        assertThat(end.previousVersionId()).isEqualTo("v1");
        assertThat(only(SecretChanged.class).getPreviousVersionId()).isEqualTo("v1");
        assertThat(target.calls).contains("cleanup:" + OLD);
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r-1", Label.PREVIOUS, "v1"));
    }

    @Test
    void noCredentialAppearsInAnyPublishedRecord() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.verifyFailures.add(TargetException.retryable("login failed"));

        runner().run(requested("r-1"), () -> true);
        clock.advance(Duration.ofMinutes(5));
        runner().run(stateFromEvents("r-1"), () -> true);

        String everything = published.stream().map(r -> r.value().toString()).collect(Collectors.joining("\n"));
        assertThat(target.valuesSeen).isNotEmpty().allSatisfy(value -> assertThat(everything).doesNotContain(value));
        assertThat(store.allValues()).allSatisfy(value -> assertThat(everything).doesNotContain(value));
    }

    @Test
    void aFailedVerificationRollsBackRestoresTheTargetAndRetriesLater() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.verifyFailures.add(TargetException.retryable("login failed"));

        Rotation waiting = runner().run(requested("r-1"), () -> true);

        assertThat(phases()).containsExactly(RotationPhase.PREPARED, RotationPhase.GENERATED, RotationPhase.DEPLOYED,
                RotationPhase.ROLLING_BACK, RotationPhase.ROLLED_BACK, RotationPhase.RETRY_SCHEDULED);
        assertThat(waiting.retryAt()).isBetween(T0.plusSeconds(15), T0.plusSeconds(30));
        assertThat(target.active).isEqualTo(OLD);
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
        assertThat(runner().next(waiting)).isInstanceOf(Step.WaitUntil.class);

        clock.advance(Duration.ofSeconds(30));
        published.clear();
        Rotation end = runner().run(waiting, () -> true);

        assertThat(phases()).startsWith(RotationPhase.REQUESTED, RotationPhase.PREPARED).endsWith(RotationPhase.SUCCEEDED);
        assertThat(end.attempt()).isEqualTo(2);
        assertThat(target.active).isEqualTo(store.read(PATH, Label.CURRENT).orElseThrow().reveal());
    }

    @Test
    void aPermanentTargetFailureFailsWithoutRetryAndTellsTheLifecycleService() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.deployFailures.add(TargetException.permanent("deploy: role orders_app does not exist (SQLState 42704)"));

        Rotation end = runner().run(requested("r-1"), () -> true);

        assertThat(phases()).containsExactly(RotationPhase.PREPARED, RotationPhase.GENERATED, RotationPhase.ROLLING_BACK,
                RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
        assertThat(end.error()).isEqualTo("deploy: role orders_app does not exist (SQLState 42704)");
        LifecycleEvent failed = only(LifecycleEvent.class);
        assertThat(failed.getType()).isEqualTo(LifecycleEventType.ROTATION_FAILED);
        assertThat(failed.getToState()).isNull();
        assertThat(store.describe(PATH).orElseThrow().versionWith(Label.PENDING)).isEmpty();
    }

    @Test
    void afterTheLastAttemptTheRotationFailsForGood() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        for (int i = 0; i < 3; i++) {
            target.verifyFailures.add(TargetException.retryable("login failed"));
        }

        Rotation r = runner().run(requested("r-1"), () -> true);
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofMinutes(2));
            r = runner().run(r, () -> true);
        }

        assertThat(r.phase()).isEqualTo(RotationPhase.FAILED);
        assertThat(r.attempt()).isEqualTo(3);
        assertThat(r.error()).startsWith("gave up after 3 attempt(s)");
        assertThat(target.active).isEqualTo(OLD);
    }

    @Test
    void aManualWriteDuringTheRotationAbandonsItAndTheTargetFollowsTheManualValue() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        Runner runner = runner();
        Rotation r = runner.runUntil(requested("r-1"), RotationPhase.DEPLOYED);
        store.putCurrent(PATH, "manual", SecretValue.of("typed-in-by-an-operator"), "v1");

        Rotation end = runner().run(r, () -> true);

        assertThat(end.phase()).isEqualTo(RotationPhase.ABANDONED);
        assertThat(end.error()).contains("someone else wrote db/orders");
        assertThat(target.active).isEqualTo("typed-in-by-an-operator");
        assertThat(store.describe(PATH).orElseThrow().labels()).containsEntry(Label.CURRENT, "manual").doesNotContainKey(Label.PENDING);
    }

    @Test
    void aRestartedWorkerRollsForwardWithTheStoredPendingValueNeverANewOne() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        runner().runUntil(requested("r-1"), RotationPhase.DEPLOYED);
        String deployed = target.active;

        // The worker dies; a new one folds the events it finds on rekey.rotation.events and carries on.
        Rotation rebuilt = stateFromEvents("r-1");
        assertThat(rebuilt.phase()).isEqualTo(RotationPhase.DEPLOYED);
        Rotation end = runner().run(rebuilt, () -> true);

        assertThat(end.phase()).isEqualTo(RotationPhase.SUCCEEDED);
        assertThat(generated).hasValue(1);
        assertThat(store.read(PATH, Label.CURRENT).orElseThrow().reveal()).isEqualTo(deployed).isEqualTo(target.active);
    }

    @Test
    void aSecretItsAdapterCannotRotateIsRefusedBeforeAnythingChanges() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.invalid = TargetException.permanent("target kind POSTGRESQL of db/orders supports strategy [SINGLE_USER], not DUAL_KEY");

        Rotation end = runner().run(requested("r-1"), () -> true);

        assertThat(phases()).containsExactly(RotationPhase.REFUSED);
        assertThat(end.error()).isEqualTo("target kind POSTGRESQL of db/orders supports strategy [SINGLE_USER], not DUAL_KEY");
        assertThat(target.calls).isEmpty();
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
    }

    @Test
    void theTargetBuildsTheNewValueFromTheCurrentOneAndSeesPreviousAndCurrentWhereItRestoresOrRevokes() {
        store.putCurrent(PATH, "v0", SecretValue.of("first"), null);
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), "v0");
        target.shape = (current, fresh) -> "after[" + current + "]";
        target.verifyFailures.add(TargetException.retryable("login failed"));

        Rotation waiting = runner().run(requested("r-1"), () -> true);
        clock.advance(Duration.ofMinutes(1));
        runner().run(waiting, () -> true);

        assertThat(store.read(PATH, Label.CURRENT).orElseThrow().reveal()).isEqualTo("after[" + OLD + "]");
        assertThat(target.contexts).containsExactly("rollback:" + OLD + ":first", "cleanup:after[" + OLD + "]:" + OLD);
    }

    @Test
    void aCrashAfterTheWriteAheadButBeforeItsEventReusesTheStoredValue() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        Rotation prepared = runner().runUntil(requested("r-1"), RotationPhase.PREPARED);
        store.putPending(PATH, "r-1", SecretValue.of("written-before-the-crash-Zz9"), "v1");

        runner().run(prepared, () -> true);

        assertThat(generated).hasValue(0);
        assertThat(store.read(PATH, Label.CURRENT).orElseThrow().reveal()).isEqualTo("written-before-the-crash-Zz9");
    }

    @Test
    void aDryRunChangesNothing() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        Rotation dry = Rotation.requested(RotationCommand.newBuilder(RotationFixtures.command("r-1", RotationReason.MANUAL))
                .setDryRun(true).build(), T0);

        Rotation end = runner().run(dry, () -> true);

        assertThat(phases()).containsExactly(RotationPhase.PREPARED, RotationPhase.SUCCEEDED);
        assertThat(end.dryRun()).isTrue();
        assertThat(target.calls).isEmpty();
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
        assertThat(published).noneMatch(r -> r.value() instanceof SecretChanged || r.value() instanceof LifecycleEvent);
    }

    @Test
    void theOldCredentialIsRevokedOnlyAfterTheGracePeriod() {
        descriptor = descriptor(3600L);
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);

        Rotation waiting = runner().run(requested("r-1"), () -> true);

        assertThat(waiting.phase()).isEqualTo(RotationPhase.CLEANUP_SCHEDULED);
        assertThat(waiting.cleanupDueAt()).isEqualTo(T0.plusSeconds(3600));
        assertThat(only(SecretChanged.class).getPreviousValidUntil()).isEqualTo(T0.plusSeconds(3600));
        assertThat(target.calls).doesNotContain("cleanup:" + OLD);

        clock.advance(Duration.ofHours(1));
        Rotation end = runner().run(waiting, () -> true);

        assertThat(end.phase()).isEqualTo(RotationPhase.SUCCEEDED);
        assertThat(target.calls).contains("cleanup:" + OLD);
    }

    @Test
    void aFailedCleanupIsTriedAgainAndNeverRolledBack() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.cleanupFailures.add(TargetException.retryable("revoke failed"));

        Rotation waiting = runner().run(requested("r-1"), () -> true);

        assertThat(waiting.phase()).isEqualTo(RotationPhase.CLEANUP_SCHEDULED);
        assertThat(waiting.error()).contains("cleanup failed");
        assertThat(store.describe(PATH).orElseThrow().versionWith(Label.CURRENT)).contains("r-1");

        clock.advance(Duration.ofMinutes(3));
        assertThat(runner().run(waiting, () -> true).phase()).isEqualTo(RotationPhase.SUCCEEDED);
    }

    @Test
    void aPhaseThatHangsTimesOutAndIsRolledBack() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.blockDeploy = new CountDownLatch(1);

        Rotation r = runner(Duration.ofMillis(200)).run(requested("r-1"), () -> true);

        assertThat(r.phase()).isEqualTo(RotationPhase.RETRY_SCHEDULED);
        assertThat(events()).filteredOn(e -> e.getPhase() == RotationPhase.ROLLING_BACK)
                .singleElement().satisfies(e -> assertThat(e.getError()).isEqualTo("phase DEPLOYED timed out after PT0.2S"));
    }

    @Test
    void aFailedRollbackIsTriedAgainUntilTheTargetIsRestored() {
        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        target.verifyFailures.add(TargetException.retryable("login failed"));
        target.rollbackFailures.add(TargetException.retryable("admin connection refused"));

        Rotation stuck = runner().run(requested("r-1"), () -> true);

        assertThat(stuck.phase()).isEqualTo(RotationPhase.ROLLING_BACK);
        assertThat(stuck.error()).isEqualTo("login failed | rollback failed: admin connection refused");
        assertThat(stuck.retryAt()).isAfter(T0);

        clock.advance(Duration.ofMinutes(3));
        Rotation after = runner().run(stuck, () -> true);

        assertThat(after.phase()).isEqualTo(RotationPhase.RETRY_SCHEDULED);
        assertThat(target.active).isEqualTo(OLD);
    }

    @Test
    void anUnregisteredSecretOrAForeignPendingVersionIsRefusedWithNothingChanged() {
        Rotation unknown = Rotation.requested(RotationCommand.newBuilder(RotationFixtures.command("r-1", RotationReason.MANUAL))
                .setSecretId("db/unknown").build(), T0);
        assertThat(runner().run(unknown, () -> true).error()).isEqualTo("db/unknown is not registered");

        store.putCurrent(PATH, "v1", SecretValue.of(OLD), null);
        store.putPending(PATH, "someone-elses", SecretValue.of("pending-elsewhere-Ww1"), "v1");
        Rotation refused = runner().run(requested("r-2"), () -> true);

        assertThat(refused.phase()).isEqualTo(RotationPhase.REFUSED);
        assertThat(refused.error()).contains("PENDING is on version someone-elses");
        assertThat(target.calls).isEmpty();
    }

    @Test
    void theFirstRotationOfACredentialNeverStoredAdoptsIt() {
        Rotation end = runner().run(requested("r-1"), () -> true);

        assertThat(end.phase()).isEqualTo(RotationPhase.SUCCEEDED);
        assertThat(store.describe(PATH).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r-1"));
        assertThat(only(SecretChanged.class).getPreviousVersionId()).isNull();
        assertThat(target.calls).containsExactly("deploy", "verify");
    }

    private Rotation requested(String rotationId) {
        return Rotation.requested(RotationFixtures.command(rotationId, RotationReason.MANUAL), clock.instant());
    }

    private Rotation stateFromEvents(String rotationId) {
        SecretHistory history = SecretHistory.empty().apply(RotationEvent.newBuilder(RotationFixtures.event(rotationId, RotationPhase.REQUESTED, T0))
                .setReason(RotationReason.MANUAL).setRequestedBy("alice").build());
        for (RotationEvent e : events()) {
            history = history.apply(e);
        }
        return history.latest().orElseThrow();
    }

    private List<RotationEvent> events() {
        return published.stream().map(ProducerRecord::value).filter(RotationEvent.class::isInstance).map(RotationEvent.class::cast).toList();
    }

    private List<RotationPhase> phases() {
        return events().stream().map(RotationEvent::getPhase).toList();
    }

    private <T> T only(Class<T> type) {
        return published.stream().map(ProducerRecord::value).filter(type::isInstance).map(type::cast).reduce((a, b) -> {
            throw new AssertionError("more than one " + type.getSimpleName());
        }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }

    private Runner runner() {
        return runner(Duration.ofSeconds(10));
    }

    private Runner runner(Duration phaseTimeout) {
        return runner(phaseTimeout, published::addAll);
    }

    private Runner runner(Duration phaseTimeout, RotationRunner.EventSink sink) {
        StoreTargetActions actions = new StoreTargetActions(id -> id.equals(SECRET) ? Optional.of(descriptor) : Optional.empty(),
                store, new TargetRegistry(List.of(target)), new CountingGenerator(generated), new Fingerprinter(new byte[32]));
        RotationDecider decider = new RotationDecider(new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(15)),
                Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofDays(30));
        return new Runner(new RotationRunner(decider, actions, sink, new RotationEvents("worker-test"), clock,
                new Random(1), phaseTimeout, phaseThreads, RotationRunner.Listener.NONE));
    }

    private static SecretDescriptor descriptor(Long graceSeconds) {
        SecretDescriptor d = Samples.descriptor(SECRET);
        d.setStorePath(PATH);
        d.setStrategy(RotationStrategy.SINGLE_USER);
        d.getRotationPolicy().setGracePeriodSeconds(graceSeconds);
        return d;
    }

    /** The runner plus a helper to stop right after a given phase, as a crash would. */
    private record Runner(RotationRunner runner) {
        Rotation run(Rotation r, java.util.function.BooleanSupplier keepGoing) {
            return runner.run(r, keepGoing);
        }

        Step next(Rotation r) {
            return runner.next(r);
        }

        Rotation runUntil(Rotation r, RotationPhase phase) {
            Rotation current = r;
            while (current.phase() != phase) {
                Rotation before = current;
                current = runner.run(current, oneStep(before));
            }
            return current;
        }

        private static java.util.function.BooleanSupplier oneStep(Rotation before) {
            AtomicInteger calls = new AtomicInteger();
            return () -> calls.getAndIncrement() == 0;
        }
    }

    private static final class CountingGenerator extends CredentialGenerator {
        private final AtomicInteger count;

        CountingGenerator(AtomicInteger count) {
            super(new SecureRandom());
            this.count = count;
        }

        @Override
        public SecretValue generate(io.rekey.worker.secret.CredentialPolicy policy) {
            count.incrementAndGet();
            return super.generate(policy);
        }
    }

    /** A clock the test moves. */
}
