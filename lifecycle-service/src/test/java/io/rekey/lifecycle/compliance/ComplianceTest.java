package io.rekey.lifecycle.compliance;

import io.rekey.lifecycle.compliance.ComplianceReport.Kind;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.SecretType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ComplianceTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final CompliancePolicy POLICY = new CompliancePolicy(Duration.ofDays(365),
            Map.of(Criticality.CRITICAL, Duration.ofDays(90)), Duration.ofDays(30), Duration.ofDays(90));

    private static ComplianceInput secret(String id) {
        return new ComplianceInput(id, "team-a", SecretType.API_KEY, Criticality.MEDIUM, Category.SERVICE,
                LifecycleState.ACCESSED, false, false, NOW.minus(Duration.ofDays(10)), null, NOW.minus(Duration.ofDays(1)),
                null, null, false, null);
    }

    private static ComplianceInput with(ComplianceInput s, String owner, Criticality criticality, LifecycleState state,
                                        Instant lastAccess, Instant expiresAt, Instant overdueSince, boolean failed,
                                        boolean honeytoken, Instant createdAt) {
        return new ComplianceInput(s.secretId(), owner, s.type(), criticality, s.category(), state, false, honeytoken,
                createdAt, null, lastAccess, expiresAt, overdueSince, failed, failed ? "verify failed" : null);
    }

    @Test
    void findsEachKindAndCountsTotals() {
        ComplianceInput healthy = secret("ok/one");
        ComplianceInput overdue = with(secret("db/overdue"), "team-a", Criticality.HIGH, LifecycleState.ROTATED,
                NOW.minusSeconds(60), null, NOW.minus(Duration.ofDays(3)), false, false, NOW.minus(Duration.ofDays(40)));
        ComplianceInput old = with(secret("db/old"), "team-a", Criticality.CRITICAL, LifecycleState.ACCESSED,
                NOW.minusSeconds(60), null, null, false, false, NOW.minus(Duration.ofDays(100)));
        ComplianceInput expiring = with(secret("api/expiring"), "team-a", Criticality.LOW, LifecycleState.ACCESSED,
                NOW.minusSeconds(60), NOW.plus(Duration.ofDays(5)), null, false, false, NOW.minus(Duration.ofDays(5)));
        ComplianceInput unused = with(secret("api/unused"), "team-a", Criticality.LOW, LifecycleState.ACTIVATED,
                null, null, null, false, false, NOW.minus(Duration.ofDays(120)));
        ComplianceInput orphan = with(secret("api/orphan"), null, Criticality.LOW, LifecycleState.ACCESSED,
                NOW.minusSeconds(60), null, null, true, false, NOW.minus(Duration.ofDays(5)));
        ComplianceInput revoked = with(secret("api/revoked"), null, Criticality.LOW, LifecycleState.REVOKED,
                null, null, null, false, false, NOW.minus(Duration.ofDays(500)));

        ComplianceReport report = Compliance.report(List.of(healthy, overdue, old, expiring, unused, orphan, revoked), POLICY, NOW);

        assertThat(report.findings()).extracting(ComplianceReport.Finding::secretId, ComplianceReport.Finding::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("api/orphan", Kind.ROTATION_FAILED),
                        org.assertj.core.groups.Tuple.tuple("db/overdue", Kind.OVERDUE_ROTATION),
                        org.assertj.core.groups.Tuple.tuple("db/old", Kind.OLDER_THAN_POLICY),
                        org.assertj.core.groups.Tuple.tuple("api/expiring", Kind.EXPIRING_SOON),
                        org.assertj.core.groups.Tuple.tuple("api/unused", Kind.NOT_ACCESSED),
                        org.assertj.core.groups.Tuple.tuple("api/orphan", Kind.NO_OWNER));
        assertThat(report.totals().secrets()).isEqualTo(6);
        assertThat(report.totals().compliant()).isEqualTo(1);
        assertThat(report.totals().nonCompliant()).isEqualTo(5);
        assertThat(report.totals().byKind()).containsEntry(Kind.EXPIRED, 0).containsEntry(Kind.NO_OWNER, 1);
        assertThat(report.findings().get(2).detail()).isEqualTo("credential is 100 days old; policy allows 90 days for CRITICAL");
        assertThat(report.findings().get(4).detail()).isEqualTo("never accessed since registration 120 days ago");
    }

    @Test
    void decoysAreExemptFromAgeScheduleAndUse() {
        ComplianceInput decoy = with(secret("aws/decoy"), "secops", Criticality.HIGH, LifecycleState.ACTIVATED,
                null, null, NOW.minus(Duration.ofDays(10)), false, true, NOW.minus(Duration.ofDays(900)));

        assertThat(Compliance.report(List.of(decoy), POLICY, NOW).findings()).isEmpty();
        assertThat(Compliance.health(decoy, POLICY, NOW)).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void healthIsTheWorstStatusThatApplies() {
        ComplianceInput failedAndOld = with(secret("x"), "team-a", Criticality.CRITICAL, LifecycleState.ACCESSED,
                NOW, null, null, true, false, NOW.minus(Duration.ofDays(400)));
        ComplianceInput expiring = with(secret("y"), "team-a", Criticality.LOW, LifecycleState.ACCESSED,
                NOW, NOW.plus(Duration.ofDays(2)), null, false, false, NOW.minus(Duration.ofDays(2)));
        ComplianceInput revoked = with(secret("z"), "team-a", Criticality.LOW, LifecycleState.REVOKED,
                NOW, null, null, false, false, NOW.minus(Duration.ofDays(2)));

        assertThat(Compliance.health(failedAndOld, POLICY, NOW)).isEqualTo(HealthStatus.ROTATION_FAILED);
        assertThat(Compliance.health(expiring, POLICY, NOW)).isEqualTo(HealthStatus.EXPIRING_SOON);
        assertThat(Compliance.health(revoked, POLICY, NOW)).isEqualTo(HealthStatus.RETIRED);
        assertThat(Compliance.health(secret("ok"), POLICY, NOW)).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void csvHasAHeaderARowPerFindingAndTotalsAndDefusesFormulas() {
        ComplianceInput orphan = with(secret("api/orphan"), "=HYPERLINK(\"http://evil\",\"x\")", Criticality.LOW,
                LifecycleState.ACCESSED, NOW, null, null, true, false, NOW.minus(Duration.ofDays(5)));

        String csv = ComplianceCsv.write(Compliance.report(List.of(orphan), POLICY, NOW));

        List<String> lines = List.of(csv.split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("secretId,finding,owner,criticality,category,state,since,detail");
        assertThat(lines.get(1)).startsWith("api/orphan,ROTATION_FAILED,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",LOW,SERVICE,ACCESSED,,");
        assertThat(lines).contains("TOTAL,SECRETS,,,,,,1", "TOTAL,COMPLIANT,,,,,,0", "TOTAL,ROTATION_FAILED,,,,,,1");
    }
}
