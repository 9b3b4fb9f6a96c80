package io.rekey.lifecycle.schedule;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.rekey.schema.RotationPolicy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** When a secret is rotated, as its descriptor's rotation policy says. */
public sealed interface RotationSchedule {

    /** How long after a due time a scheduled rotation may still start. */
    Duration window();

    /**
     * Every {@code interval} after the last rotation. {@code phaseOffset} shifts the first due time after
     * registration; each rotation then anchors the next, so paired credentials keep their spacing.
     */
    record Interval(Duration interval, Duration phaseOffset, Duration window) implements RotationSchedule {
        public Interval {
            Objects.requireNonNull(interval, "interval must not be null");
            Objects.requireNonNull(phaseOffset, "phaseOffset must not be null");
            Objects.requireNonNull(window, "window must not be null");
        }
    }

    /** At the times of a 5-field Unix cron expression in UTC, each shifted by {@code phaseOffset}. */
    record Cron(String expression, Duration phaseOffset, Duration window) implements RotationSchedule {
        public Cron {
            Objects.requireNonNull(expression, "expression must not be null");
            Objects.requireNonNull(phaseOffset, "phaseOffset must not be null");
            Objects.requireNonNull(window, "window must not be null");
            CronTimes.of(expression);
        }

        /** The first due time strictly after {@code t}. */
        public Optional<Instant> slotAfter(Instant t) {
            ZonedDateTime from = t.minus(phaseOffset).atZone(ZoneOffset.UTC);
            return CronTimes.of(expression).nextExecution(from).map(z -> z.toInstant().plus(phaseOffset));
        }

        /** The latest due time at or before {@code t}. */
        public Optional<Instant> slotAtOrBefore(Instant t) {
            ZonedDateTime probe = t.minus(phaseOffset).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).atZone(ZoneOffset.UTC);
            return CronTimes.of(expression).lastExecution(probe).map(z -> z.toInstant().plus(phaseOffset))
                    .filter(slot -> !slot.isAfter(t));
        }
    }

    /** Rotated only on request. */
    record ManualOnly(Duration window) implements RotationSchedule {
    }

    /** The schedule a descriptor's policy describes; the policy must have been validated. */
    static RotationSchedule of(RotationPolicy policy) {
        Duration window = Duration.ofMinutes(policy.getWindowMinutes());
        Duration offset = Duration.ofMinutes(policy.getPhaseOffsetMinutes());
        if (policy.getIntervalDays() != null) {
            return new Interval(Duration.ofDays(policy.getIntervalDays()), offset, window);
        }
        if (policy.getCron() != null && !policy.getCron().isBlank()) {
            return new Cron(policy.getCron().trim(), offset, window);
        }
        return new ManualOnly(window);
    }

    /** Parsed cron expressions, kept because the schedule is evaluated on every tick. */
    final class CronTimes {
        private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
        private static final Map<String, ExecutionTime> CACHE = new ConcurrentHashMap<>();
        private static final int CACHE_LIMIT = 10_000;

        private CronTimes() {
        }

        /** Parses a 5-field Unix cron expression; IllegalArgumentException with the parser's reason if it is not one. */
        public static ExecutionTime of(String expression) {
            ExecutionTime cached = CACHE.get(expression);
            if (cached != null) {
                return cached;
            }
            ExecutionTime parsed = ExecutionTime.forCron(PARSER.parse(expression).validate());
            if (CACHE.size() < CACHE_LIMIT) {
                CACHE.put(expression, parsed);
            }
            return parsed;
        }
    }
}
