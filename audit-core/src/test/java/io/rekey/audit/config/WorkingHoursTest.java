package io.rekey.audit.config;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WorkingHoursTest {

    private static long t(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void theMostSpecificPatternWins() {
        WorkingHours hours = WorkingHours.of("s", List.of("*=MON-SUN 00:00-24:00", "svc-*=MON-FRI 06:00-20:00",
                "svc-batch=SAT-SUN 01:00-03:00", "svc-batch=MON 01:00-03:00"));
        assertThat(hours.forPrincipal("anyone").contains(t("2026-11-29T23:59:00Z"))).isTrue();
        assertThat(hours.forPrincipal("svc-orders").contains(t("2026-11-28T12:00:00Z"))).as("Saturday").isFalse();
        WorkingHours.Schedule batch = hours.forPrincipal("svc-batch");
        assertThat(batch.contains(t("2026-11-28T02:00:00Z"))).isTrue();
        assertThat(batch.contains(t("2026-11-23T02:59:59Z"))).as("Monday").isTrue();
        assertThat(batch.contains(t("2026-11-24T02:00:00Z"))).as("Tuesday").isFalse();
        assertThat(WorkingHours.of("s", List.of("svc-*=MON 01:00-02:00")).forPrincipal("alice")).isNull();
    }

    @Test
    void dayRangesMayWrapAroundTheWeek() {
        WorkingHours.Schedule weekend = WorkingHours.of("s", List.of("ops=FRI-MON 00:00-24:00")).forPrincipal("ops");
        assertThat(weekend.contains(t("2026-11-27T10:00:00Z"))).as("Friday").isTrue();
        assertThat(weekend.contains(t("2026-11-30T10:00:00Z"))).as("Monday").isTrue();
        assertThat(weekend.contains(t("2026-11-25T10:00:00Z"))).as("Wednesday").isFalse();
    }

    @Test
    void anOvernightShiftBelongsToTheDayItStarts() {
        WorkingHours.Schedule night = WorkingHours.of("s", List.of("ops=FRI 22:00-06:00 UTC")).forPrincipal("ops");
        assertThat(night.contains(t("2026-11-27T22:00:00Z"))).isTrue();
        assertThat(night.contains(t("2026-11-28T05:59:59Z"))).as("Saturday morning, Friday's shift").isTrue();
        assertThat(night.contains(t("2026-11-28T06:00:00Z"))).isFalse();
        assertThat(night.contains(t("2026-11-27T05:00:00Z"))).as("Friday morning belongs to Thursday").isFalse();
    }
}
