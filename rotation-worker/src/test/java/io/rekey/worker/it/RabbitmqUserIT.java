package io.rekey.worker.it;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.rabbitmq.Rabbitmq;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/** RabbitMQ users rotated through the management API and verified over AMQP, against the machine's RabbitMQ. */
@RekeyIntegrationTest
class RabbitmqUserIT extends TargetWorkerIT {

    private static final String ADMIN_SECRET = "it/rabbitmq/admin-" + System.nanoTime();

    @Override
    String instanceId() {
        return "it-rabbitmq";
    }

    @BeforeAll
    void registerTheAdminCredential() {
        harness.register(ADMIN_SECRET, TargetKind.NONE, RotationStrategy.SINGLE_USER, Map.of(), SecretValue.of(Rabbitmq.ADMIN_PASSWORD));
    }

    @Test
    void theNewPasswordOpensAnAmqpConnectionTheOldOneNoLongerDoesAndTheTagsStay() {
        String initial = "initial-Rabbit-Pass-1";
        try (Rabbitmq.TestUser user = Rabbitmq.createUser("rk_single", initial, "monitoring"); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(user, initial);

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(last(events)).isEqualTo(RotationPhase.SUCCEEDED);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(Rabbitmq.canConnect(user.name(), rotated)).as("new password works").isTrue();
            assertThat(Rabbitmq.canConnect(user.name(), initial)).as("old password fails at once").isFalse();
            assertThat(Rabbitmq.describe(user.name())).contains("\"monitoring\"").contains("rabbit_password_hashing_sha256");
            logs.assertNoneOf(rotated, initial);
        }
    }

    @Test
    void verificationRefusedForTheVirtualHostRollsBackToTheCurrentPassword() {
        String initial = "initial-Rabbit-Pass-2";
        try (Rabbitmq.TestUser user = Rabbitmq.createUser("rk_rollback", initial, ""); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(user, initial);
            TargetGates.Gate beforeVerify = TargetGates.hold(secret.secretId(), "verify");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);

            // Between deploy and verify an operator takes the user's permissions on the virtual host away.
            beforeVerify.awaitEntered(WAIT);
            String pending = harness.value(secret, command.getRotationId());
            Rabbitmq.revokePermissions(user.name());
            beforeVerify.release();

            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.FAILED, RotationPhase.SUCCEEDED);
            assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                    RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
            assertThat(events.get(events.size() - 1).getError()).contains("NOT_ALLOWED");
            Rabbitmq.grantAll(user.name());
            assertThat(Rabbitmq.canConnect(user.name(), initial)).as("CURRENT restored").isTrue();
            assertThat(Rabbitmq.canConnect(user.name(), pending)).as("the rolled-back password does not work").isFalse();
            logs.assertNoneOf(initial, pending);
        }
    }

    private WorkerHarness.Registered register(Rabbitmq.TestUser user, String initial) {
        return harness.register("it/rabbitmq/" + user.name(), TargetKind.RABBITMQ, RotationStrategy.SINGLE_USER,
                Map.of("user", user.name(), "managementUrl", Rabbitmq.MANAGEMENT_URL, "adminUser", Rabbitmq.ADMIN, "adminSecretId", ADMIN_SECRET,
                        "host", Rabbitmq.HOST, "port", Integer.toString(Rabbitmq.AMQP_PORT)),
                SecretValue.of(initial));
    }
}
