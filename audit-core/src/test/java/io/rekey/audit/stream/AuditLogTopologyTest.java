package io.rekey.audit.stream;

import io.rekey.schema.AuditKind;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.audit.AuditChainVerifier;
import io.rekey.testkit.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.rekey.audit.stream.AuditDriver.T0;
import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;

class AuditLogTopologyTest {

    @Test
    void accessLifecycleAndRotationEventsFormOneVerifiableChainPerPartition() {
        try (AuditDriver d = AuditDriver.with()) {
            var access = d.send(read("alice", "db/orders", T0));
            d.lifecycle(Samples.lifecycleEvent("db/orders"));
            d.rotation(Samples.rotationEvent("db/orders", RotationPhase.PROMOTED));
            d.send(AuditDriver.event("alice", io.rekey.schema.AccessAction.LOGIN, null, T0.plusSeconds(1)));

            List<AuditRecord> log = d.auditLog();
            assertThat(log).extracting(AuditRecord::getKind)
                    .containsExactly(AuditKind.ACCESS, AuditKind.LIFECYCLE, AuditKind.ROTATION, AuditKind.ACCESS);
            assertThat(log).extracting(AuditRecord::getAction).containsExactly("ACCESS READ SUCCESS",
                    "LIFECYCLE ROTATED ACTIVATED->ROTATED", "ROTATION PROMOTED", "ACCESS LOGIN SUCCESS");
            assertThat(log).extracting(AuditRecord::getSequence).containsExactly(1L, 2L, 3L, 4L);
            AuditRecord first = log.get(0);
            assertThat(first.getSourceEventId()).isEqualTo(access.getId());
            assertThat(first.getSourceTopic()).isEqualTo("rekey.access.events");
            assertThat(first.getPayload()).contains("\"principalId\":\"alice\"");
            assertThat(first.getRecordedAt()).as("the clock when it was appended").isEqualTo(T0);
            assertThat(log.get(3).getSecretId()).isNull();

            assertThat(verify(log)).isEmpty();
        }
    }

    @Test
    void tamperingWithOneRecordIsNamedByTheVerifier() {
        try (AuditDriver d = AuditDriver.with()) {
            for (int i = 0; i < 5; i++) {
                d.send(read("alice", "db/s" + i, T0.plusSeconds(i)));
            }
            List<AuditRecord> log = d.auditLog();
            AuditRecord altered = AuditRecord.newBuilder(log.get(2)).setPrincipalId("someone-else").build();
            List<AuditRecord> tampered = new java.util.ArrayList<>(log);
            tampered.set(2, altered);

            assertThat(verify(tampered)).get().satisfies(b -> {
                assertThat(b.chain()).isEqualTo("rekey.audit.log-0");
                assertThat(b.sequence()).isEqualTo(3);
                assertThat(b.offset()).isEqualTo(2);
                assertThat(b.reason()).contains("the record was altered");
            });
        }
    }

    @Test
    void theAuditLogCanBeSwitchedOff() {
        try (AuditDriver d = AuditDriver.with("audit-log.enabled", "false")) {
            d.send(read("alice", "db/orders", T0).setCountry("RU"));
            assertThat(d.auditLog()).isEmpty();
            assertThat(d.anomalies()).hasSize(1);
        }
    }

    private static java.util.Optional<AuditChainVerifier.Break> verify(List<AuditRecord> log) {
        AuditChainVerifier verifier = AuditChainVerifier.fromGenesis("rekey.audit.log-0");
        for (int offset = 0; offset < log.size(); offset++) {
            verifier.accept(offset, log.get(offset));
        }
        return verifier.firstBreak();
    }
}
