package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.WorkingHours;
import io.rekey.schema.AnomalyType;

import java.time.Instant;

/**
 * Access outside the principal's working hours: the configured ones if any match it, otherwise its learned
 * hour-of-week baseline (hours with activity in the last four to eight weeks, give or take the tolerance), used only
 * once the principal has enough history.
 */
final class UnusualTime implements Detector {

    private final WorkingHours workingHours;
    private final long minHistory;
    private final int minEvents;
    private final int tolerance;
    private final String scheduleRule;
    private final String baselineRule;

    /** Whether the principal of the event {@link #trips} just looked at has configured hours. */
    private boolean scheduled;

    UnusualTime(AuditConfig config) {
        workingHours = config.workingHours();
        minHistory = config.baselineMinHistory().toMillis();
        minEvents = config.baselineMinEvents();
        tolerance = config.baselineToleranceHours();
        scheduleRule = "unusual-time(outside configured working hours)";
        baselineRule = "unusual-time(hour of week outside learned baseline +-" + tolerance + "h)";
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.UNUSUAL_TIME;
    }

    @Override
    public boolean beforeUpdate() {
        return true;
    }

    @Override
    public boolean trips(Observation o) {
        WorkingHours.Schedule schedule = workingHours.isEmpty() ? null : workingHours.forPrincipal(o.principal);
        scheduled = schedule != null;
        if (scheduled) {
            return !schedule.contains(o.time);
        }
        PrincipalState s = o.state;
        boolean enoughHistory = s.events >= minEvents && s.firstSeen != PrincipalState.NONE && o.time - s.firstSeen >= minHistory;
        return enoughHistory && !s.usualHour(o.time, tolerance);
    }

    @Override
    public Finding describe(Observation o) {
        if (scheduled) {
            return Finding.single(type(), scheduleRule, o.principal + " accessed at " + Instant.ofEpochMilli(o.time)
                    + ", outside its working hours", o).asVariant("schedule", 0);
        }
        return Finding.single(type(), baselineRule, o.principal + " accessed at " + Instant.ofEpochMilli(o.time)
                + ", an hour of the week it has not been active in recently", o).asVariant("baseline", 0);
    }
}
