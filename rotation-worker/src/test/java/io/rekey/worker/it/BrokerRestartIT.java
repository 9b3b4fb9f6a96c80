package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.store.Label;
import io.rekey.worker.app.RotationWorker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes away while rotations run and comes back: every rotation resumes and finishes once (one REQUESTED,
 * one SUCCEEDED, phases in order), the new passwords work on the real roles, and the worker's intake is still up.
 */
@RekeyIntegrationTest
class BrokerRestartIT {

    private static final int ROTATIONS = 4;

    @Test
    void rotationsInFlightResumeAndFinishOnceAfterABrokerRestart(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        try (WorkerHarness harness = new WorkerHarness(stack);
             ApplicationContext worker = harness.startWorker("it-outage", Map.of())) {
            List<WorkerHarness.Managed> roles = new ArrayList<>();
            List<RotationCommand> commands = new ArrayList<>();
            for (int i = 0; i < ROTATIONS; i++) {
                WorkerHarness.Managed role = harness.managedRole("rekey_outage", "initial-Password-" + i);
                roles.add(role);
                commands.add(harness.command(role.secretId(), RotationReason.MANUAL));
            }
            commands.forEach(harness::send);
            // Stop the broker once the first rotation is under way, so the others meet the outage mid-flight.
            harness.eventsUntil(commands.get(0).getRotationId(), Duration.ofSeconds(60), RotationPhase.PREPARED);
            stack.stopBroker();
            try {
                TimeUnit.SECONDS.sleep(5); // the outage itself: the worker must ride it out
            } finally {
                stack.startBroker();
            }

            for (int i = 0; i < ROTATIONS; i++) {
                RotationCommand command = commands.get(i);
                List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofMinutes(3),
                        RotationPhase.SUCCEEDED, RotationPhase.FAILED);
                assertThat(events).extracting(RotationEvent::getPhase).as("rotation %d", i).containsExactly(RotationPhase.REQUESTED,
                        RotationPhase.PREPARED, RotationPhase.GENERATED, RotationPhase.DEPLOYED, RotationPhase.VERIFIED,
                        RotationPhase.PROMOTED, RotationPhase.CLEANUP_SCHEDULED, RotationPhase.CLEANED_UP, RotationPhase.SUCCEEDED);
                String current = harness.store.read(roles.get(i).storePath(), Label.CURRENT).orElseThrow().reveal();
                assertThat(Postgres.canLogin(roles.get(i).role().name(), current)).as("new password of rotation %d works", i).isTrue();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.getBean(RotationWorker.class).isRunning());
            roles.forEach(WorkerHarness.Managed::close);
        }
    }
}
