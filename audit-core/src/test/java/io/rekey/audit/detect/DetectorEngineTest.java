package io.rekey.audit.detect;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.Severity;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine without Kafka, for the orderings a topology test cannot force. */
class DetectorEngineTest {

    private static final long T0 = Instant.parse("2026-11-23T09:00:00Z").toEpochMilli();

    private final AuditConfig config = AuditSettings.parse(Map.of("rekey.audit.privilege-escalation.admins", "secops-*"));
    private final DetectorEngine engine = new InMemoryDetection(config, Set.of(), Clock.systemUTC(), AuditMetrics.NONE).engine();
    private final GrantWatch watch = new GrantWatch(config);

    @Test
    void aUseSeenBeforeTheGrantNoticeIsReportedWhenTheNoticeArrives() {
        PrincipalState eve = engine.newState();
        List<Anomaly> out = new ArrayList<>();
        AccessEvent grant = event("mallory", AccessAction.GRANT, "db/payroll", T0, "eve");
        AccessEvent use = event("eve", AccessAction.READ, "db/payroll", T0 + 200, null);

        engine.onAccess(use, T0 + 200, eve, out);
        assertThat(out).isEmpty();
        GrantNotice notice = watch.noticeFor(grant, T0);
        engine.onNotice(notice, eve, out);

        assertThat(out).singleElement().satisfies(a -> {
            assertThat(a.getType()).isEqualTo(AnomalyType.PRIVILEGE_ESCALATION);
            assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
            assertThat(a.getEvidence()).containsExactly(grant.getId(), use.getId());
            assertThat(a.getOccurredAt()).isEqualTo(Instant.ofEpochMilli(T0 + 200));
        });
    }

    @Test
    void onlySuccessfulSelfGrantsAndNonAdminGrantsAreWatched() {
        assertThat(watch.noticeFor(event("secops-a", AccessAction.GRANT, "s", T0, "svc"), T0)).isNull();
        assertThat(watch.noticeFor(event("secops-a", AccessAction.GRANT, "s", T0, "secops-a"), T0)).isNotNull();
        assertThat(watch.noticeFor(event("bob", AccessAction.GRANT, null, T0, "carol"), T0).secretId()).isNull();
        AccessEvent denied = event("bob", AccessAction.GRANT, "s", T0, "carol");
        denied.setOutcome(AccessResult.DENIED);
        assertThat(watch.noticeFor(denied, T0)).isNull();
        assertThat(watch.noticeFor(event("bob", AccessAction.READ, "s", T0, "carol"), T0)).isNull();
    }

    @Test
    void aGrantNotLimitedToOneSecretCoversAnyUse() {
        PrincipalState carol = engine.newState();
        List<Anomaly> out = new ArrayList<>();
        engine.onNotice(watch.noticeFor(event("bob", AccessAction.GRANT, null, T0, "carol"), T0), carol, out);
        engine.onAccess(event("carol", AccessAction.WRITE, "db/anything", T0 + 1000, null), T0 + 1000, carol, out);
        assertThat(out).extracting(Anomaly::getType).containsExactly(AnomalyType.PRIVILEGE_ESCALATION);
    }

    @Test
    void staleStateIsRecognisedAfterTheLongestMemory() {
        PrincipalState state = engine.newState();
        engine.onAccess(event("a", AccessAction.READ, "s", T0, null), T0, state, new ArrayList<>());
        assertThat(engine.isStale(state, T0 + 55L * 86_400_000)).isFalse();
        assertThat(engine.isStale(state, T0 + 57L * 86_400_000)).isTrue();
        assertThat(engine.isPairStale(T0, T0 + 15L * 86_400_000)).isFalse();
        assertThat(engine.isPairStale(T0, T0 + 15L * 86_400_000 + 1)).isTrue();
    }

    private static AccessEvent event(String principal, AccessAction action, String secret, long at, String target) {
        return AccessEvent.newBuilder().setId(java.util.UUID.randomUUID().toString()).setOccurredAt(Instant.ofEpochMilli(at))
                .setPrincipalId(principal).setSecretId(secret).setAction(action).setOutcome(AccessResult.SUCCESS)
                .setSourceIp("10.0.0.1").setCountry("GB").setTargetPrincipalId(target).build();
    }
}
