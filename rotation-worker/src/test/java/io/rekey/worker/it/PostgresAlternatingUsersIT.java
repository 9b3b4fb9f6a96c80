package io.rekey.worker.it;

import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.worker.target.UserCredential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/** ALTERNATING_USERS on the machine's PostgreSQL: two login roles, the inactive one written, CURRENT flipped. */
@RekeyIntegrationTest
class PostgresAlternatingUsersIT extends TargetWorkerIT {

    @BeforeAll
    void passwordsAreChecked() {
        Postgres.requirePasswordAuthentication();
    }

    @Override
    String instanceId() {
        return "it-pg-alternating";
    }

    @Test
    void theInactiveRoleIsWrittenAndThePreviousOneStaysValidUntilTheNextRotation() {
        try (Postgres.TestRole app = Postgres.createManagedRole("rk_app", "app-initial-Pass-1");
             Postgres.TestRole clone = Postgres.createManagedRole("rk_clone", "clone-initial-Pass-1");
             LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(app, clone, "keep", "app-initial-Pass-1");

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential first = current(secret, app);
            assertThat(first.username()).isEqualTo(clone.name());
            assertThat(Postgres.canLogin(clone.name(), first.password().reveal())).isTrue();
            assertThat(Postgres.canLogin(app.name(), "app-initial-Pass-1")).as("previous role keeps working").isTrue();

            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential second = current(secret, app);
            assertThat(second.username()).isEqualTo(app.name());
            assertThat(Postgres.canLogin(app.name(), second.password().reveal())).isTrue();
            assertThat(Postgres.canLogin(app.name(), "app-initial-Pass-1")).as("overwritten by the next rotation").isFalse();
            assertThat(Postgres.canLogin(clone.name(), first.password().reveal())).as("the previous role, still valid").isTrue();
            logs.assertNoneOf(first.password().reveal(), second.password().reveal(), "app-initial-Pass-1");
        }
    }

    @Test
    void withPreviousUserDisabledTheOldRoleLosesLoginWhenTheGraceEnds() {
        try (Postgres.TestRole app = Postgres.createManagedRole("rk_app", "app-initial-Pass-2");
             Postgres.TestRole clone = Postgres.createManagedRole("rk_clone", "clone-initial-Pass-2")) {
            WorkerHarness.Registered secret = register(app, clone, "disable", "app-initial-Pass-2");
            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL, Duration.ofSeconds(1));
            harness.send(command);

            beforeCleanup.awaitEntered(WAIT);
            assertThat(Postgres.canLogin(app.name(), "app-initial-Pass-2")).as("valid during the grace period").isTrue();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            assertThat(Postgres.canLogin(clone.name(), current(secret, app).password().reveal())).isTrue();
            assertThat(Postgres.canLogin(app.name(), "app-initial-Pass-2")).as("NOLOGIN after the grace period").isFalse();
        }
    }

    @Test
    void aFailedVerificationOfTheInactiveRoleDisablesItAgainAndLeavesTheLiveRoleWorking() {
        try (Postgres.TestRole app = Postgres.createManagedRole("rk_app", "app-initial-Pass-3");
             Postgres.TestRole clone = Postgres.createManagedRole("rk_clone", "clone-initial-Pass-3");
             LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(app, clone, "keep", "app-initial-Pass-3");
            // A DBA capped the inactive role at zero connections: its new password is set, but no login succeeds.
            Postgres.admin("ALTER ROLE " + clone.name() + " CONNECTION LIMIT 0");

            List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

            assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                    RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
            assertThat(harness.value(secret, Label.CURRENT)).isEqualTo(harness.value(secret, "v0"));
            assertThat(Postgres.canLogin(app.name(), "app-initial-Pass-3")).as("the live role was not touched").isTrue();
            Postgres.admin("ALTER ROLE " + clone.name() + " CONNECTION LIMIT -1");
            assertThat(Postgres.canLogin(clone.name(), "clone-initial-Pass-3")).as("the inactive role no longer logs in").isFalse();
            logs.assertNoneOf("app-initial-Pass-3");
        }
    }

    private WorkerHarness.Registered register(Postgres.TestRole app, Postgres.TestRole clone, String previousUser, String initial) {
        return harness.register("it/pg-alternating/" + app.name(), TargetKind.POSTGRESQL, RotationStrategy.ALTERNATING_USERS,
                Map.of("host", Postgres.HOST, "port", Integer.toString(Postgres.PORT), "role", app.name(), "alternateRole", clone.name(),
                        "previousUser", previousUser, "adminUser", Postgres.ADMIN),
                new UserCredential(app.name(), SecretValue.of(initial)).toSecretValue());
    }

    private UserCredential current(WorkerHarness.Registered secret, Postgres.TestRole app) {
        return UserCredential.parse(SecretValue.of(harness.value(secret, Label.CURRENT)), app.name());
    }
}
