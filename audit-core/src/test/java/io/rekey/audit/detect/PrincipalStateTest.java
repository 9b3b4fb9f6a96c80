package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalStateTest {

    private final PrincipalState.Capacities capacities = PrincipalState.Capacities.of(AuditConfig.defaults());

    @Test
    void capacitiesAreTwiceTheThresholds() {
        assertThat(capacities.reads()).isEqualTo(40);
        assertThat(capacities.failures()).isEqualTo(10);
        assertThat(capacities.ips()).isEqualTo(6);
    }

    @Test
    void survivesARoundTripThroughBytes() {
        PrincipalState state = new PrincipalState(capacities);
        state.firstSeen = 1;
        state.lastSeen = 99;
        state.events = 7;
        state.lastListAt = 50;
        state.lastListEventId = "list-1";
        state.reads.touch("s1", 10, "e1", null);
        state.reads.touch("s2", 11, "e2", null);
        state.failures.add(null, 12, "e3", null);
        state.ips.touch("10.0.0.1", 13, "e4", null);
        state.countries.touch("GB", 14, "e5", null);
        state.grants.touch("db/x", 15, "g1", "mallory");
        state.markHour(Instant.parse("2026-11-23T09:30:00Z").toEpochMilli());
        state.lastEmitted[AnomalyType.HONEYTOKEN.ordinal()] = 77;
        state.suppressed[AnomalyType.HONEYTOKEN.ordinal()] = 3;

        PrincipalState copy = PrincipalState.fromBytes(state.toBytes(), capacities);

        assertThat(copy.toBytes()).isEqualTo(state.toBytes());
        assertThat(copy.reads.key(1)).isEqualTo("s2");
        assertThat(copy.failures.key(0)).isNull();
        assertThat(copy.grants.extra(0)).isEqualTo("mallory");
        assertThat(copy.usualHour(Instant.parse("2026-11-30T09:05:00Z").toEpochMilli(), 0)).as("same hour next week").isTrue();
        assertThat(copy.lastEmitted[AnomalyType.HONEYTOKEN.ordinal()]).isEqualTo(77);
        assertThat(copy.suppressed[AnomalyType.HONEYTOKEN.ordinal()]).isEqualTo(3);
        assertThat(copy.lastEmitted[AnomalyType.FIRST_SEEN.ordinal()]).isEqualTo(PrincipalState.NONE);
    }

    @Test
    void staysSmallForABusyPrincipal() {
        PrincipalState state = new PrincipalState(capacities);
        for (int i = 0; i < 10_000; i++) {
            state.reads.touch("secret/" + i, i, java.util.UUID.randomUUID().toString(), null);
            state.failures.add("secret/" + i, i, java.util.UUID.randomUUID().toString(), null);
            state.ips.touch("10.0." + (i % 250) + ".1", i, "e", null);
        }
        assertThat(state.reads.size()).isEqualTo(40);
        assertThat(state.reads.key(state.reads.indexOf("secret/9999"))).isEqualTo("secret/9999");
        assertThat(state.toBytes().length).isLessThan(5_000);
    }

    @Test
    void theBaselineForgetsHoursAfterTwoPeriods() {
        PrincipalState state = new PrincipalState(capacities);
        long monday9 = Instant.parse("2026-11-23T09:00:00Z").toEpochMilli();
        state.markHour(monday9);
        long later = monday9 + PrincipalState.BASELINE_PERIOD_MS;
        state.markHour(later + 3_600_000L * 5);
        assertThat(state.usualHour(later, 0)).as("remembered one period later").isTrue();
        state.markHour(later + 2 * PrincipalState.BASELINE_PERIOD_MS);
        assertThat(state.usualHour(later + 2 * PrincipalState.BASELINE_PERIOD_MS + 3_600_000L, 0)).isFalse();
    }

    @Test
    void eventIdsSurviveExactlyWhateverTheirForm() {
        PrincipalState state = new PrincipalState(capacities);
        String uuid = "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3";
        String upper = "0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3";
        state.reads.touch("a", 1, uuid, null);
        state.reads.touch("b", 2, upper, null);
        state.reads.touch("c", 3, "vault-audit-77", null);
        state.reads.touch("d", 4, null, null);
        state.reads.touch("e", 5, "ffffffff-ffff-ffff-ffff-ffffffffffff", null);

        Recent copy = PrincipalState.fromBytes(state.toBytes(), capacities).reads;

        assertThat(copy.eventId(copy.indexOf("a"))).isEqualTo(uuid);
        assertThat(copy.eventId(copy.indexOf("b"))).isEqualTo(upper);
        assertThat(copy.eventId(copy.indexOf("c"))).isEqualTo("vault-audit-77");
        assertThat(copy.eventId(copy.indexOf("d"))).isNull();
        assertThat(copy.eventId(copy.indexOf("e"))).isEqualTo("ffffffff-ffff-ffff-ffff-ffffffffffff");
        assertThat(Recent.isCanonicalUuid(upper)).isFalse();
    }
}
