package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.fuzz.HostileInputs;
import io.rekey.testkit.fuzz.HostileInputs.Input;
import io.rekey.testkit.fuzz.HostileInputs.Sent;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.app.RotationWorker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of hostile records on {@code rekey.rotation.commands} with real signed commands among them: the worker's
 * intake keeps running, dead-letters every hostile record exactly once with a one-line reason (none of them is a
 * correctly signed, well-formed command: content mutations break the signature), and the signed commands still rotate
 * real PostgreSQL roles.
 */
@RekeyIntegrationTest
class HostileCommandsIT {

    private static final int VALID = 3;

    @Test
    void hostileCommandsAreDeadLetteredAndSignedOnesStillRotate(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        HostileInputs.allowLargeMessages(stack, Topics.ROTATION_COMMANDS.name());
        HostileInputs fuzz = new HostileInputs(HostileInputs.seed(), stack.registry());
        String topic = Topics.ROTATION_COMMANDS.name();
        try (WorkerHarness harness = new WorkerHarness(stack);
             ApplicationContext worker = harness.startWorker("it-fuzz", Map.of())) {
            List<WorkerHarness.Managed> roles = new ArrayList<>();
            List<Input> valid = new ArrayList<>();
            List<RotationCommand> commands = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                WorkerHarness.Managed role = harness.managedRole("rekey_fuzz", "initial-Password-" + i);
                roles.add(role);
                RotationCommand command = harness.command(role.secretId(), RotationReason.MANUAL);
                commands.add(command);
                valid.add(fuzz.valid(topic, command, command.getSecretId()));
            }
            List<Input> hostile = fuzz.generate(topic, HostileInputs.count(),
                    () -> harness.command(RekeyStack.unique("fuzz/secret"), RotationReason.MANUAL), RotationCommand::getSecretId);
            List<Sent> sent = HostileInputs.send(stack, topic, fuzz.interleave(hostile, valid));

            for (RotationCommand command : commands) {
                List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofMinutes(3),
                        RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.REFUSED);
                assertThat(WorkerHarness.last(events)).as("signed command %s amid hostile ones", command.getRotationId())
                        .isEqualTo(RotationPhase.SUCCEEDED);
            }
            HostileInputs.Outcome[] outcome = new HostileInputs.Outcome[1];
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                List<DeadLetter> letters = stack.<DeadLetter>readAll(Topics.DLQ.name()).stream().map(ConsumerRecord::value).toList();
                outcome[0] = HostileInputs.outcome(sent, letters, topic, in -> true);
                return outcome[0].deadLettered() >= hostile.size();
            });
            assertThat(outcome[0].missing()).as("should have been dead-lettered").isEmpty();
            assertThat(outcome[0].unexpected()).as("signed commands dead-lettered").isEmpty();
            assertThat(outcome[0].duplicated()).as("dead-lettered more than once").isEmpty();
            assertThat(outcome[0].badReasons()).isZero();
            assertThat(worker.getBean(RotationWorker.class).isRunning()).as("command intake (health UP)").isTrue();
            System.out.printf("worker fuzz: %d hostile commands, %d dead-lettered, %d signed commands rotated (seed %d)%n",
                    hostile.size(), outcome[0].deadLettered(), VALID, HostileInputs.seed());
            roles.forEach(WorkerHarness.Managed::close);
        }
    }
}
