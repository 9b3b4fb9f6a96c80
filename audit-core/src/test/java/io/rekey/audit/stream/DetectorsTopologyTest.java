package io.rekey.audit.stream;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.Severity;
import io.rekey.testkit.Samples;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.rekey.audit.stream.AuditDriver.T0;
import static io.rekey.audit.stream.AuditDriver.event;
import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every detector at and around its threshold and window edges, through the whole topology, with event time set
 * explicitly. Windows are inclusive at both ends, as Kafka's sliding windows are: events exactly one window apart
 * still share one.
 */
class DetectorsTopologyTest {

    static Instant at(Duration offset) {
        return T0.plus(offset);
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Nested
    class ExcessiveAccess {

        @Test
        void firesOnTheTwentiethDistinctSecretWithinTenMinutes() {
            try (AuditDriver d = AuditDriver.with()) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 19; i++) {
                    ids.add(d.send(read("alice", "s" + i, at(Duration.ofSeconds(i * 30)))).getId());
                }
                assertThat(d.anomalies(AnomalyType.EXCESSIVE_ACCESS)).isEmpty();

                AccessEvent twentieth = d.send(read("alice", "s19", at(Duration.ofMinutes(10))));

                Anomaly a = single(d.anomalies(AnomalyType.EXCESSIVE_ACCESS));
                assertThat(a.getCount()).isEqualTo(20);
                assertThat(a.getPrincipalId()).isEqualTo("alice");
                assertThat(a.getSecretIds()).hasSize(20).contains("s0", "s19");
                assertThat(a.getEvidence()).hasSize(20).contains(twentieth.getId(), ids.get(0));
                assertThat(a.getWindowStart()).isEqualTo(T0);
                assertThat(a.getWindowEnd()).isEqualTo(at(Duration.ofMinutes(10)));
                assertThat(a.getOccurredAt()).isEqualTo(twentieth.getOccurredAt());
                assertThat(a.getSeverity()).isEqualTo(Severity.MEDIUM);
                assertThat(a.getRule()).isEqualTo("excessive-access(distinct secrets>=20 in PT10M)");
            }
        }

