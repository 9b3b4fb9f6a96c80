package io.rekey.worker.it;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.redis.RedisAcl;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.worker.target.Hashes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/** Redis ACL users rotated by the worker against the machine's Redis. */
@RekeyIntegrationTest
class RedisAclIT extends TargetWorkerIT {

    @Override
    String instanceId() {
        return "it-redis";
    }

    @Test
    void gracePeriodBothPasswordsWorkUntilTheGraceEndsThenOnlyTheNewOne() {
        String initial = "initial-Redis-Pass-1";
        try (RedisAcl.TestUser user = RedisAcl.createUser("rk_grace", initial); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(user, RotationStrategy.GRACE_PERIOD, initial);
            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL, Duration.ofSeconds(1));
            harness.send(command);

            beforeCleanup.awaitEntered(WAIT);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(RedisAcl.canAuth(user.name(), rotated)).as("new password works").isTrue();
            assertThat(RedisAcl.canAuth(user.name(), initial)).as("old password still works during the grace period").isTrue();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            assertThat(RedisAcl.canAuth(user.name(), rotated)).isTrue();
            assertThat(RedisAcl.canAuth(user.name(), initial)).as("old password removed when the grace period ended").isFalse();
            assertThat(RedisAcl.passwordHashes(user.name())).containsExactly(Hashes.sha256Hex(SecretValue.of(rotated)));
            logs.assertNoneOf(rotated, initial);
        }
    }

    @Test
    void singleUserTheOldPasswordFailsAtOnce() {
        String initial = "initial-Redis-Pass-2";
        try (RedisAcl.TestUser user = RedisAcl.createUser("rk_single", initial); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(user, RotationStrategy.SINGLE_USER, initial);

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(last(events)).isEqualTo(RotationPhase.SUCCEEDED);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(RedisAcl.canAuth(user.name(), rotated)).isTrue();
            assertThat(RedisAcl.canAuth(user.name(), initial)).isFalse();
            logs.assertNoneOf(rotated, initial);
        }
    }

    @Test
    void anApplicationUserAllowedOnlyItsOwnCommandsIsVerifiedByItsLogin() {
        String initial = "initial-Redis-Pass-5";
        // No PING, no ACL WHOAMI, no CLIENT: only what the application needs.
        try (RedisAcl.TestUser user = RedisAcl.createUser("rk_narrow", initial, "~sessions:*", "+get", "+set")) {
            WorkerHarness.Registered secret = register(user, RotationStrategy.SINGLE_USER, initial);

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);

            assertThat(RedisAcl.canAuth(user.name(), harness.value(secret, Label.CURRENT))).isTrue();
            assertThat(RedisAcl.canAuth(user.name(), initial)).isFalse();
        }
    }

    @Test
    void takingOverAUserWhosePasswordRekeyNeverStoredLeavesOnlyTheNewPassword() {
        try (RedisAcl.TestUser user = RedisAcl.createUser("rk_takeover", "set-up-by-hand-Pass-4")) {
            WorkerHarness.Registered secret = register(user, RotationStrategy.GRACE_PERIOD, null);

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);

            assertThat(RedisAcl.canAuth(user.name(), harness.value(secret, Label.CURRENT))).isTrue();
            assertThat(RedisAcl.canAuth(user.name(), "set-up-by-hand-Pass-4")).as("a password rekey never held is not kept").isFalse();
        }
    }

    @Test
    void aFailedVerificationRemovesTheNewPasswordAndKeepsTheCurrentOne() {
        String initial = "initial-Redis-Pass-3";
        try (RedisAcl.TestUser user = RedisAcl.createUser("rk_rollback", initial); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(user, RotationStrategy.GRACE_PERIOD, initial);
            // An operator switched the user off: every AUTH fails, so no new password can be verified.
            RedisAcl.setUser(user.name(), "off");

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                    RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
            assertThat(events.get(events.size() - 1).getError()).contains("AUTH as " + user.name());
            assertThat(RedisAcl.passwordHashes(user.name())).as("only CURRENT's password is left")
                    .containsExactly(Hashes.sha256Hex(SecretValue.of(initial)));
            RedisAcl.setUser(user.name(), "on");
            assertThat(RedisAcl.canAuth(user.name(), initial)).isTrue();
            logs.assertNoneOf(initial);
        }
    }

    private WorkerHarness.Registered register(RedisAcl.TestUser user, RotationStrategy strategy, String initial) {
        return harness.register("it/redis/" + user.name(), TargetKind.REDIS, strategy,
                Map.of("host", RedisAcl.HOST, "port", Integer.toString(RedisAcl.PORT), "user", user.name()),
                initial == null ? null : SecretValue.of(initial));
    }
}
