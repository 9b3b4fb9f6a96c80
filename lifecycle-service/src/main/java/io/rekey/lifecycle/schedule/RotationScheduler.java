package io.rekey.lifecycle.schedule;

import io.rekey.lifecycle.domain.StateMachine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which scheduled rotations are due: pure, given the secrets, the emergency flag and the time.
 *
 * <p>A secret's due times ("slots"): for an interval policy, the last rotation plus the interval (the first one:
 * registration plus interval plus phase offset, or the registration itself when it asks to be rotated on
 * registration); for a cron policy, each cron time after the last rotation (or registration), shifted by the phase
 * offset. A slot is due from its time until its window closes. A slot whose window was missed (the service was
 * down, emergency mode, a failure) is not made up late: a cron schedule waits for its next time, an interval
 * schedule retries at the same time of day on each following day, so a secret is at most a day late and keeps its
 * maintenance hour.
 *
 * <p>Each slot has a name-based rotation id (secret id and slot time), so a restarted or second instance computes
 * the same id, and a slot whose id is already on the log is never issued again.
 */
public final class RotationScheduler {

    /** Tag of decoy credentials: never rotated (a changed decoy would stop being a trap). */
    public static final String HONEYTOKEN_TAG = "honeytoken";
    private static final Duration DAY = Duration.ofDays(1);

    /** What the schedule says about one secret now. */
    public sealed interface Plan {
        /** A rotation to request now. */
        record Due(String secretId, String rotationId, Instant slot, Instant windowEnd, int priority, Long gracePeriodMs)
                implements Plan { }

        /** Nothing to do until {@code nextSlot}; {@code missedSlot} is a slot whose window passed without a rotation. */
        record Waiting(Instant nextSlot, Instant missedSlot) implements Plan { }

        /** The current slot's command was already issued. */
        record Issued(String rotationId, Instant slot) implements Plan { }

        /** Scheduled rotation does not run for this secret now, and why; {@code slot} is the due time it holds back. */
        record Paused(String reason, Instant slot) implements Plan { }

        /** The policy has no interval or cron. */
        record ManualOnly() implements Plan { }
    }

    private RotationScheduler() {
    }

    /** Rotations due now, most urgent first. */
    public static List<Plan.Due> due(Collection<ScheduleInput> secrets, boolean emergency, Instant now) {
        List<Plan.Due> due = new ArrayList<>();
        for (ScheduleInput secret : secrets) {
            if (plan(secret, emergency, now) instanceof Plan.Due d) {
                due.add(d);
            }
        }
        due.sort(Comparator.comparingInt(Plan.Due::priority).reversed().thenComparing(Plan.Due::slot));
        return due;
    }

    public static Plan plan(ScheduleInput s, boolean emergency, Instant now) {
        Objects.requireNonNull(now, "now must not be null");
        RotationSchedule schedule = s.schedule();
        if (schedule instanceof RotationSchedule.ManualOnly) {
            return new Plan.ManualOnly();
        }
        if (s.honeytoken()) {
            return new Plan.Paused("tagged " + HONEYTOKEN_TAG + ": decoys are never rotated on schedule", null);
        }
        if (s.softDeleted()) {
            return new Plan.Paused("soft-deleted", null);
        }
        if (s.state() == null || !StateMachine.IN_SERVICE.contains(s.state())) {
            return new Plan.Paused("state " + s.state() + " is not rotated on schedule (only " + StateMachine.IN_SERVICE + ")", null);
        }
        Optional<Instant> first = firstSlot(s);
        if (first.isEmpty()) {
            return new Plan.Paused("the cron expression has no future time", null);
        }
        Instant slot;
        if (now.isBefore(first.get())) {
            return new Plan.Waiting(first.get(), null);
        }
        if (schedule instanceof RotationSchedule.Interval) {
            long daysLate = Duration.between(first.get(), now).toDays();
            slot = first.get().plus(DAY.multipliedBy(daysLate));
        } else {
            RotationSchedule.Cron cron = (RotationSchedule.Cron) schedule;
            slot = cron.slotAtOrBefore(now).filter(t -> t.isAfter(first.get())).orElse(first.get());
        }
        Instant windowEnd = slot.plus(schedule.window());
        if (now.isAfter(windowEnd)) {
            return new Plan.Waiting(nextSlotAfter(schedule, slot, now), slot);
        }
        String rotationId = rotationId(s.secretId(), slot);
        if (s.knownRotationIds().contains(rotationId)) {
            return new Plan.Issued(rotationId, slot);
        }
        if (s.rotationFailed()) {
            return new Plan.Paused("the last rotation failed; a person must clear the failure or rotate it manually", slot);
        }
        if (emergency) {
            return new Plan.Paused("emergency mode is on", slot);
        }
        if (s.inFlight() != null) {
            return new Plan.Paused("rotation " + s.inFlight().rotationId() + " is in flight (" + s.inFlight().phase() + ")", slot);
        }
        return new Plan.Due(s.secretId(), rotationId, slot, windowEnd, s.priority(), s.gracePeriodMs());
    }

    /**
     * Since when the secret has been overdue: its first due time after the last rotation (or registration) plus
     * the window has passed without a rotation. Empty for manual-only policies, decoys and secrets out of service.
     */
    public static Optional<Instant> overdueSince(ScheduleInput s, Instant now) {
        if (s.schedule() instanceof RotationSchedule.ManualOnly || s.honeytoken() || s.softDeleted()
                || s.state() == null || !StateMachine.IN_SERVICE.contains(s.state())) {
            return Optional.empty();
        }
        return firstSlot(s).filter(first -> now.isAfter(first.plus(s.schedule().window())));
    }

    /** The deterministic rotation id of the scheduled rotation of {@code secretId} due at {@code slot}. */
    public static String rotationId(String secretId, Instant slot) {
        return NameBasedIds.of("scheduled-rotation", secretId, Long.toString(slot.toEpochMilli()));
    }

    /** The first due time after the last rotation, or after registration. */
    static Optional<Instant> firstSlot(ScheduleInput s) {
        RotationSchedule schedule = s.schedule();
        Instant last = s.lastRotatedAt() != null && s.lastRotatedAt().isAfter(s.registeredAt()) ? s.lastRotatedAt() : null;
        if (last == null && s.rotateOnRegister()) {
            return Optional.of(s.registeredAt());
        }
        if (schedule instanceof RotationSchedule.Interval interval) {
            return Optional.of(last != null ? last.plus(interval.interval())
                    : s.registeredAt().plus(interval.interval()).plus(interval.phaseOffset()));
        }
        if (schedule instanceof RotationSchedule.Cron cron) {
            return cron.slotAfter(last != null ? last : s.registeredAt());
        }
        return Optional.empty();
    }

    private static Instant nextSlotAfter(RotationSchedule schedule, Instant missed, Instant now) {
        if (schedule instanceof RotationSchedule.Cron cron) {
            return cron.slotAfter(now).orElse(null);
        }
        return missed.plus(DAY);
    }
}
