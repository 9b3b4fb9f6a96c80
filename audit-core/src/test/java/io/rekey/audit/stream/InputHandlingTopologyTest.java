package io.rekey.audit.stream;

import io.rekey.schema.AccessResult;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.AuditKind;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.rekey.audit.stream.AuditDriver.T0;
import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad, late and implausible input: never a crash, never silently lost. */
class InputHandlingTopologyTest {

    @Test
    void malformedValuesAreDeadLetteredWithTheReasonAndAuditedAsRefused() {
        try (AuditDriver d = AuditDriver.with()) {
            d.sendRaw("alice", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8), T0);
            d.sendRaw(null, new byte[] {0, 0, 0, 0, 99, 1, 2}, T0);
            d.sendRaw("alice", new byte[] {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff}, T0);
            d.send(read("alice", "s", T0.plusSeconds(1)).setCountry("RU"));

            List<DeadLetter> letters = d.deadLetters();
            assertThat(letters).extracting(DeadLetter::getReason).satisfiesExactly(
                    r -> assertThat(r).isEqualTo("wrong magic byte 0x7b, expected 0x00 (Confluent wire format)"),
                    r -> assertThat(r).isEqualTo("unknown schema id 99"),
                    r -> assertThat(r).startsWith("cannot decode Avro written with schema id 1"));
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.getSourceTopic()).isEqualTo("rekey.access.events");
                assertThat(l.getConsumer()).isEqualTo("rekey-audit-stream");
            });
            assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L, 2L);
            assertThat(d.metrics.get("dead.MALFORMED")).isEqualTo(3);
            assertThat(d.anomalies(AnomalyType.GEOGRAPHIC_VIOLATION)).as("processing went on").hasSize(1);

            List<AuditRecord> audit = d.auditLog();
            assertThat(audit).hasSize(4);
            assertThat(audit.subList(0, 3)).allSatisfy(r -> {
                assertThat(r.getKind()).isEqualTo(AuditKind.SECURITY);
                assertThat(r.getAction()).isEqualTo("DEAD_LETTER MALFORMED");
            });
            assertThat(audit.get(1).getPrincipalId()).isEqualTo("(none)");
        }
    }

    @Test
    void anEventNotKeyedByItsPrincipalIsRefused() {
        try (AuditDriver d = AuditDriver.with()) {
            d.sendKeyed("bob", read("alice", "s", T0).setCountry("RU").build());
            assertThat(d.deadLetters()).singleElement().extracting(DeadLetter::getReason)
                    .isEqualTo("record key 'bob' is not the event's principalId 'alice': access events must be keyed by principalId");
            assertThat(d.anomalies()).isEmpty();
            assertThat(d.auditLog()).singleElement().extracting(AuditRecord::getAction).isEqualTo("ACCESS READ SUCCESS REFUSED");
            assertThat(d.metrics.get("dead.INVALID")).isEqualTo(1);
        }
    }

    @Test
    void anEventFromTheFutureIsRefusedAndDoesNotMoveStreamTime() {
        try (AuditDriver d = AuditDriver.with("max-future-skew", "PT5M", "failed-attempts.threshold", "2")) {
            d.fixClock(T0);
            d.send(read("alice", "s", T0.plus(Duration.ofMinutes(5))).setOutcome(AccessResult.FAILURE));
            d.send(read("alice", "s", T0.plus(Duration.ofMinutes(5)).plusMillis(1)).setOutcome(AccessResult.FAILURE));
            assertThat(d.deadLetters()).singleElement().satisfies(l -> {
                assertThat(l.getReason()).startsWith("occurredAt 2026-11-23T09:05:00.001Z is more than PT5M after the clock");
                assertThat(l.getSourceOffset()).isEqualTo(1L);
            });
            assertThat(d.metrics.get("dead.FUTURE_TIMESTAMP")).isEqualTo(1);
            // Had stream time jumped, this in-time event would be late and ignored; it counts.
            d.send(read("alice", "s", T0.plusSeconds(1)).setOutcome(AccessResult.FAILURE));
            assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).hasSize(1);
            assertThat(d.auditLog()).extracting(AuditRecord::getAction)
                    .containsExactly("ACCESS READ FAILURE", "ACCESS READ FAILURE REFUSED", "ACCESS READ FAILURE");
        }
    }

    @Test
    void anEventFarBehindStreamTimeIsRefused() {
        try (AuditDriver d = AuditDriver.with("max-event-age", "P7D")) {
            d.send(read("alice", "s", T0.plus(Duration.ofDays(7))));
            d.send(read("alice", "s", T0));
            d.send(read("alice", "s", T0.minusMillis(1)));
            assertThat(d.deadLetters()).singleElement().extracting(DeadLetter::getReason).asString()
                    .startsWith("occurredAt 2026-11-23T08:59:59.999Z is more than PT168H before the stream time");
            assertThat(d.metrics.get("dead.PAST_TIMESTAMP")).isEqualTo(1);
        }
    }

    @Test
    void lateEventsBeyondGraceAreAuditedAndCountedButNotUsedForWindows() {
        try (AuditDriver d = AuditDriver.with("grace", "PT1M", "failed-attempts.threshold", "3")) {
            d.send(read("alice", "s", T0.plus(Duration.ofMinutes(2))).setOutcome(AccessResult.FAILURE));
            d.send(read("alice", "s", T0.plus(Duration.ofMinutes(1))).setOutcome(AccessResult.FAILURE));
            d.send(read("alice", "s", T0.minusMillis(1)).setOutcome(AccessResult.FAILURE));
            assertThat(d.anomalies()).as("the third failure was too late to count").isEmpty();
            assertThat(d.metrics.get("late")).isEqualTo(1);
            assertThat(d.auditLog()).hasSize(3);
            assertThat(d.deadLetters()).isEmpty();

            d.send(read("alice", "s", T0.plus(Duration.ofMinutes(1))).setOutcome(AccessResult.FAILURE));
            assertThat(d.anomalies(AnomalyType.FAILED_ATTEMPTS)).as("exactly at the grace edge still counts").hasSize(1);
        }
    }

    @Test
    void oversizedEventsAreRefusedWithoutQuotingThem() {
        try (AuditDriver d = AuditDriver.with()) {
            d.send(read("alice", "s", T0).setDetails(java.util.Map.of("blob", "x".repeat(Triage.MAX_VALUE_BYTES))));
            assertThat(d.deadLetters()).singleElement().extracting(DeadLetter::getReason).asString()
                    .endsWith("bytes is larger than the 100000 allowed");
            AuditRecord refused = d.auditLog().get(0);
            assertThat(refused.getKind()).isEqualTo(AuditKind.SECURITY);
            assertThat(refused.getPayload()).doesNotContain("xxxx");
        }
    }
}
