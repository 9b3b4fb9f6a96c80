package io.rekey.audit.stream;

import io.rekey.schema.AccessAction;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.rekey.audit.stream.AuditDriver.T0;
import static io.rekey.audit.stream.AuditDriver.event;
import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;

class NoiseControlTopologyTest {

    @Test
    void repeatsWithinTheCooldownAreSuppressedAndCountedOnTheNextAnomaly() {
        try (AuditDriver d = AuditDriver.with("cooldown", "PT15M")) {
            d.send(read("kim", "s", T0).setCountry("RU"));
            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(5))).setCountry("RU"));
            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(15)).minusMillis(1)).setCountry("CN"));
            assertThat(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION)).hasSize(1)
                    .allSatisfy(a -> assertThat(a.getSuppressedCount()).isZero());
            assertThat(d.metrics.get("suppressed.GEOGRAPHIC_VIOLATION")).isEqualTo(2);

            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(15))).setCountry("RU"));
            Anomaly next = DetectorsTopologyTest.single(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION));
            assertThat(next.getSuppressedCount()).isEqualTo(2);
            assertThat(next.getSeverity()).as("three occurrences raise HIGH one level").isEqualTo(Severity.CRITICAL);
        }
    }

    @Test
    void cooldownIsPerPrincipalAndType() {
        try (AuditDriver d = AuditDriver.with()) {
            d.send(read("kim", "s", T0).setCountry("RU"));
            d.send(read("lee", "s", T0.plusMillis(1)).setCountry("RU"));
            d.send(read("kim", "s", T0.plusMillis(2)).setCountry("RU").setSourceIp("8.8.8.8"));
            assertThat(d.anomalies()).extracting(a -> a.getPrincipalId() + ":" + a.getType())
                    .containsExactly("kim:GEOGRAPHIC_VIOLATION", "lee:GEOGRAPHIC_VIOLATION", "kim:IP_RANGE_VIOLATION");
        }
    }

    @Test
    void aDetectorsOwnCooldownOverridesTheGlobalOne() {
        try (AuditDriver d = AuditDriver.with("cooldown", "PT1H", "geographic-violation.cooldown", "PT1M")) {
            d.send(read("kim", "s", T0).setCountry("RU"));
            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(1))).setCountry("RU"));
            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(1))).setSourceIp("8.8.8.8"));
            d.send(read("kim", "s", T0.plus(Duration.ofMinutes(2))).setSourceIp("8.8.8.8"));
            assertThat(d.anomalies()).extracting(Anomaly::getType).containsExactly(AnomalyType.GEOGRAPHIC_VIOLATION,
                    AnomalyType.GEOGRAPHIC_VIOLATION, AnomalyType.IP_RANGE_VIOLATION);
        }
    }

    @Test
    void allowListedPrincipalsAreNotReportedByThatDetectorOnly() {
        try (AuditDriver d = AuditDriver.with("excessive-access.threshold", "3", "excessive-access.allow-principals",
                "svc-backup-*,svc-indexer")) {
            for (String principal : List.of("svc-backup-eu", "svc-indexer", "svc-orders")) {
                for (int i = 0; i < 3; i++) {
                    d.send(read(principal, "s" + i, T0.plusSeconds(i)).setCountry("RU"));
                }
            }
            List<Anomaly> found = d.anomalies();
            assertThat(found).filteredOn(a -> a.getType() == AnomalyType.EXCESSIVE_ACCESS)
                    .extracting(Anomaly::getPrincipalId).containsExactly("svc-orders");
            assertThat(found).filteredOn(a -> a.getType() == AnomalyType.GEOGRAPHIC_VIOLATION)
                    .extracting(Anomaly::getPrincipalId).containsExactly("svc-backup-eu", "svc-indexer", "svc-orders");
        }
    }

    @Test
    void aDisabledDetectorReportsNothing() {
        try (AuditDriver d = AuditDriver.with("geographic-violation.enabled", "false")) {
            d.send(read("kim", "s", T0).setCountry("RU"));
            assertThat(d.anomalies()).isEmpty();
        }
    }

    @Test
    void severityRisesWithTheCountAgainstTheThreshold() {
        try (AuditDriver d = AuditDriver.with("failed-attempts.threshold", "2", "failed-attempts.cooldown", "PT0S")) {
            for (int i = 0; i < 4; i++) {
                d.send(event("kim", AccessAction.LOGIN, null, T0.plusSeconds(i)).setOutcome(io.rekey.schema.AccessResult.FAILURE));
            }
            assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).extracting(Anomaly::getCount, Anomaly::getSeverity)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, Severity.MEDIUM),
                            org.assertj.core.groups.Tuple.tuple(3L, Severity.MEDIUM),
                            org.assertj.core.groups.Tuple.tuple(4L, Severity.HIGH));
        }
    }

    @Test
    void anomalyIdsAreDeterministic() {
        String first;
        try (AuditDriver d = AuditDriver.with()) {
            d.send(read("kim", "s", T0).setCountry("RU").setId("event-1"));
            first = d.anomalies().get(0).getId();
        }
        try (AuditDriver d = AuditDriver.with()) {
            d.send(read("kim", "s", T0).setCountry("RU").setId("event-1"));
            assertThat(d.anomalies().get(0).getId()).isEqualTo(first);
        }
    }
}
