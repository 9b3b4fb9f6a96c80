package io.rekey.worker.engine;

import io.rekey.schema.FailureKind;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.worker.engine.RotationDecider.AfterRollback;
import io.rekey.worker.engine.RotationDecider.Intake;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static io.rekey.worker.engine.RotationFixtures.T0;
import static io.rekey.worker.engine.RotationFixtures.command;
import static io.rekey.worker.engine.RotationFixtures.event;
import static io.rekey.worker.engine.RotationFixtures.rotationIn;
import static org.assertj.core.api.Assertions.assertThat;

class RotationDeciderTest {

    private final RotationDecider decider = new RotationDecider(
            new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(15)),
            Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofDays(30));

    @Nested
    class Intake_ {

        @Test
        void acceptsACommandForASecretWithNoHistory() {
            Intake intake = decider.intake(command("r-1", RotationReason.MANUAL), SecretHistory.empty(), T0);

            assertThat(intake).isInstanceOfSatisfying(Intake.Accept.class, a -> {
                assertThat(a.rotation().phase()).isEqualTo(RotationPhase.REQUESTED);
                assertThat(a.rotation().attempt()).isEqualTo(1);
                assertThat(a.rotation().rotationId()).isEqualTo("r-1");
            });
        }

        @Test
        void aRedeliveredCommandIsADuplicateWhateverHappenedSince() {
            SecretHistory history = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0))
                    .apply(event("r-1", RotationPhase.PROMOTED, T0))
                    .apply(event("r-1", RotationPhase.SUCCEEDED, T0));

            assertThat(decider.intake(command("r-1", RotationReason.MANUAL), history, T0.plusSeconds(5)))
                    .isInstanceOf(Intake.Duplicate.class);
        }

        @Test
        void aRefusedCommandReplayedIsADuplicateToo() {
            SecretHistory history = SecretHistory.empty().apply(event("r-9", RotationPhase.REFUSED, T0));

            assertThat(decider.intake(command("r-9", RotationReason.MANUAL), history, T0)).isInstanceOf(Intake.Duplicate.class);
        }

        @Test
        void anotherRotationInFlightIsRefusedWithItsId() {
            SecretHistory history = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0))
                    .apply(event("r-1", RotationPhase.DEPLOYED, T0));

            assertThat(decider.intake(command("r-2", RotationReason.EMERGENCY), history, T0))
                    .isEqualTo(new Intake.Refuse("rotation r-1 of db/orders is in flight (phase DEPLOYED)"));
        }

        @Test
        void aRefusalDoesNotReplaceTheRotationInFlight() {
            SecretHistory history = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0))
                    .apply(event("r-2", RotationPhase.REFUSED, T0));

            assertThat(history.inFlight()).map(Rotation::rotationId).contains("r-1");
        }

        @Test
        void aSecretMarkedFailedRefusesScheduledButAcceptsManualAndEmergencyRotations() {
            SecretHistory failed = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0))
                    .apply(event("r-1", RotationPhase.FAILED, T0));

            assertThat(decider.intake(command("r-2", RotationReason.SCHEDULED), failed, T0))
                    .isInstanceOfSatisfying(Intake.Refuse.class, r -> assertThat(r.reason()).contains("marked FAILED"));
            assertThat(decider.intake(command("r-3", RotationReason.MANUAL), failed, T0)).isInstanceOf(Intake.Accept.class);
            assertThat(decider.intake(command("r-4", RotationReason.EMERGENCY), failed, T0)).isInstanceOf(Intake.Accept.class);
        }

        @Test
        void aSuccessfulPromotionClearsTheFailedMark() {
            SecretHistory history = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0)).apply(event("r-1", RotationPhase.FAILED, T0))
                    .apply(event("r-2", RotationPhase.REQUESTED, T0)).apply(event("r-2", RotationPhase.PROMOTED, T0))
                    .apply(event("r-2", RotationPhase.SUCCEEDED, T0));

            assertThat(history.isFailed()).isFalse();
        }

        @Test
        void aRecentlyRotatedSecretIsRotatedAgainOnlyWhenForced() {
            SecretHistory history = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0))
                    .apply(event("r-1", RotationPhase.PROMOTED, T0))
                    .apply(event("r-1", RotationPhase.SUCCEEDED, T0));
            Instant fiveMinutesLater = T0.plus(Duration.ofMinutes(5));

            assertThat(decider.intake(command("r-2", RotationReason.EMERGENCY), history, fiveMinutesLater))
                    .isInstanceOfSatisfying(Intake.Refuse.class, r -> assertThat(r.reason()).contains("set force"));
            RotationCommand forced = RotationCommand.newBuilder(command("r-3", RotationReason.EMERGENCY)).setForce(true).build();
            assertThat(decider.intake(forced, history, fiveMinutesLater)).isInstanceOf(Intake.Accept.class);
            assertThat(decider.intake(command("r-4", RotationReason.EMERGENCY), history, T0.plus(Duration.ofMinutes(11))))
                    .isInstanceOf(Intake.Accept.class);
        }

        @Test
        void aGracePeriodOutsideTheAllowedRangeIsRefused() {
            RotationCommand tooLong = RotationCommand.newBuilder(command("r-1", RotationReason.MANUAL))
                    .setGracePeriodMs(Duration.ofDays(31).toMillis()).build();
            RotationCommand negative = RotationCommand.newBuilder(command("r-2", RotationReason.MANUAL)).setGracePeriodMs(-1L).build();

            assertThat(decider.intake(tooLong, SecretHistory.empty(), T0)).isInstanceOf(Intake.Refuse.class);
            assertThat(decider.intake(negative, SecretHistory.empty(), T0)).isInstanceOf(Intake.Refuse.class);
        }

        @Test
        void aDryRunIsAcceptedEvenForAFailedSecretAndDoesNotMarkItFailed() {
            SecretHistory failed = SecretHistory.empty()
                    .apply(event("r-1", RotationPhase.REQUESTED, T0)).apply(event("r-1", RotationPhase.FAILED, T0));
            RotationCommand dryRun = RotationCommand.newBuilder(command("r-2", RotationReason.SCHEDULED)).setDryRun(true).build();

            assertThat(decider.intake(dryRun, failed, T0)).isInstanceOf(Intake.Accept.class);
        }
    }

    @Nested
    class Next {

        @Test
        void theHappyPathWalksEveryPhaseInOrder() {
            assertThat(decider.next(rotationIn(RotationPhase.REQUESTED), T0)).isInstanceOf(Step.Prepare.class);
            assertThat(decider.next(rotationIn(RotationPhase.PREPARED), T0)).isInstanceOf(Step.Generate.class);
            assertThat(decider.next(rotationIn(RotationPhase.GENERATED), T0)).isInstanceOf(Step.Deploy.class);
            assertThat(decider.next(rotationIn(RotationPhase.DEPLOYED), T0)).isInstanceOf(Step.Verify.class);
            assertThat(decider.next(rotationIn(RotationPhase.VERIFIED), T0)).isInstanceOf(Step.Promote.class);
        }

        @Test
        void aDryRunValidatesInsteadOfGenerating() {
            Rotation dryRun = Rotation.requested(RotationCommand.newBuilder(command("r-1", RotationReason.MANUAL)).setDryRun(true).build(), T0)
                    .withPhase(RotationPhase.PREPARED);

            assertThat(decider.next(dryRun, T0)).isInstanceOf(Step.ValidateDryRun.class);
        }

        @Test
        void cleanupWaitsForTheEndOfTheGracePeriod() {
            Rotation promoted = Rotation.from(event("r-1", RotationPhase.REQUESTED, T0))
                    .evolve(io.rekey.schema.RotationEvent.newBuilder(event("r-1", RotationPhase.CLEANUP_SCHEDULED, T0))
                            .setCleanupDueAt(T0.plusSeconds(3600)).build());

            assertThat(decider.next(promoted, T0.plusSeconds(60))).isEqualTo(new Step.WaitUntil(T0.plusSeconds(3600)));
            assertThat(decider.next(promoted, T0.plusSeconds(3600))).isInstanceOf(Step.Cleanup.class);
        }

        @Test
        void aScheduledRetryStartsTheNextAttemptWhenDue() {
            Rotation waiting = Rotation.from(event("r-1", RotationPhase.REQUESTED, T0))
                    .evolve(io.rekey.schema.RotationEvent.newBuilder(event("r-1", RotationPhase.RETRY_SCHEDULED, T0))
                            .setRetryAt(T0.plusSeconds(30)).build());

            assertThat(decider.next(waiting, T0.plusSeconds(29))).isEqualTo(new Step.WaitUntil(T0.plusSeconds(30)));
            assertThat(decider.next(waiting, T0.plusSeconds(30))).isInstanceOf(Step.StartNextAttempt.class);
        }

        @Test
        void aRollbackIsRunAndAFailedOneIsTriedAgainLater() {
            assertThat(decider.next(rotationIn(RotationPhase.ROLLING_BACK), T0)).isInstanceOf(Step.RollBack.class);
            Rotation failedRollback = Rotation.from(event("r-1", RotationPhase.REQUESTED, T0))
                    .evolve(io.rekey.schema.RotationEvent.newBuilder(event("r-1", RotationPhase.ROLLING_BACK, T0))
                            .setRetryAt(T0.plusSeconds(45)).build());
            assertThat(decider.next(failedRollback, T0.plusSeconds(1))).isEqualTo(new Step.WaitUntil(T0.plusSeconds(45)));
        }

        @ParameterizedTest
        @EnumSource(value = RotationPhase.class, names = {"SUCCEEDED", "FAILED", "REFUSED", "ABANDONED", "CLEANED_UP", "ROLLED_BACK", "UNKNOWN"})
        void finishedOrTransientPhasesNeedNothing(RotationPhase phase) {
            assertThat(decider.next(rotationIn(phase), T0)).isInstanceOf(Step.Done.class);
        }

        @ParameterizedTest
        @EnumSource(value = RotationPhase.class, names = {"REQUESTED", "PREPARED", "GENERATED", "DEPLOYED", "VERIFIED"})
        void anAttemptRunningPastTheTimeoutBeforePromotionTimesOut(RotationPhase phase) {
            assertThat(decider.next(rotationIn(phase), T0.plus(Duration.ofMinutes(31))))
                    .isInstanceOfSatisfying(Step.TimeOut.class, t -> assertThat(t.reason()).contains("PT30M").contains(phase.name()));
        }

        @ParameterizedTest
        @EnumSource(value = RotationPhase.class, names = {"PROMOTED", "CLEANUP_SCHEDULED", "ROLLING_BACK", "RETRY_SCHEDULED"})
        void afterPromotionOrDuringRecoveryTheTimeoutNoLongerApplies(RotationPhase phase) {
            assertThat(decider.next(rotationIn(phase), T0.plus(Duration.ofHours(5)))).isNotInstanceOf(Step.TimeOut.class);
        }
    }

    @Nested
    class AfterRollback_ {

        private final Random random = new Random(42);

        @Test
        void aRetryableFailureIsRetriedWithGrowingJitteredBackoff() {
            Rotation first = rotationFailed(1, FailureKind.RETRYABLE);
            Rotation second = rotationFailed(2, FailureKind.RETRYABLE);

            Instant firstRetry = ((AfterRollback.Retry) decider.afterRollback(first, T0, random)).at();
            Instant secondRetry = ((AfterRollback.Retry) decider.afterRollback(second, T0, random)).at();

            assertThat(Duration.between(T0, firstRetry)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
            assertThat(Duration.between(T0, secondRetry)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
        }

        @Test
        void theLastAttemptFailsForGood() {
            assertThat(decider.afterRollback(rotationFailed(3, FailureKind.RETRYABLE), T0, random))
                    .isEqualTo(new AfterRollback.Fail("gave up after 3 attempt(s): deploy failed"));
        }

        @Test
        void aPermanentFailureIsNotRetried() {
            assertThat(decider.afterRollback(rotationFailed(1, FailureKind.PERMANENT), T0, random))
                    .isEqualTo(new AfterRollback.Fail("deploy failed"));
        }

        @Test
        void aConflictingWriteAbandonsTheRotation() {
            assertThat(decider.afterRollback(rotationFailed(1, FailureKind.CONFLICT), T0, random))
                    .isEqualTo(new AfterRollback.Abandon("deploy failed"));
        }

        private Rotation rotationFailed(int attempt, FailureKind kind) {
            return Rotation.from(event("r-1", RotationPhase.REQUESTED, T0))
                    .evolve(RotationFixtures.failureEvent("r-1", RotationPhase.ROLLING_BACK, attempt, kind, "deploy failed"));
        }
    }

    @Test
    void retryPolicyNeverExceedsItsMaximumAndRejectsNonsense() {
        RetryPolicy policy = new RetryPolicy(20, Duration.ofSeconds(30), Duration.ofMinutes(15));
        Random random = new Random(7);
        for (int attempt = 1; attempt <= 40; attempt++) {
            assertThat(policy.delay(attempt, random)).isLessThanOrEqualTo(Duration.ofMinutes(15)).isPositive();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("rekey.worker.max-attempts");
    }
}
