package io.rekey.worker.it;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.signing.CommandSignatures;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.store.Label;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The rotation worker end to end: real broker, real registry, real PostgreSQL store and roles. */
@RekeyIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RotationWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private WorkerHarness harness;
    private ApplicationContext worker;

    @BeforeAll
    void startWorker(RekeyStack stack) {
        Postgres.requirePasswordAuthentication();
        harness = new WorkerHarness(stack);
        worker = harness.startWorker("it-main", Map.of());
    }

    @AfterAll
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aSignedCommandRotatesARealPostgresRole() {
        try (WorkerHarness.Managed secret = harness.managedRole("rekey_rot", "initial-Password-1")) {
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);

            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED);

            assertThat(events).extracting(RotationEvent::getPhase).containsExactly(RotationPhase.REQUESTED, RotationPhase.PREPARED,
                    RotationPhase.GENERATED, RotationPhase.DEPLOYED, RotationPhase.VERIFIED, RotationPhase.PROMOTED,
                    RotationPhase.CLEANUP_SCHEDULED, RotationPhase.CLEANED_UP, RotationPhase.SUCCEEDED);
            String newPassword = harness.store.read(secret.storePath(), Label.CURRENT).orElseThrow().reveal();
            assertThat(Postgres.canLogin(secret.role().name(), newPassword)).as("new password works").isTrue();
            assertThat(Postgres.canLogin(secret.role().name(), "initial-Password-1")).as("old password no longer works").isFalse();
            assertThat(harness.store.describe(secret.storePath()).orElseThrow().labels())
                    .isEqualTo(Map.of(Label.CURRENT, command.getRotationId(), Label.PREVIOUS, "v0"));

            SecretChanged changed = lastFor(Topics.SECRET_CHANGED.name(), secret.secretId(), SecretChanged.class);
            assertThat(changed.getCurrentVersionId()).isEqualTo(command.getRotationId());
            assertThat(changed.getPreviousVersionId()).isEqualTo("v0");
            LifecycleEvent rotated = lastFor(Topics.LIFECYCLE_EVENTS.name(), secret.secretId(), LifecycleEvent.class);
            assertThat(rotated.getType()).isEqualTo(LifecycleEventType.ROTATED);
            assertThat(rotated.getRotationId()).isEqualTo(command.getRotationId());
            assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(newPassword).doesNotContain("initial-Password-1"));
        }
    }

    @Test
    void aFailedVerificationRollsBackAndTheOldPasswordStillWorks() {
        try (WorkerHarness.Managed secret = harness.managedRole("rekey_nologin", "initial-Password-2")) {
            // The role may not log in, so verification of any new password fails; the rollback must restore the old one.
            Postgres.admin("ALTER ROLE " + secret.role().name() + " NOLOGIN");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);

            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.FAILED, RotationPhase.SUCCEEDED);

            assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                    RotationPhase.ROLLED_BACK, RotationPhase.RETRY_SCHEDULED, RotationPhase.REQUESTED, RotationPhase.DEPLOYED,
                    RotationPhase.ROLLING_BACK, RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
            assertThat(events.get(events.size() - 1).getError()).startsWith("gave up after 2 attempt(s)").contains("login as");
            assertThat(harness.store.describe(secret.storePath()).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v0"));
            Postgres.admin("ALTER ROLE " + secret.role().name() + " LOGIN");
            assertThat(Postgres.canLogin(secret.role().name(), "initial-Password-2")).as("old password restored").isTrue();
            LifecycleEvent failed = lastFor(Topics.LIFECYCLE_EVENTS.name(), secret.secretId(), LifecycleEvent.class);
            assertThat(failed.getType()).isEqualTo(LifecycleEventType.ROTATION_FAILED);
        }
    }

    @Test
    void aDuplicatedCommandRotatesOnce() {
        try (WorkerHarness.Managed secret = harness.managedRole("rekey_dup", "initial-Password-3")) {
            RotationCommand command = harness.command(secret.secretId(), RotationReason.MANUAL);
            harness.send(command);
            harness.send(command);
            harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED);

            List<AccessEvent> denied = accessEventsFor(secret.secretId(), 1);
            List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), Duration.ofSeconds(2), RotationPhase.SUCCEEDED);

            assertThat(events).filteredOn(e -> e.getPhase() == RotationPhase.REQUESTED).hasSize(1);
            assertThat(events).filteredOn(e -> e.getPhase() == RotationPhase.PROMOTED).hasSize(1);
            assertThat(denied).singleElement().satisfies(e -> {
                assertThat(e.getOutcome()).isEqualTo(AccessResult.DENIED);
                assertThat(e.getDetails().get("reason")).startsWith("duplicate or replayed command");
            });
            assertThat(deadLetterFor(secret.secretId()).getReason())
                    .isEqualTo("duplicate or replayed command: rotation " + command.getRotationId() + " was already requested");
        }
    }

    @Test
    void aBadSignatureIsDeadLetteredAuditedAndChangesNothing() {
        try (WorkerHarness.Managed secret = harness.managedRole("rekey_forged", "initial-Password-4")) {
            RotationCommand forged = CommandSignatures.sign(harness.command(secret.secretId(), RotationReason.EMERGENCY),
                    WorkerHarness.ISSUER, IssuerKeys.generate().getPrivate());
            double deadLettersBefore = commandDeadLetters();
            harness.send(forged);

            DeadLetter letter = deadLetterFor(secret.secretId());
            assertThat(commandDeadLetters()).isEqualTo(deadLettersBefore + 1);
            assertThat(letter.getReason()).isEqualTo("bad signature for issuer key '" + WorkerHarness.ISSUER + "'");
            assertThat(letter.getSourceTopic()).isEqualTo(Topics.ROTATION_COMMANDS.name());
            assertThat(accessEventsFor(secret.secretId(), 1)).singleElement()
                    .satisfies(e -> assertThat(e.getPrincipalId()).isEqualTo("issuer:" + WorkerHarness.ISSUER));
            assertThat(harness.eventsUntil(forged.getRotationId(), Duration.ofSeconds(2))).isEmpty();
            assertThat(Postgres.canLogin(secret.role().name(), "initial-Password-4")).isTrue();
            assertThat(harness.store.describe(secret.storePath()).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v0"));
        }
    }

    @Test
    void aCommandForAnUnregisteredSecretIsRefusedWithAReason() {
        RotationCommand command = harness.command("it/not-registered-" + System.nanoTime(), RotationReason.MANUAL);
        harness.send(command);

        List<RotationEvent> events = harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.REFUSED);

        assertThat(events).extracting(RotationEvent::getPhase).containsExactly(RotationPhase.REQUESTED, RotationPhase.REFUSED);
        assertThat(events.get(1).getError()).isEqualTo(command.getSecretId() + " is not registered");
    }

    private double commandDeadLetters() {
        var counter = worker.getBean(MeterRegistry.class).find("rekey.dlq.messages")
                .tag("source_topic", Topics.ROTATION_COMMANDS.name()).counter();
        return counter == null ? 0 : counter.count();
    }

    private DeadLetter deadLetterFor(String secretId) {
        return harness.stack.<DeadLetter>readUntil(Topics.DLQ.name(), WAIT, rs -> rs.stream().anyMatch(r -> secretId.equals(r.key())))
                .stream().filter(r -> secretId.equals(r.key())).findFirst().orElseThrow().value();
    }

    private List<AccessEvent> accessEventsFor(String secretId, int atLeast) {
        return harness.stack.<AccessEvent>readUntil(Topics.ACCESS_EVENTS.name(), WAIT,
                        rs -> rs.stream().filter(r -> secretId.equals(r.value().getSecretId())).count() >= atLeast)
                .stream().map(ConsumerRecord::value).filter(e -> secretId.equals(e.getSecretId())).toList();
    }

    private <T extends org.apache.avro.specific.SpecificRecord> T lastFor(String topic, String key, Class<T> type) {
        List<ConsumerRecord<String, T>> records = harness.stack.readUntil(topic, WAIT,
                rs -> rs.stream().anyMatch(r -> key.equals(r.key())));
        return records.stream().filter(r -> key.equals(r.key())).reduce((a, b) -> b).orElseThrow().value();
    }
}
