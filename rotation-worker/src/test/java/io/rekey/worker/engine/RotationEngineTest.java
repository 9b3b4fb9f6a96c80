package io.rekey.worker.engine;

import io.rekey.schema.Category;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.Samples;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.worker.secret.Fingerprinter;
import io.rekey.store.InMemorySecretStore;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RotationEngineTest {

    private final Map<String, Category> categories = new ConcurrentHashMap<>();
    private final GatedTarget target = new GatedTarget();
    private final AtomicBoolean emergency = new AtomicBoolean();
    private final ExecutorService phaseThreads = Executors.newCachedThreadPool();
    private RotationEngine engine;

    @AfterEach
    void stop() {
        target.gate.countDown();
        target.release.countDown();
        if (engine != null) {
            engine.close();
        }
        phaseThreads.shutdownNow();
    }

    @Test
    void noMoreThanTheConfiguredNumberOfRotationsRunAtOnce() {
        engine = engine(2);
        for (int i = 0; i < 5; i++) {
            engine.submit(rotation("s" + i, RotationReason.MANUAL, 0), 0);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> target.entered.get() == 2);
        assertThat(target.maxConcurrent.get()).isEqualTo(2);

        target.gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> target.deployed.size() == 5);
        assertThat(target.maxConcurrent.get()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.inFlight().isEmpty());
    }

    @Test
    void emergencyRotationsJumpTheQueueThenInfrastructureBeforeServiceCredentials() {
        engine = engine(1);
        engine.submit(rotation("blocker", RotationReason.MANUAL, 0), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.entered.get() == 1);
        categories.put("svc", Category.SERVICE);
        categories.put("infra", Category.INFRASTRUCTURE);
        engine.submit(rotation("scheduled", RotationReason.SCHEDULED, 0), 0);
        engine.submit(rotation("svc", RotationReason.MANUAL, 0), 0);
        engine.submit(rotation("infra", RotationReason.MANUAL, 0), 0);
        engine.submit(rotation("emergency", RotationReason.EMERGENCY, 0), 0);

        target.gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> target.deployed.size() == 5);
        assertThat(target.deployed).containsExactly("blocker", "emergency", "infra", "svc", "scheduled");
    }

    @Test
    void withinAnIncidentALaterCategoryStartsOnlyOnceTheEarlierOneIsPromoted() {
        engine = engine(3);
        categories.put("db-root", Category.INFRASTRUCTURE);
        categories.put("orders-api", Category.SERVICE);
        categories.put("ci-token", Category.INTEGRATION);
        categories.put("billing-api", Category.SERVICE);
        categories.put("reports-api", Category.SERVICE);
        target.holdOnly = java.util.Set.of("db-root");
        engine.submit(inIncident(rotation("db-root", RotationReason.EMERGENCY, 0), "INC-7"), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.timeline.contains("start:db-root"));

        engine.submit(inIncident(rotation("ci-token", RotationReason.EMERGENCY, 0), "INC-7"), 0);
        engine.submit(inIncident(rotation("orders-api", RotationReason.EMERGENCY, 0), "INC-7"), 0);
        engine.submit(inIncident(rotation("billing-api", RotationReason.EMERGENCY, 0), "INC-8"), 0);
        engine.submit(rotation("reports-api", RotationReason.EMERGENCY, 0), 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.timeline.containsAll(List.of("done:billing-api", "done:reports-api")));
        assertThat(target.timeline).as("other incidents and no incident go ahead").doesNotContain("start:orders-api", "start:ci-token");

        target.gate.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> target.timeline.contains("done:ci-token"));
        List<String> timeline = List.copyOf(target.timeline);
        assertThat(timeline.indexOf("start:orders-api")).as("service after infrastructure").isGreaterThan(timeline.indexOf("done:db-root"));
        assertThat(timeline.indexOf("start:ci-token")).as("integration after service").isGreaterThan(timeline.indexOf("done:orders-api"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.inFlight().isEmpty());
    }

    @Test
    void theIncidentGateDoesNotHoldARotationThatAlreadyStarted() {
        target.gate.countDown();
        engine = engine(2);
        categories.put("db-root", Category.INFRASTRUCTURE);
        categories.put("orders-api", Category.SERVICE);
        target.holdOnly = java.util.Set.of();
        Rotation retrying = inIncident(rotation("orders-api", RotationReason.EMERGENCY, 0), "INC-9");
        Rotation secondAttempt = new Rotation(retrying.rotationId(), retrying.secretId(), RotationPhase.REQUESTED, 2, retrying.reason(), 0,
                "alice", "INC-9", false, false, null, null, Category.SERVICE, null, null, java.time.Instant.now(), null, null, null, null);
        Rotation infra = inIncident(rotation("db-root", RotationReason.EMERGENCY, 0), "INC-9");
        target.blockDeployOf = "db-root";

        engine.submit(infra, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> target.timeline.contains("start:db-root"));
        engine.submit(secondAttempt, 0);

        await().atMost(Duration.ofSeconds(10)).until(() -> target.timeline.contains("done:orders-api"));
        target.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.inFlight().isEmpty());
    }

    @Test
    void scheduledRotationsWaitWhileEmergencyModeIsOn() {
        target.gate.countDown();
        emergency.set(true);
        engine = engine(2);
        engine.submit(rotation("scheduled", RotationReason.SCHEDULED, 0), 0);
        engine.submit(rotation("manual", RotationReason.MANUAL, 0), 0);

        await().atMost(Duration.ofSeconds(10)).until(() -> target.deployed.contains("manual"));
        assertThat(target.deployed).doesNotContain("scheduled");

        emergency.set(false);
        engine.releaseHeld();
        await().atMost(Duration.ofSeconds(10)).until(() -> target.deployed.contains("scheduled"));
    }

    @Test
    void releasingAPartitionDropsItsWaitingRotations() {
        target.gate.countDown();
        engine = engine(1);
        Rotation waiting = rotation("graceful", RotationReason.MANUAL, 0).withPhase(RotationPhase.PROMOTED);
        Rotation due = new Rotation(waiting.rotationId(), waiting.secretId(), RotationPhase.CLEANUP_SCHEDULED, 1, waiting.reason(), 0,
                "alice", null, false, false, null, null, null, "v1", null, RotationFixtures.T0, RotationFixtures.T0.plusSeconds(3600),
                null, null, null);

        engine.submit(due, 3);
        assertThat(engine.inFlight()).hasSize(1);

        engine.release(List.of(3), Duration.ofSeconds(5));
        assertThat(engine.inFlight()).isEmpty();
    }

    private RotationEngine engine(int concurrency) {
        InMemorySecretStore store = new InMemorySecretStore();
        StoreTargetActions actions = new StoreTargetActions(this::descriptor, store, new TargetRegistry(List.of(target)),
                new CredentialGenerator(new SecureRandom()), new Fingerprinter(new byte[32]));
        RotationDecider decider = new RotationDecider(new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(15)),
                Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofDays(30));
        RotationRunner runner = new RotationRunner(decider, actions, records -> { }, new RotationEvents("engine-test"),
                Clock.systemUTC(), new Random(3), Duration.ofSeconds(30), phaseThreads, RotationRunner.Listener.NONE);
        RotationEngine created = new RotationEngine(runner, concurrency, Clock.systemUTC(), emergency::get);
        created.own(List.of(0, 3));
        return created;
    }

    private Optional<SecretDescriptor> descriptor(String secretId) {
        SecretDescriptor d = Samples.descriptor(secretId);
        d.setStorePath("rekey/" + secretId);
        d.getTarget().setKind(TargetKind.NONE);
        d.setCategory(categories.getOrDefault(secretId, Category.SERVICE));
        d.getRotationPolicy().setGracePeriodSeconds(0L);
        return Optional.of(d);
    }

    private static Rotation inIncident(Rotation r, String incidentId) {
        return new Rotation(r.rotationId(), r.secretId(), r.phase(), r.attempt(), r.reason(), r.priority(), r.requestedBy(), incidentId,
                r.dryRun(), r.force(), r.gracePeriod(), r.secretType(), r.category(), r.previousVersionId(), r.fingerprint(),
                r.attemptStartedAt(), r.cleanupDueAt(), r.retryAt(), r.error(), r.failureKind());
    }

    private Rotation rotation(String secretId, RotationReason reason, int priority) {
        RotationCommand command = RotationCommand.newBuilder(RotationFixtures.command("r-" + secretId, reason))
                .setSecretId(secretId).setPriority(priority).build();
        Rotation r = Rotation.requested(command, java.time.Instant.now());
        Category category = categories.get(secretId);
        return new Rotation(r.rotationId(), r.secretId(), r.phase(), r.attempt(), r.reason(), r.priority(), r.requestedBy(),
                r.incidentId(), r.dryRun(), r.force(), r.gracePeriod(), null, category, null, null, r.attemptStartedAt(), null, null, null, null);
    }

    /** Records the order of deploys and holds them at a gate; counts how many run at once. */
    private static final class GatedTarget implements RotationTarget {
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        final List<String> deployed = new CopyOnWriteArrayList<>();
        /** start:/done: of every deploy, in order. */
        final List<String> timeline = new CopyOnWriteArrayList<>();
        /** When set, only these secrets wait at the gate. */
        volatile java.util.Set<String> holdOnly;
        /** A secret whose deploy waits for {@link #release} (independent of the gate). */
        volatile String blockDeployOf;
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public TargetKind kind() {
            return TargetKind.NONE;
        }

        @Override
        public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
            return CredentialPolicy.DATABASE_PASSWORD;
        }

        @Override
        public void deploy(TargetContext context) {
            String secretId = context.descriptor().getSecretId();
            timeline.add("start:" + secretId);
            entered.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                if (holdOnly == null || holdOnly.contains(secretId)) {
                    gate.await(30, TimeUnit.SECONDS);
                }
                if (secretId.equals(blockDeployOf)) {
                    release.await(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                concurrent.decrementAndGet();
            }
            deployed.add(secretId);
            timeline.add("done:" + secretId);
        }

        @Override
        public void verify(TargetContext context) {
        }

        @Override
        public void rollback(TargetContext context) {
        }

        @Override
        public void cleanup(TargetContext context) {
        }
    }
}
