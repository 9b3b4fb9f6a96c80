package io.rekey.worker.it;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.mariadb.Mariadb;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.worker.target.UserCredential;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/** MariaDB user accounts rotated by the worker against the machine's MariaDB: SINGLE_USER and ALTERNATING_USERS. */
@RekeyIntegrationTest
class MariadbUserIT extends TargetWorkerIT {

    @Override
    String instanceId() {
        return "it-mariadb";
    }

    @Test
    void singleUserTheNewPasswordWorksAndTheOldOneFailsAtOnce() {
        String initial = "initial-Maria-Pass-1";
        try (Mariadb.TestUser user = Mariadb.createUser("rk_single", initial); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = harness.register("it/mariadb/" + user.name(), TargetKind.MARIADB, RotationStrategy.SINGLE_USER,
                    params(user.name()), SecretValue.of(initial));

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(last(events)).isEqualTo(RotationPhase.SUCCEEDED);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(Mariadb.canLogin(user.name(), rotated)).as("new password works").isTrue();
            assertThat(Mariadb.canLogin(user.name(), initial)).as("old password fails at once").isFalse();
            logs.assertNoneOf(rotated, initial);
            assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(rotated).doesNotContain(initial));
        }
    }

    @Test
    void aConcurrentPasswordChangeMakesVerifyFailTheRollbackRestoresCurrentAndTheRetrySucceeds() {
        String initial = "initial-Maria-Pass-2";
        String intruder = "set-by-someone-else-9";
        try (Mariadb.TestUser user = Mariadb.createUser("rk_rollback", initial); LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = harness.register("it/mariadb/" + user.name(), TargetKind.MARIADB, RotationStrategy.SINGLE_USER,
                    params(user.name()), SecretValue.of(initial));
            TargetGates.Gate beforeVerify = TargetGates.hold(secret.secretId(), "verify");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);

            // Between deploy and verify, another administrator sets a password of their own.
            beforeVerify.awaitEntered(WAIT);
            Mariadb.setPassword(user.name(), intruder);
            TargetGates.Gate beforeRetry = TargetGates.hold(secret.secretId(), "deploy");
            beforeVerify.release();

            beforeRetry.awaitEntered(WAIT);
            assertThat(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.RETRY_SCHEDULED)).extracting(RotationEvent::getPhase)
                    .containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK, RotationPhase.ROLLED_BACK, RotationPhase.RETRY_SCHEDULED);
            assertThat(Mariadb.canLogin(user.name(), initial)).as("rollback restored CURRENT").isTrue();
            assertThat(Mariadb.canLogin(user.name(), intruder)).as("the other password is gone").isFalse();
            beforeRetry.release();

            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED);
            assertThat(last(events)).isEqualTo(RotationPhase.SUCCEEDED);
            String rotated = harness.value(secret, Label.CURRENT);
            assertThat(Mariadb.canLogin(user.name(), rotated)).isTrue();
            assertThat(Mariadb.canLogin(user.name(), initial)).isFalse();
            logs.assertNoneOf(rotated, initial, intruder);
        }
    }

    @Test
    void alternatingUsersWriteTheInactiveAccountAndTheOldOneStaysValidUntilTheNextRotation() {
        try (Mariadb.TestUser app = Mariadb.createUser("rk_alt", "app-initial-Pass-3");
             Mariadb.TestUser clone = Mariadb.createUser("rk_altc", "clone-initial-Pass-3");
             LogCapture logs = LogCapture.start()) {
            Map<String, String> params = params(app.name());
            params.put("alternateUser", clone.name());
            WorkerHarness.Registered secret = harness.register("it/mariadb/" + app.name(), TargetKind.MARIADB, RotationStrategy.ALTERNATING_USERS,
                    params, new UserCredential(app.name(), SecretValue.of("app-initial-Pass-3")).toSecretValue());

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential first = UserCredential.parse(SecretValue.of(harness.value(secret, Label.CURRENT)), app.name());
            assertThat(first.username()).as("the inactive account was written").isEqualTo(clone.name());
            assertThat(Mariadb.canLogin(clone.name(), first.password().reveal())).isTrue();
            assertThat(Mariadb.canLogin(app.name(), "app-initial-Pass-3")).as("previous account keeps working").isTrue();

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential second = UserCredential.parse(SecretValue.of(harness.value(secret, Label.CURRENT)), app.name());
            assertThat(second.username()).as("CURRENT flips back").isEqualTo(app.name());
            assertThat(Mariadb.canLogin(app.name(), second.password().reveal())).isTrue();
            assertThat(Mariadb.canLogin(app.name(), "app-initial-Pass-3")).as("overwritten by the next rotation").isFalse();
            assertThat(Mariadb.canLogin(clone.name(), first.password().reveal())).as("now the previous account, still valid").isTrue();
            logs.assertNoneOf(first.password().reveal(), second.password().reveal(), "app-initial-Pass-3");
        }
    }

    @Test
    void alternatingUsersWithPreviousUserDisabledLockTheOldAccountWhenTheGraceEnds() {
        try (Mariadb.TestUser app = Mariadb.createUser("rk_dis", "app-initial-Pass-4");
             Mariadb.TestUser clone = Mariadb.createUser("rk_disc", "clone-initial-Pass-4")) {
            Map<String, String> params = params(app.name());
            params.put("alternateUser", clone.name());
            params.put("previousUser", "disable");
            WorkerHarness.Registered secret = harness.register("it/mariadb/" + app.name(), TargetKind.MARIADB, RotationStrategy.ALTERNATING_USERS,
                    params, new UserCredential(app.name(), SecretValue.of("app-initial-Pass-4")).toSecretValue());
            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL, Duration.ofSeconds(1));
            harness.send(command);

            beforeCleanup.awaitEntered(WAIT);
            assertThat(Mariadb.canLogin(app.name(), "app-initial-Pass-4")).as("valid during the grace period").isTrue();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential current = UserCredential.parse(SecretValue.of(harness.value(secret, Label.CURRENT)), app.name());
            assertThat(current.username()).isEqualTo(clone.name());
            assertThat(Mariadb.canLogin(clone.name(), current.password().reveal())).isTrue();
            assertThat(Mariadb.canLogin(app.name(), "app-initial-Pass-4")).as("locked after the grace period").isFalse();
        }
    }

    @Test
    void alternatingRollbackLeavesTheLiveAccountAloneAndGivesTheInactiveOneItsPreviousPasswordBack() {
        try (Mariadb.TestUser app = Mariadb.createUser("rk_arb", "app-initial-Pass-5");
             Mariadb.TestUser clone = Mariadb.createUser("rk_arbc", "clone-initial-Pass-5")) {
            Map<String, String> params = params(app.name());
            params.put("alternateUser", clone.name());
            WorkerHarness.Registered secret = harness.register("it/mariadb/" + app.name(), TargetKind.MARIADB, RotationStrategy.ALTERNATING_USERS,
                    params, new UserCredential(app.name(), SecretValue.of("app-initial-Pass-5")).toSecretValue());
            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            String live = harness.value(secret, Label.CURRENT);

            // The next rotation writes the primary account, which a DBA now requires TLS for: no login without it works.
            Mariadb.admin("ALTER USER '" + app.name() + "'@'%' REQUIRE SSL");
            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(last(events)).isEqualTo(RotationPhase.FAILED);
            assertThat(events.get(events.size() - 1).getError()).contains("login as " + app.name());
            assertThat(harness.value(secret, Label.CURRENT)).isEqualTo(live);
            UserCredential current = UserCredential.parse(SecretValue.of(live), app.name());
            assertThat(Mariadb.canLogin(clone.name(), current.password().reveal())).as("the live account was not touched").isTrue();
            Mariadb.admin("ALTER USER '" + app.name() + "'@'%' REQUIRE NONE");
            assertThat(Mariadb.canLogin(app.name(), "app-initial-Pass-5")).as("inactive account has its previous password back").isTrue();
        }
    }

    private static Map<String, String> params(String user) {
        Map<String, String> params = new HashMap<>();
        params.put("host", Mariadb.HOST);
        params.put("port", Integer.toString(Mariadb.PORT));
        params.put("user", user);
        params.put("adminUser", Mariadb.ADMIN);
        return params;
    }
}
