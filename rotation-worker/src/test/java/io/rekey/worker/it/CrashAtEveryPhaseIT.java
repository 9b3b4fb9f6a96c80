package io.rekey.worker.it;

import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worker is killed (SIGKILL, a real process) at each commit point of a rotation and at random moments, then
 * restarted. Every time the rotation must converge: it succeeds exactly once, the store's CURRENT logs in and the old
 * password does not, nothing is left PENDING, and at every moment a probe could observe, the CURRENT or the PENDING
 * credential worked (what a SINGLE_USER client that falls back to PENDING sees).
 */
@RekeyIntegrationTest
class CrashAtEveryPhaseIT {

    /** CI runs one kill per commit point and three at random moments; raise these for a soak (see RELIABILITY.md). */
    private static final int RANDOM_KILLS = Integer.getInteger("rekey.crash.random-kills", 3);
    private static final int KILLS_PER_PHASE = Integer.getInteger("rekey.crash.kills-per-phase", 1);

    @Test
    void aKilledWorkerConvergesFromEveryPhase(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        Random random = new Random(Long.getLong("rekey.crash.seed", 20261121L));
        List<String> report = new ArrayList<>();
        try (WorkerHarness harness = new WorkerHarness(stack)) {
            Path logs = Files.createDirectories(harness.dir.resolve("logs"));
            KafkaClients clients = KafkaClients.of(stack.bootstrapServers(), stack.registry().baseUrl().toString());
            int run = 0;
            for (RotationPhase killAt : List.of(RotationPhase.REQUESTED, RotationPhase.PREPARED, RotationPhase.PROMOTED)) {
                for (int i = 0; i < KILLS_PER_PHASE; i++) {
                    report.add(crashOnce(harness, clients, logs, ++run, Optional.of(killAt), 0));
                }
            }
            for (int i = 0; i < RANDOM_KILLS; i++) {
                report.add(crashOnce(harness, clients, logs, ++run, Optional.empty(), random.nextInt(2500)));
            }
        }
        System.out.println("crash runs:\n" + String.join("\n", report));
    }

    private String crashOnce(WorkerHarness harness, KafkaClients clients, Path logs, int run, Optional<RotationPhase> killAt,
                             int killAfterMillis) throws Exception {
        String initial = "crash-initial-" + run;
        try (WorkerHarness.Managed secret = harness.managedRole("rekey_crash", initial);
             RotationWatcher watcher = new RotationWatcher(clients, Instant.now().minusSeconds(1));
             CredentialProbe probe = new CredentialProbe(harness, secret)) {
            Map<String, Object> config = harness.workerProperties("crash-" + run, Map.of());
            WorkerProcess first = WorkerProcess.start(config, logs.resolve("worker-" + run + "-first.log"));
            first.awaitAssigned(harness.stack.bootstrapServers(), "crash-" + run, Duration.ofSeconds(90));
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            CountDownLatch killed = new CountDownLatch(1);
            killAt.ifPresent(phase -> watcher.onEvent(e -> {
                if (e.getRotationId().equals(command.getRotationId()) && e.getPhase() == phase && killed.getCount() > 0) {
                    try {
                        first.kill();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                    killed.countDown();
                }
            }));
            harness.send(command);
            if (killAt.isEmpty()) {
                Thread.sleep(killAfterMillis); // the point of this run is a kill at an arbitrary moment
                first.kill();
            } else {
                assertThat(killed.await(90, TimeUnit.SECONDS)).as("run %d: %s seen", run, killAt.get()).isTrue();
            }
            Optional<RotationEvent> atKill = watcher.latest(command.getRotationId());

            try (WorkerProcess second = WorkerProcess.start(config, logs.resolve("worker-" + run + "-second.log"))) {
                Optional<RotationEvent> end = watcher.awaitPhase(command.getRotationId(),
                        EnumSet.of(RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.ABANDONED, RotationPhase.REFUSED),
                        Duration.ofSeconds(120));
                assertThat(end).as("run %d (%s): rotation ended", run, what(killAt, killAfterMillis)).isPresent();
                assertThat(end.get().getPhase()).as("run %d: %s", run, end.get().getError()).isEqualTo(RotationPhase.SUCCEEDED);
            }
            probe.stop();

            SecretMetadata metadata = harness.store.describe(secret.storePath()).orElseThrow();
            assertThat(metadata.labels()).as("run %d labels", run)
                    .isEqualTo(Map.of(Label.CURRENT, command.getRotationId(), Label.PREVIOUS, "v0"));
            String current = harness.store.read(secret.storePath(), Label.CURRENT).orElseThrow().reveal();
            assertThat(Postgres.canLogin(secret.role().name(), current)).as("run %d: CURRENT logs in", run).isTrue();
            assertThat(Postgres.canLogin(secret.role().name(), initial)).as("run %d: old password refused", run).isFalse();
            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofSeconds(5), RotationPhase.SUCCEEDED);
            assertThat(events).as("run %d: promoted once", run).filteredOn(e -> e.getPhase() == RotationPhase.PROMOTED).hasSize(1);
            assertThat(events).filteredOn(e -> e.getPhase() == RotationPhase.SUCCEEDED).hasSize(1);
            long changed = harness.stack.<SecretChanged>readAll(Topics.SECRET_CHANGED.name()).stream()
                    .filter(r -> command.getRotationId().equals(r.value().getRotationId())).count();
            assertThat(changed).as("run %d: one SecretChanged", run).isEqualTo(1);
            assertThat(probe.failures()).as("run %d: moments with no working credential", run).isZero();
            return String.format("run %d: killed %s (last event seen %s); converged, %d probe logins, 0 without a working credential",
                    run, what(killAt, killAfterMillis), atKill.map(e -> e.getPhase().name()).orElse("none"), probe.observations());
        }
    }

    private static String what(Optional<RotationPhase> killAt, int millis) {
        return killAt.map(p -> "on seeing " + p).orElse(millis + " ms after the command");
    }

    /** Logs in as the role over and over, with whatever the store holds as CURRENT or PENDING at that moment. */
    private static final class CredentialProbe implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger observations = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile boolean running = true;

        CredentialProbe(WorkerHarness harness, WorkerHarness.Managed secret) {
            thread = new Thread(() -> {
                while (running) {
                    List<String> candidates = new ArrayList<>();
                    harness.store.read(secret.storePath(), Label.CURRENT).map(SecretValue::reveal).ifPresent(candidates::add);
                    harness.store.read(secret.storePath(), Label.PENDING).map(SecretValue::reveal).ifPresent(candidates::add);
                    boolean works = candidates.stream().anyMatch(c -> Postgres.canLogin(secret.role().name(), c));
                    if (!works) {
                        // The store and the role change between our reads and our login: look once more before counting it.
                        works = harness.store.read(secret.storePath(), Label.CURRENT).map(SecretValue::reveal)
                                .map(c -> Postgres.canLogin(secret.role().name(), c)).orElse(false);
                    }
                    observations.incrementAndGet();
                    if (!works) {
                        failures.incrementAndGet();
                    }
                }
            }, "credential-probe");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        int observations() {
            return observations.get();
        }

        int failures() {
            return failures.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
