package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.Label;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker stopped while a rotation is between DEPLOY and PROMOTE, then a new worker: the rotation is rebuilt from
 * rekey.rotation.events and rolled forward with the PENDING value already stored, never a new one.
 */
@RekeyIntegrationTest
class WorkerRestartIT {

    @Test
    void aRotationInterruptedBetweenDeployAndPromoteConvergesOnTheNextWorker(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        try (WorkerHarness harness = new WorkerHarness(stack);
             WorkerHarness.Managed secret = harness.managedRole("rekey_restart", "initial-Password-5")) {
            TargetGates.Gate beforeVerify = TargetGates.hold(secret.secretId(), "verify");
            ApplicationContext first = harness.startWorker("it-first", Map.of("rekey.test.target-gates", "true"));
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);

            beforeVerify.awaitEntered(Duration.ofSeconds(60));
            String deployed = harness.store.read(secret.storePath(), command.getRotationId()).orElseThrow().reveal();
            assertThat(Postgres.canLogin(secret.role().name(), deployed)).as("the target already has the new password").isTrue();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::close);
            beforeVerify.release();
            stopping.get(90, TimeUnit.SECONDS);

            List<RotationEvent> beforeRestart = harness.eventsUntil(command.getRotationId(), Duration.ofSeconds(5), RotationPhase.VERIFIED);
            assertThat(beforeRestart).extracting(RotationEvent::getPhase).doesNotContain(RotationPhase.PROMOTED);
            assertThat(harness.store.describe(secret.storePath()).orElseThrow().labels())
                    .containsEntry(Label.CURRENT, "v0").containsEntry(Label.PENDING, command.getRotationId());

            try (ApplicationContext second = harness.startWorker("it-second", Map.of("rekey.test.target-gates", "true"))) {
                List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofSeconds(90),
                        RotationPhase.SUCCEEDED, RotationPhase.FAILED);

                assertThat(events.get(events.size() - 1).getPhase()).isEqualTo(RotationPhase.SUCCEEDED);
                assertThat(events).filteredOn(e -> e.getPhase() == RotationPhase.GENERATED).hasSize(1);
                assertThat(events).filteredOn(e -> e.getPhase() == RotationPhase.PROMOTED)
                        .singleElement().satisfies(e -> assertThat(e.getWorkerId()).isEqualTo("it-second"));
                assertThat(harness.store.read(secret.storePath(), Label.CURRENT).orElseThrow().reveal()).isEqualTo(deployed);
                assertThat(Postgres.canLogin(secret.role().name(), deployed)).isTrue();
                assertThat(Postgres.canLogin(secret.role().name(), "initial-Password-5")).isFalse();
            }
        }
    }

    @Test
    void aCleanupPendingWhenTheWorkerStopsRunsAfterARestartOnceItIsDue(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        try (WorkerHarness harness = new WorkerHarness(stack);
             WorkerHarness.Managed secret = harness.managedRole("rekey_grace", "initial-Password-6")) {
            RotationCommand command = RotationCommand.newBuilder(harness.command(secret.secretId(), RotationReason.MANUAL)).build();
            RotationCommand withGrace = io.rekey.schema.signing.CommandSignatures.sign(
                    RotationCommand.newBuilder(command).setGracePeriodMs(Duration.ofSeconds(8).toMillis()).build(),
                    WorkerHarness.ISSUER, harness.issuer.getPrivate());
            try (ApplicationContext first = harness.startWorker("it-grace-first", Map.of())) {
                harness.send(withGrace);
                List<RotationEvent> scheduled = harness.eventsUntil(withGrace.getRotationId(), Duration.ofSeconds(60), RotationPhase.CLEANUP_SCHEDULED);
                assertThat(scheduled.get(scheduled.size() - 1).getCleanupDueAt()).isAfter(java.time.Instant.now());
            }

            try (ApplicationContext second = harness.startWorker("it-grace-second", Map.of())) {
                List<RotationEvent> events = harness.eventsUntil(withGrace.getRotationId(), Duration.ofSeconds(60), RotationPhase.SUCCEEDED);

                RotationEvent cleanedUp = events.stream().filter(e -> e.getPhase() == RotationPhase.CLEANED_UP).findFirst().orElseThrow();
                RotationEvent due = events.stream().filter(e -> e.getPhase() == RotationPhase.CLEANUP_SCHEDULED).findFirst().orElseThrow();
                assertThat(cleanedUp.getWorkerId()).isEqualTo("it-grace-second");
                assertThat(cleanedUp.getOccurredAt()).isAfterOrEqualTo(due.getCleanupDueAt());
            }
        }
    }
}
