package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.SecretDescriptor;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import io.rekey.testkit.fuzz.HostileInputs;
import io.rekey.testkit.fuzz.HostileInputs.Input;
import io.rekey.testkit.fuzz.HostileInputs.Kind;
import io.rekey.testkit.fuzz.HostileInputs.Sent;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of hostile records on every input of the audit stream, with valid access events spread among them: the
 * stream keeps RUNNING, every access event it cannot use lands in the dead-letter topic exactly once with a reason,
 * the absurd-but-legal ones (metacharacters, newlines, unknown enum symbols, which decode to UNKNOWN) are processed,
 * and the valid events still raise exactly their anomalies.
 */
@RekeyIntegrationTest
class HostileInputIT {

    private static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final int VALID = 25;
    /** Access events the triage must refuse: blank ids, over-size values, a time in the far future. */
    private static final Predicate<Input> ACCESS_REFUSES = in -> in.kind().undecodable() || in.kind() == Kind.HUGE_STRING
            || in.kind() == Kind.YEAR_9999 || in.kind() == Kind.EMPTY_ID && Set.of("id", "principalId").contains(in.field());
    /** Lifecycle and rotation events only need to decode and fit in an audit record. */
    private static final Predicate<Input> EVENTS_REFUSE = in -> in.kind().undecodable() || in.kind() == Kind.HUGE_STRING;

    @Test
    void hostileInputIsDeadLetteredAndValidInputStillRaisesItsAnomalies(RekeyStack stack, @TempDir Path dir) throws Exception {
        Properties setup = ItSupport.create(stack, "fuzz", dir.resolve("state"));
        AuditConfig config = ItSupport.config(setup);
        TopicNames topics = config.topics();
        for (String topic : List.of(topics.accessEvents(), topics.lifecycleEvents(), topics.rotationEvents(), topics.registry())) {
            HostileInputs.allowLargeMessages(stack, topic);
        }
        HostileInputs fuzz = new HostileInputs(HostileInputs.seed(), stack.registry());
        int count = HostileInputs.count();
        Instant now = Instant.now();

        List<Input> access = fuzz.generate(topics.accessEvents(), count, () -> {
            AccessEvent e = Samples.accessEvent(RekeyStack.unique("fuzz-p"), "db/fuzz");
            e.setOccurredAt(now);
            return e;
        }, AccessEvent::getPrincipalId);
        // Each rogue reads once from a country outside the allowed list: one GEOGRAPHIC_VIOLATION each, nothing more.
        List<Input> rogues = new ArrayList<>();
        for (int i = 0; i < VALID; i++) {
            AccessEvent e = AuditDriver.read("fuzz-rogue-" + i, "db/s" + i, now.plusMillis(i)).setCountry("RU").build();
            rogues.add(fuzz.valid(topics.accessEvents(), e, e.getPrincipalId()));
        }
        List<Sent> sentAccess = HostileInputs.send(stack, topics.accessEvents(), fuzz.interleave(access, rogues));
        int side = Math.max(count / 10, 100);
        List<Sent> sentLifecycle = HostileInputs.send(stack, topics.lifecycleEvents(), fuzz.generate(topics.lifecycleEvents(), side,
                () -> Samples.lifecycleEvent(RekeyStack.unique("db/fuzz")), LifecycleEvent::getSecretId));
        List<Sent> sentRotation = HostileInputs.send(stack, topics.rotationEvents(), fuzz.generate(topics.rotationEvents(), side,
                () -> Samples.rotationEvent(RekeyStack.unique("db/fuzz"), RotationPhase.DEPLOYED), RotationEvent::getSecretId));
        // The registry feeds a global store, which cannot dead-letter: it must skip what it cannot use and keep running.
        HostileInputs.send(stack, topics.registry(), fuzz.generate(topics.registry(), side,
                () -> Samples.descriptor(RekeyStack.unique("db/fuzz")), SecretDescriptor::getSecretId, false));

        try (KafkaStreams streams = ItSupport.streams(setup, AuditMetrics.NONE)) {
            streams.start();
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() ->
                    ItSupport.caughtUp(stack, config.applicationId(), topics.accessEvents())
                            && ItSupport.caughtUp(stack, config.applicationId(), topics.lifecycleEvents())
                            && ItSupport.caughtUp(stack, config.applicationId(), topics.rotationEvents()));
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);

            List<DeadLetter> letters = ItSupport.readAll(stack, topics.deadLetters()).stream().map(r -> (DeadLetter) r.value()).toList();
            assertDeadLettered(letters, topics.accessEvents(), sentAccess, ACCESS_REFUSES);
            assertDeadLettered(letters, topics.lifecycleEvents(), sentLifecycle, EVENTS_REFUSE);
            assertDeadLettered(letters, topics.rotationEvents(), sentRotation, EVENTS_REFUSE);

            List<Anomaly> rogueAnomalies = ItSupport.readAll(stack, topics.anomalies()).stream().map(r -> (Anomaly) r.value())
                    .filter(a -> a.getPrincipalId().startsWith("fuzz-rogue-")).toList();
            assertThat(rogueAnomalies).extracting(Anomaly::getType).containsOnly(AnomalyType.GEOGRAPHIC_VIOLATION);
            assertThat(rogueAnomalies).extracting(Anomaly::getPrincipalId).hasSize(VALID).doesNotHaveDuplicates();
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
        System.out.printf("audit stream fuzz: %d access, %d lifecycle, %d rotation, %d registry inputs (seed %d)%n",
                count, side, side, side, HostileInputs.seed());
    }

    /** Exactly the inputs the consumer must refuse are dead-lettered, once each, with a one-line reason; nothing valid is. */
    static void assertDeadLettered(List<DeadLetter> letters, String topic, List<Sent> sent, Predicate<Input> refuses) {
        HostileInputs.Outcome outcome = HostileInputs.outcome(sent, letters, topic, refuses);
        assertThat(outcome.missing()).as("should have been dead-lettered").isEmpty();
        assertThat(outcome.unexpected()).as("dead-lettered though it should have been processed").isEmpty();
        assertThat(outcome.duplicated()).as("dead-lettered more than once").isEmpty();
        assertThat(outcome.badReasons()).as("dead letters with a blank or multi-line reason").isZero();
        System.out.printf("%s: %d sent, %d dead-lettered%n", topic, sent.size(), outcome.deadLettered());
    }
}