        @Test
        void aReadOneMillisecondOutsideTheWindowDoesNotCount() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("alice", "s0", T0));
                for (int i = 1; i < 20; i++) {
                    d.send(read("alice", "s" + i, at(Duration.ofMinutes(10).plusMillis(1))));
                }
                assertThat(d.anomalies(AnomalyType.EXCESSIVE_ACCESS)).isEmpty();
            }
        }

        @Test
        void rereadingTheSameSecretsOrWritingDoesNotCount() {
            try (AuditDriver d = AuditDriver.with()) {
                for (int i = 0; i < 40; i++) {
                    d.send(read("alice", "s" + (i % 10), at(Duration.ofSeconds(i))));
                }
                for (int i = 10; i < 30; i++) {
                    d.send(event("alice", AccessAction.WRITE, "s" + i, at(Duration.ofSeconds(60 + i))));
                }
                assertThat(d.anomalies(AnomalyType.EXCESSIVE_ACCESS)).isEmpty();
            }
        }

        @Test
        void principalsAreCountedSeparately() {
            try (AuditDriver d = AuditDriver.with()) {
                for (int i = 0; i < 20; i++) {
                    d.send(read(i % 2 == 0 ? "alice" : "bob", "s" + i, at(Duration.ofSeconds(i))));
                }
                assertThat(d.anomalies(AnomalyType.EXCESSIVE_ACCESS)).isEmpty();
            }
        }
    }

    @Nested
    class FailedAttempts {

        @Test
        void firesOnTheFifthFailureWithinFiveMinutesCountingDenials() {
            try (AuditDriver d = AuditDriver.with()) {
                for (int i = 0; i < 4; i++) {
                    d.send(read("mallory", "db/orders", at(Duration.ofMinutes(i)))
                            .setOutcome(i % 2 == 0 ? AccessResult.FAILURE : AccessResult.DENIED));
                }
                assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).isEmpty();

                d.send(read("mallory", "db/payments", at(Duration.ofMinutes(5))).setOutcome(AccessResult.FAILURE));

                Anomaly a = single(d.anomalies(AnomalyType.FAILED_ATTEMPTS));
                assertThat(a.getCount()).isEqualTo(5);
                assertThat(a.getEvidence()).hasSize(5);
                assertThat(a.getSecretIds()).containsExactlyInAnyOrder("db/orders", "db/payments");
                assertThat(a.getWindowStart()).isEqualTo(T0);
            }
        }

        @Test
        void failuresFurtherApartThanTheWindowDoNotAddUp() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("mallory", "x", T0).setOutcome(AccessResult.FAILURE));
                for (int i = 0; i < 4; i++) {
                    d.send(read("mallory", "x", at(Duration.ofMinutes(5).plusMillis(1 + i))).setOutcome(AccessResult.FAILURE));
                }
                assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).isEmpty();
            }
        }

        @Test
        void successesDoNotCount() {
            try (AuditDriver d = AuditDriver.with()) {
                for (int i = 0; i < 4; i++) {
                    d.send(read("mallory", "x", at(Duration.ofSeconds(i))).setOutcome(AccessResult.FAILURE));
                }
                d.send(read("mallory", "x", at(Duration.ofSeconds(5))));
                assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).isEmpty();
            }
        }
    }

    @Nested
    class FirstSeen {

        @Test
        void staysQuietDuringTheLearningPeriodThenReportsANewPair() {
            try (AuditDriver d = AuditDriver.with("learning-period", "PT1H")) {
                d.send(read("svc-orders", "db/orders", T0));
                d.send(read("svc-orders", "db/users", at(Duration.ofMinutes(59))));
                assertThat(d.anomalies(AnomalyType.FIRST_SEEN)).isEmpty();

                AccessEvent novel = d.send(read("svc-orders", "db/payroll", at(Duration.ofHours(1))));
                d.send(read("svc-orders", "db/orders", at(Duration.ofHours(2))));

                Anomaly a = single(d.anomalies(AnomalyType.FIRST_SEEN));
                assertThat(a.getSecretIds()).containsExactly("db/payroll");
                assertThat(a.getEvidence()).containsExactly(novel.getId());
                assertThat(a.getSeverity()).isEqualTo(Severity.LOW);
                assertThat(a.getWindowStart()).isEqualTo(at(Duration.ofHours(1)).minus(Duration.ofDays(15)));
            }
        }

        @Test
        void aPairUnseenForLongerThanTheLookbackIsNewAgain() {
            try (AuditDriver d = AuditDriver.with("learning-period", "PT0S", "first-seen.cooldown", "PT0S")) {
                d.send(read("svc", "a", T0));
                d.anomalies();
                d.send(read("svc", "b", at(Duration.ofDays(7))));
                d.send(read("svc", "a", at(Duration.ofDays(15))));
                assertThat(d.anomalies(AnomalyType.FIRST_SEEN)).extracting(x -> x.getSecretIds().get(0)).containsExactly("b");

                d.send(read("svc", "a", at(Duration.ofDays(30).plusMillis(1))));
                assertThat(d.anomalies(AnomalyType.FIRST_SEEN)).singleElement()
                        .satisfies(x -> assertThat(x.getDescription()).contains("for the first time in 15 days"));
            }
        }
    }

    @Nested
    class UnusualTime {

        @Test
        void configuredHoursAreInclusiveAtTheStartAndExclusiveAtTheEnd() {
            try (AuditDriver d = AuditDriver.with("unusual-time.schedules", "alice=MON-FRI 08:00-18:00 UTC",
                    "unusual-time.cooldown", "PT0S")) {
                Instant monday8 = Instant.parse("2026-11-23T08:00:00Z");
                d.send(read("alice", "s", monday8.minusMillis(1)));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).hasSize(1);
                d.send(read("alice", "s", monday8));
                d.send(read("alice", "s", monday8.plus(Duration.ofHours(10)).minusMillis(1)));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).isEmpty();
                d.send(read("alice", "s", monday8.plus(Duration.ofHours(10))));
                d.send(read("alice", "s", Instant.parse("2026-11-28T12:00:00Z")));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).hasSize(2)
                        .allSatisfy(a -> assertThat(a.getRule()).isEqualTo("unusual-time(outside configured working hours)"));
            }
        }

        @Test
        void hoursAreReadInThePrincipalsZoneAndMayRunPastMidnight() {
            try (AuditDriver d = AuditDriver.with("unusual-time.schedules",
                    "alice=MON-FRI 08:00-18:00 Europe/London,ops-*=MON-SUN 22:00-06:00 UTC", "unusual-time.cooldown", "PT0S")) {
                // 2026-06-22 is a Monday in British Summer Time: 07:30Z is 08:30 in London.
                d.send(read("alice", "s", Instant.parse("2026-06-22T07:30:00Z")));
                d.send(read("ops-night", "s", Instant.parse("2026-06-22T23:00:00Z")));
                d.send(read("ops-night", "s", Instant.parse("2026-06-23T05:59:00Z")));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).isEmpty();
                d.send(read("ops-night", "s", Instant.parse("2026-06-23T06:00:00Z")));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).singleElement()
                        .extracting(Anomaly::getPrincipalId).isEqualTo("ops-night");
            }
        }

        @Test
        void aLearnedBaselineIsUsedOnceThereIsEnoughHistory() {
            try (AuditDriver d = AuditDriver.with("unusual-time.baseline-min-history", "P14D",
                    "unusual-time.baseline-min-events", "50", "unusual-time.cooldown", "PT0S")) {
                // Weekdays, 09:00 to 16:00 UTC, for three weeks.
                for (int day = 0; day < 21; day++) {
                    if (day % 7 >= 5) {
                        continue;
                    }
                    for (int hour = 0; hour < 8; hour++) {
                        d.send(read("bob", "s", at(Duration.ofDays(day).plusHours(hour))));
                    }
                    if (day == 9) {
                        // Wednesday 23:00, before 14 days of history: not judged yet.
                        d.send(read("bob", "s", at(Duration.ofDays(day).plusHours(14))));
                    }
                }
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).as("too little history before day 14").isEmpty();

                Instant monday = at(Duration.ofDays(21));
                d.send(read("bob", "s", monday.plus(Duration.ofHours(8))));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).as("17:00 is within an hour of 16:00").isEmpty();
                d.send(read("bob", "s", monday.plus(Duration.ofHours(16))));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_TIME)).singleElement()
                        .satisfies(a -> assertThat(a.getRule()).contains("learned baseline"));
            }
        }
    }

    @Nested
    class UnusualLocation {

        @Test
        void aCountryNotSeenForThePrincipalIsReportedOnce() {
            try (AuditDriver d = AuditDriver.with("learning-period", "PT1H")) {
                d.send(read("carol", "s", T0).setCountry("GB"));
                d.send(read("carol", "s", at(Duration.ofMinutes(30))).setCountry("DE"));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_LOCATION)).as("learning").isEmpty();

                d.send(read("carol", "s", at(Duration.ofHours(2))).setCountry("fr"));
                d.send(read("carol", "s", at(Duration.ofHours(3))).setCountry("FR"));
                d.send(read("carol", "s", at(Duration.ofHours(4))).setCountry("DE"));

                Anomaly a = single(d.anomalies(AnomalyType.UNUSUAL_LOCATION));
                assertThat(a.getCountries()).containsExactly("FR");
                assertThat(a.getWindowStart()).isEqualTo(at(Duration.ofHours(2)).minus(Duration.ofDays(30)));
            }
        }

        @Test
        void aCountryLastSeenBeyondTheLookbackIsUnusualAgain() {
            try (AuditDriver d = AuditDriver.with("learning-period", "PT0S")) {
                d.send(read("carol", "s", T0).setCountry("GB"));
                d.send(read("carol", "s", at(Duration.ofDays(1))).setCountry("DE"));
                d.send(read("carol", "s", at(Duration.ofDays(30))).setCountry("GB"));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_LOCATION)).extracting(a -> a.getCountries().get(0))
                        .containsExactly("DE");
                d.send(read("carol", "s", at(Duration.ofDays(31).plusMillis(1))).setCountry("DE"));
                assertThat(d.anomalies(AnomalyType.UNUSUAL_LOCATION)).hasSize(1);
            }
        }
    }

    @Nested
    class GeographicViolation {

        @Test
        void aCountryOutsideTheAllowedListIsReported() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("dave", "s", T0).setCountry("gb"));
                d.send(read("dave", "s", at(ms(1))).setCountry(null));
                assertThat(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION)).isEmpty();
                d.send(read("dave", "s", at(ms(2))).setCountry("KP"));
                Anomaly a = single(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION));
                assertThat(a.getCountries()).containsExactly("KP");
                assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
                assertThat(a.getRule()).isEqualTo("geographic-violation(country not in DE,FR,GB,IE,NL)");
            }
        }

        @Test
        void theAllowedListIsConfiguration() {
            try (AuditDriver d = AuditDriver.with("geographic-violation.allowed-countries", "US,CA")) {
                d.send(read("dave", "s", T0).setCountry("US"));
                d.send(read("dave", "s", at(ms(1))).setCountry("GB"));
                assertThat(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION)).extracting(a -> a.getCountries().get(0))
                        .containsExactly("GB");
            }
        }
    }

    @Nested
    class IpRangeViolation {

        @Test
        void addressesOutsideTheAllowedNetworksAreReportedIpv4AndIpv6() {
            try (AuditDriver d = AuditDriver.with("ip-range-violation.allowed-cidrs", "10.0.0.0/8,172.16.0.0/12,fd00::/8",
                    "ip-range-violation.cooldown", "PT0S")) {
                for (String inside : List.of("10.1.2.3", "172.31.255.255", "::ffff:10.9.9.9", "fd12::1", "fd00::1%eth0")) {
                    d.send(read("erin", "s", T0).setSourceIp(inside));
                }
                assertThat(d.anomalies(AnomalyType.IP_RANGE_VIOLATION)).isEmpty();

                for (String outside : List.of("172.32.0.1", "8.8.8.8", "2001:db8::1", "::ffff:8.8.8.8")) {
                    d.send(read("erin", "s", at(ms(1))).setSourceIp(outside));
                }
                assertThat(d.anomalies(AnomalyType.IP_RANGE_VIOLATION)).extracting(a -> a.getSourceIps().get(0))
                        .containsExactly("172.32.0.1", "8.8.8.8", "2001:db8::1", "::ffff:8.8.8.8");
            }
        }

        @Test
        void somethingThatIsNotAnAddressIsAViolationSaidSo() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("erin", "s", T0).setSourceIp("10.1"));
                assertThat(single(d.anomalies(AnomalyType.IP_RANGE_VIOLATION)).getDescription())
                        .isEqualTo("erin accessed from 10.1, which is not an IP address");
            }
        }
    }

    @Nested
    class ConcurrentAccess {

        @Test
        void threeDistinctAddressesWithinAMinuteFire() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("frank", "s", T0).setSourceIp("10.0.0.1"));
                d.send(read("frank", "s", at(Duration.ofSeconds(10))).setSourceIp("10.0.0.2"));
                d.send(read("frank", "s", at(Duration.ofSeconds(20))).setSourceIp("10.0.0.1"));
                assertThat(d.anomalies(AnomalyType.CONCURRENT_ACCESS)).isEmpty();
                d.send(read("frank", "s", at(Duration.ofMinutes(1))).setSourceIp("10.0.0.3"));
                Anomaly a = single(d.anomalies(AnomalyType.CONCURRENT_ACCESS));
                assertThat(a.getSourceIps()).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.0.0.3");
                assertThat(a.getCount()).isEqualTo(3);
            }
        }

        @Test
        void anAddressSeenJustOverAMinuteAgoNoLongerCounts() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(read("frank", "s", T0).setSourceIp("10.0.0.1"));
                d.send(read("frank", "s", at(Duration.ofSeconds(30))).setSourceIp("10.0.0.2"));
                d.send(read("frank", "s", at(Duration.ofMinutes(1).plusMillis(1))).setSourceIp("10.0.0.3"));
                assertThat(d.anomalies(AnomalyType.CONCURRENT_ACCESS)).isEmpty();
            }
        }
    }

    @Nested
    class PrivilegeEscalation {

        @Test
        void aPolicyChangeByANonAdminIsHighAndARefusedOneMedium() {
            try (AuditDriver d = AuditDriver.with("privilege-escalation.admins", "secops-*", "privilege-escalation.cooldown", "PT0S")) {
                d.send(event("secops-alice", AccessAction.POLICY_CHANGE, null, T0).setTargetPrincipalId("svc-orders"));
                assertThat(d.anomalies(AnomalyType.PRIVILEGE_ESCALATION)).isEmpty();

                d.send(event("grace", AccessAction.POLICY_CHANGE, null, at(ms(1))).setTargetPrincipalId("grace"));
                d.send(event("grace", AccessAction.POLICY_CHANGE, null, at(ms(2))).setOutcome(AccessResult.DENIED));
                assertThat(d.anomalies(AnomalyType.PRIVILEGE_ESCALATION)).extracting(Anomaly::getSeverity)
                        .containsExactly(Severity.HIGH, Severity.MEDIUM);
            }
        }

        @Test
        void aSelfGrantFollowedByUseWithinTheWindowIsCritical() {
            try (AuditDriver d = AuditDriver.with("privilege-escalation.admins", "secops-*")) {
                AccessEvent grant = d.send(event("secops-bob", AccessAction.GRANT, "db/payroll", T0)
                        .setTargetPrincipalId("secops-bob"));
                AccessEvent use = d.send(read("secops-bob", "db/payroll", at(Duration.ofMinutes(15))));

                Anomaly a = single(d.anomalies(AnomalyType.PRIVILEGE_ESCALATION));
                assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                assertThat(a.getEvidence()).containsExactly(grant.getId(), use.getId());
                assertThat(a.getDescription()).isEqualTo("secops-bob used db/payroll it granted itself within 15 minutes");
            }
        }

        @Test
        void aGrantByANonAdminIsReportedAndItsUseByTheGranteeToo() {
            try (AuditDriver d = AuditDriver.with()) {
                d.send(event("mallory", AccessAction.GRANT, "db/payroll", T0).setTargetPrincipalId("eve"));
                d.send(read("eve", "db/payroll", at(Duration.ofMinutes(1))));
                List<Anomaly> found = d.anomalies(AnomalyType.PRIVILEGE_ESCALATION);
                assertThat(found).extracting(Anomaly::getPrincipalId).containsExactly("mallory", "eve");
                assertThat(found.get(1).getSeverity()).isEqualTo(Severity.CRITICAL);
                assertThat(found.get(1).getDescription()).contains("granted by mallory, who has no right to grant");
            }
        }

        @Test
        void useAfterTheWindowOrOfAnotherSecretIsNotAnEscalation() {
            try (AuditDriver d = AuditDriver.with("privilege-escalation.admins", "secops-*")) {
                d.send(event("secops-bob", AccessAction.GRANT, "db/payroll", T0).setTargetPrincipalId("secops-bob"));
                d.send(read("secops-bob", "db/orders", at(Duration.ofMinutes(1))));
                d.send(read("secops-bob", "db/payroll", at(Duration.ofMinutes(15).plusMillis(1))));
                d.send(event("secops-bob", AccessAction.GRANT, "db/hr", at(Duration.ofMinutes(20))).setTargetPrincipalId("svc-hr"));
                d.send(read("svc-hr", "db/hr", at(Duration.ofMinutes(21))));
                assertThat(d.anomalies(AnomalyType.PRIVILEGE_ESCALATION)).isEmpty();
            }
        }
    }

    @Nested
    class Honeytoken {

        @Test
        void anyAccessToATaggedSecretIsCriticalUntilTheTagGoes() {
            try (AuditDriver d = AuditDriver.with("honeytoken.cooldown", "PT0S")) {
                SecretDescriptor trap = Samples.descriptor("aws/root-key");
                trap.setTags(List.of("pci", "honeytoken"));
                d.register(trap);
                d.register(Samples.descriptor("db/orders"));

                d.send(read("henry", "db/orders", T0));
                d.send(event("henry", AccessAction.LIST, "aws/root-key", at(ms(1))).setOutcome(AccessResult.DENIED));
                Anomaly a = single(d.anomalies(AnomalyType.HONEYTOKEN));
                assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
                assertThat(a.getSecretIds()).containsExactly("aws/root-key");
                assertThat(a.getDescription()).isEqualTo("henry LIST honeytoken aws/root-key (DENIED)");

                trap.setTags(List.of("pci"));
                d.register(trap);
                d.send(read("henry", "aws/root-key", at(ms(2))));
                d.register(Samples.descriptor("gcp/key"));
                SecretDescriptor trap2 = Samples.descriptor("gcp/key");
                trap2.setTags(List.of("honeytoken"));
                d.register(trap2);
                d.purge("gcp/key");
                d.send(read("henry", "gcp/key", at(ms(3))));
                assertThat(d.anomalies(AnomalyType.HONEYTOKEN)).isEmpty();
            }
        }
    }

    @Nested
    class SuspiciousPattern {

        @Test
        void aListFollowedByTenDistinctReadsWithinFiveMinutesFires() {
            try (AuditDriver d = AuditDriver.with()) {
                AccessEvent list = d.send(event("ivan", AccessAction.LIST, null, T0));
                for (int i = 0; i < 9; i++) {
                    d.send(read("ivan", "s" + i, at(Duration.ofSeconds(10 * (i + 1)))));
                }
                assertThat(d.anomalies(AnomalyType.SUSPICIOUS_PATTERN)).isEmpty();
                d.send(read("ivan", "s9", at(Duration.ofMinutes(5))));
                Anomaly a = single(d.anomalies(AnomalyType.SUSPICIOUS_PATTERN));
                assertThat(a.getEvidence().get(0)).isEqualTo(list.getId());
                assertThat(a.getEvidence()).hasSize(11);
                assertThat(a.getCount()).isEqualTo(10);
                assertThat(a.getWindowStart()).isEqualTo(T0);
                assertThat(a.getWindowEnd()).isEqualTo(at(Duration.ofMinutes(5)));
            }
        }

        @Test
        void readsAfterTheWindowOrWithoutAListDoNotFire() {
            try (AuditDriver d = AuditDriver.with()) {
                for (int i = 0; i < 12; i++) {
                    d.send(read("ivan", "s" + i, at(Duration.ofSeconds(i))));
                }
                d.send(event("ivan", AccessAction.LIST, null, at(Duration.ofMinutes(1))));
                for (int i = 0; i < 9; i++) {
                    d.send(read("ivan", "t" + i, at(Duration.ofMinutes(2))));
                }
                d.send(read("ivan", "t9", at(Duration.ofMinutes(6).plusMillis(1))));
                assertThat(d.anomalies(AnomalyType.SUSPICIOUS_PATTERN)).isEmpty();
            }
        }
    }

    static Anomaly single(List<Anomaly> anomalies) {
        assertThat(anomalies).hasSize(1);
        return anomalies.get(0);
    }
}
