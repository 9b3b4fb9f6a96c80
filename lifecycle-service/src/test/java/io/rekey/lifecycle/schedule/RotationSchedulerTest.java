package io.rekey.lifecycle.schedule;

import io.rekey.lifecycle.schedule.RotationScheduler.Plan;
import io.rekey.testkit.MutableClock;
import io.rekey.schema.LifecycleState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RotationSchedulerTest {

    /** A Wednesday. */
    private static final Instant REGISTERED = Instant.parse("2026-03-04T10:00:00Z");
    private final MutableClock clock = new MutableClock(REGISTERED);

    private static RotationSchedule.Interval everyDays(int days, int offsetMinutes) {
        return new RotationSchedule.Interval(Duration.ofDays(days), Duration.ofMinutes(offsetMinutes), Duration.ofMinutes(60));
    }

    private static ScheduleInput secret(String id, RotationSchedule schedule) {
        return new ScheduleInput(id, schedule, false, LifecycleState.ACTIVATED, false, false, REGISTERED, null, false,
                null, Set.of(), 0, null);
    }

    private static ScheduleInput rotatedAt(ScheduleInput s, Instant at) {
        return new ScheduleInput(s.secretId(), s.schedule(), s.rotateOnRegister(), LifecycleState.ROTATED, s.softDeleted(),
                s.honeytoken(), s.registeredAt(), at, s.rotationFailed(), s.inFlight(), s.knownRotationIds(), s.priority(),
                s.gracePeriodMs());
    }

    private Plan plan(ScheduleInput s) {
        return RotationScheduler.plan(s, false, clock.instant());
    }

    @Test
    void firstRotationWaitsOneIntervalAfterRegistration() {
        ScheduleInput s = secret("db/orders", everyDays(30, 0));

        clock.advance(Duration.ofDays(29));
        assertThat(plan(s)).isEqualTo(new Plan.Waiting(REGISTERED.plus(Duration.ofDays(30)), null));

        clock.set(REGISTERED.plus(Duration.ofDays(30)).plusSeconds(600));
        Plan.Due due = (Plan.Due) plan(s);
        assertThat(due.slot()).isEqualTo(REGISTERED.plus(Duration.ofDays(30)));
        assertThat(due.windowEnd()).isEqualTo(due.slot().plus(Duration.ofMinutes(60)));
        assertThat(due.rotationId()).isEqualTo(RotationScheduler.rotationId("db/orders", due.slot()));
    }

    @Test
    void rotateOnRegisterIsDueAtOnce() {
        ScheduleInput s = new ScheduleInput("api/stripe", everyDays(30, 0), true, LifecycleState.ACTIVATED, false, false,
                REGISTERED, null, false, null, Set.of(), 0, 60_000L);

        Plan.Due due = (Plan.Due) plan(s);

        assertThat(due.slot()).isEqualTo(REGISTERED);
        assertThat(due.gracePeriodMs()).isEqualTo(60_000L);
    }

    @Test
    void aManualRotationResetsTheInterval() {
        ScheduleInput s = rotatedAt(secret("db/orders", everyDays(30, 0)), REGISTERED.plus(Duration.ofDays(10)));

        clock.set(REGISTERED.plus(Duration.ofDays(30)).plusSeconds(60));
        assertThat(plan(s)).isEqualTo(new Plan.Waiting(REGISTERED.plus(Duration.ofDays(40)), null));

        clock.set(REGISTERED.plus(Duration.ofDays(40)).plusSeconds(60));
        assertThat(((Plan.Due) plan(s)).slot()).isEqualTo(REGISTERED.plus(Duration.ofDays(40)));
    }

    @Test
    void aMissedWindowIsNotMadeUpLateButRetriedNextDayAtTheSameTime() {
        ScheduleInput s = secret("db/orders", everyDays(7, 0));
        Instant due = REGISTERED.plus(Duration.ofDays(7));

        clock.set(due.plus(Duration.ofMinutes(61)));
        assertThat(plan(s)).isEqualTo(new Plan.Waiting(due.plus(Duration.ofDays(1)), due));
        assertThat(RotationScheduler.overdueSince(s, clock.instant())).contains(due);

        clock.set(due.plus(Duration.ofDays(1)).plusSeconds(5));
        assertThat(((Plan.Due) plan(s)).slot()).isEqualTo(due.plus(Duration.ofDays(1)));
    }

    @Test
    void cronSlotsAreUtcAndTheFirstOneAfterRegistrationCounts() {
        ScheduleInput s = secret("jwt/signing", new RotationSchedule.Cron("0 3 * * 1", Duration.ZERO, Duration.ofMinutes(30)));
        Instant monday = Instant.parse("2026-03-09T03:00:00Z");

        assertThat(plan(s)).isEqualTo(new Plan.Waiting(monday, null));

        clock.set(monday.plusSeconds(29 * 60));
        assertThat(((Plan.Due) plan(s)).slot()).isEqualTo(monday);

        clock.set(monday.plusSeconds(31 * 60));
        assertThat(plan(s)).isEqualTo(new Plan.Waiting(monday.plus(Duration.ofDays(7)), monday));
    }

    @Test
    void cronIsNotDueAgainAfterTheSlotWasRotated() {
        Instant monday = Instant.parse("2026-03-09T03:00:00Z");
        ScheduleInput s = rotatedAt(secret("jwt/signing", new RotationSchedule.Cron("0 3 * * 1", Duration.ZERO,
                Duration.ofMinutes(30))), monday.plusSeconds(90));

        clock.set(monday.plusSeconds(600));

        assertThat(plan(s)).isEqualTo(new Plan.Waiting(monday.plus(Duration.ofDays(7)), null));
    }

    @Test
    void phaseOffsetSeparatesPairedCredentialsAndTheyKeepTheirSpacing() {
        ScheduleInput blue = secret("db/orders-blue", everyDays(30, 0));
        ScheduleInput green = secret("db/orders-green", everyDays(30, 720));
        Instant blueDue = REGISTERED.plus(Duration.ofDays(30));

        clock.set(blueDue.plusSeconds(60));
        assertThat(plan(blue)).isInstanceOf(Plan.Due.class);
        assertThat(plan(green)).isEqualTo(new Plan.Waiting(blueDue.plus(Duration.ofHours(12)), null));

        ScheduleInput blueRotated = rotatedAt(blue, blueDue.plusSeconds(60));
        ScheduleInput greenRotated = rotatedAt(green, blueDue.plus(Duration.ofHours(12)).plusSeconds(60));
        Plan.Waiting blueNext = (Plan.Waiting) plan(blueRotated);
        clock.set(blueDue.plus(Duration.ofHours(13)));
        Plan.Waiting greenNext = (Plan.Waiting) plan(greenRotated);
        assertThat(Duration.between(blueNext.nextSlot(), greenNext.nextSlot())).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void cronPhaseOffsetShiftsEverySlot() {
        ScheduleInput s = secret("jwt/signing-b", new RotationSchedule.Cron("0 3 * * 1", Duration.ofMinutes(90), Duration.ofMinutes(30)));

        assertThat(plan(s)).isEqualTo(new Plan.Waiting(Instant.parse("2026-03-09T04:30:00Z"), null));
    }

    @Test
    void aRestartIssuesNoDuplicateForASlotAlreadyOnTheLog() {
        ScheduleInput s = secret("db/orders", everyDays(30, 0));
        clock.set(REGISTERED.plus(Duration.ofDays(30)).plusSeconds(60));
        List<Plan.Due> first = RotationScheduler.due(List.of(s), false, clock.instant());
        assertThat(first).hasSize(1);

        // After a restart the view is rebuilt from rekey.rotation.commands, which holds the command just issued.
        ScheduleInput rebuilt = new ScheduleInput(s.secretId(), s.schedule(), false, LifecycleState.ACTIVATED, false, false,
                REGISTERED, null, false, null, Set.of(first.get(0).rotationId()), 0, null);
        clock.advance(Duration.ofMinutes(5));

        assertThat(RotationScheduler.due(List.of(rebuilt), false, clock.instant())).isEmpty();
        assertThat(plan(rebuilt)).isEqualTo(new Plan.Issued(first.get(0).rotationId(), first.get(0).slot()));
    }

    @Test
    void emergencyModeFailuresAndRotationsInFlightPause() {
        ScheduleInput s = secret("db/orders", everyDays(1, 0));
        clock.set(REGISTERED.plus(Duration.ofDays(1)).plusSeconds(60));
        Instant slot = REGISTERED.plus(Duration.ofDays(1));

        assertThat(RotationScheduler.plan(s, true, clock.instant())).isEqualTo(new Plan.Paused("emergency mode is on", slot));
        ScheduleInput failed = new ScheduleInput(s.secretId(), s.schedule(), false, LifecycleState.ACTIVATED, false, false,
                REGISTERED, null, true, null, Set.of(), 0, null);
        assertThat(plan(failed)).isEqualTo(new Plan.Paused(
                "the last rotation failed; a person must clear the failure or rotate it manually", slot));
        ScheduleInput busy = new ScheduleInput(s.secretId(), s.schedule(), false, LifecycleState.ACTIVATED, false, false,
                REGISTERED, null, false, new ScheduleInput.InFlight("r-9", "DEPLOYED", slot), Set.of(), 0, null);
        assertThat(plan(busy)).isEqualTo(new Plan.Paused("rotation r-9 is in flight (DEPLOYED)", slot));
    }

    @Test
    void decoysAndSecretsOutOfServiceAreNeverScheduled() {
        clock.set(REGISTERED.plus(Duration.ofDays(31)));
        ScheduleInput decoy = new ScheduleInput("aws/decoy", everyDays(30, 0), false, LifecycleState.ACTIVATED, false, true,
                REGISTERED, null, false, null, Set.of(), 0, null);
        ScheduleInput deprecated = new ScheduleInput("db/old", everyDays(30, 0), false, LifecycleState.DEPRECATED, false, false,
                REGISTERED, null, false, null, Set.of(), 0, null);
        ScheduleInput manual = secret("db/manual", new RotationSchedule.ManualOnly(Duration.ofMinutes(60)));

        assertThat(RotationScheduler.due(List.of(decoy, deprecated, manual), false, clock.instant())).isEmpty();
        assertThat(plan(decoy)).isInstanceOf(Plan.Paused.class);
        assertThat(plan(manual)).isEqualTo(new Plan.ManualOnly());
        assertThat(RotationScheduler.overdueSince(decoy, clock.instant())).isEmpty();
    }

    @Test
    void moreCriticalSecretsComeFirst() {
        clock.set(REGISTERED.plus(Duration.ofDays(30)).plusSeconds(60));
        ScheduleInput low = secret("a/low", everyDays(30, 0));
        ScheduleInput critical = new ScheduleInput("z/critical", everyDays(30, 0), false, LifecycleState.ACTIVATED, false,
                false, REGISTERED, null, false, null, Set.of(), 3, null);

        assertThat(RotationScheduler.due(List.of(low, critical), false, clock.instant()))
                .extracting(Plan.Due::secretId).containsExactly("z/critical", "a/low");
    }

    @Test
    void scheduledRotationIdsAreNameBasedUuids() {
        String id = RotationScheduler.rotationId("db/orders", REGISTERED);

        assertThat(id).isEqualTo(RotationScheduler.rotationId("db/orders", REGISTERED));
        assertThat(id).isNotEqualTo(RotationScheduler.rotationId("db/orders", REGISTERED.plusMillis(1)));
        assertThat(java.util.UUID.fromString(id).version()).isEqualTo(5);
    }
}
