package io.rekey.lifecycle.it;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rekey.lifecycle.kafka.LogTailer;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import io.rekey.testkit.fuzz.HostileInputs;
import io.rekey.testkit.fuzz.HostileInputs.Input;
import io.rekey.testkit.fuzz.HostileInputs.Sent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of hostile records on the topics the lifecycle service materialises (registry, lifecycle events,
 * rotation events), with real registrations through the API between the two halves: the service stays healthy,
 * dead-letters every record it cannot decode (or that is of another type) exactly once, still serves the registered
 * secrets, and no untrusted text forges a log line.
 *
 * <p>Content is not judged here: these topics are written only by rekey's own principals (see docs/security.md),
 * and the API validates what it writes, so a decodable record with absurd content (an empty id, a 10 MB string, a
 * time in year 9999) is materialised as it is.
 */
@RekeyIntegrationTest
class HostileLogIT extends SharedApp {

    private static final int VALID = 5;

    HostileLogIT(RekeyStack stack) {
        super(stack);
    }

    @Test
    void hostileRecordsAreDeadLetteredValidOnesServedAndNoLogLineIsForged() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        try {
            HostileInputs fuzz = new HostileInputs(HostileInputs.seed(), stack.registry());
            int each = Math.max(HostileInputs.count() / 3, 100);
            Map<String, List<Input>> hostileByTopic = Map.of(
                    Topics.REGISTRY.name(), generate(fuzz, Topics.REGISTRY.name(), each, () -> Samples.descriptor(RekeyStack.unique("fuzz/d")), false),
                    Topics.LIFECYCLE_EVENTS.name(), generate(fuzz, Topics.LIFECYCLE_EVENTS.name(), each,
                            () -> Samples.lifecycleEvent(RekeyStack.unique("fuzz/l")), true),
                    Topics.ROTATION_EVENTS.name(), generate(fuzz, Topics.ROTATION_EVENTS.name(), each,
                            () -> Samples.rotationEvent(RekeyStack.unique("fuzz/r"), RotationPhase.DEPLOYED), true));
            // First half of the hostile records, then real registrations through the API, then the second half.
            Map<String, List<Sent>> sent = new HashMap<>();
            hostileByTopic.forEach((topic, inputs) -> sent.put(topic, new ArrayList<>(
                    HostileInputs.send(stack, topic, inputs.subList(0, inputs.size() / 2)))));
            List<String> validIds = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                String id = Secrets.uniqueId("fuzz-valid");
                assertThat(app.post("/secrets", OPERATOR, Secrets.database(id)).status()).isEqualTo(201);
                validIds.add(id);
            }
            hostileByTopic.forEach((topic, inputs) -> sent.get(topic).addAll(
                    HostileInputs.send(stack, topic, inputs.subList(inputs.size() / 2, inputs.size()))));

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> validIds.stream().allMatch(id -> app.get("/secrets/" + id, VIEWER).status() == 200));
            int hostile = 0;
            int deadLettered = 0;
            for (Map.Entry<String, List<Sent>> topic : sent.entrySet()) {
                long expected = topic.getValue().stream().filter(s -> !s.input().valid() && s.input().kind().undecodable()).count();
                HostileInputs.Outcome[] outcome = new HostileInputs.Outcome[1];
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    outcome[0] = HostileInputs.outcome(topic.getValue(), letters(), topic.getKey(), in -> in.kind().undecodable());
                    return outcome[0].deadLettered() >= expected;
                });
                assertThat(outcome[0].missing()).as("%s: should have been dead-lettered", topic.getKey()).isEmpty();
                assertThat(outcome[0].unexpected()).as("%s: dead-lettered though decodable", topic.getKey()).isEmpty();
                assertThat(outcome[0].duplicated()).as("%s: dead-lettered more than once", topic.getKey()).isEmpty();
                assertThat(outcome[0].badReasons()).isZero();
                hostile += topic.getValue().size();
                deadLettered += outcome[0].deadLettered();
            }
            assertThat(app.health().status()).isEqualTo(200);
            assertThat(app.view().caughtUp()).isTrue();
            List<String> forged;
            synchronized (logs) { // the lock AppenderBase.doAppend holds while appending
                forged = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.contains("\n" + HostileInputs.FORGED_LOG_LINE) || m.contains("\r" + HostileInputs.FORGED_LOG_LINE)
                                || m.contains("\u2028" + HostileInputs.FORGED_LOG_LINE))
                        .toList();
            }
            assertThat(forged).as("log lines that start a forged line").isEmpty();
            System.out.printf("lifecycle fuzz: %d hostile records on 3 topics, %d dead-lettered, %d API registrations served (seed %d)%n",
                    hostile, deadLettered, VALID, HostileInputs.seed());
        } finally {
            root.detachAppender(logs);
        }
    }

    private <V extends org.apache.avro.specific.SpecificRecord> List<Input> generate(HostileInputs fuzz, String topic, int n,
                                                                                  Supplier<V> valid, boolean nullKeys) {
        HostileInputs.allowLargeMessages(stack, topic);
        return fuzz.generate(topic, n, valid, r -> String.valueOf(r.get(r.getSchema().getField("secretId").pos())), nullKeys);
    }

    private List<DeadLetter> letters() {
        return stack.<DeadLetter>readAll(Topics.DLQ.name()).stream().map(ConsumerRecord::value)
                .filter(l -> LogTailer.CONSUMER.equals(l.getConsumer())).toList();
    }
}
