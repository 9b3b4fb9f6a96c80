package io.rekey.lifecycle.it;

import io.rekey.lifecycle.schedule.RotationScheduler;
import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.LifecycleApp.Response;
import io.rekey.lifecycle.support.Logs;
import io.rekey.testkit.MutableClock;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.lifecycle.support.Worker;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.signing.CommandVerifier;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What happens as time passes, on the real broker and registry: scheduled rotation commands, restarts, emergency
 * mode, failed rotations, expiry, first access, purge, dead letters. The service runs on a clock the test moves.
 */
@RekeyIntegrationTest
class TimeDrivenIT {

    private static final String OPERATOR = LifecycleApp.token("alice", "operator");
    private static final String ADMIN = LifecycleApp.token("root-admin", "admin");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RekeyStack stack;
    private final Worker worker;
    private Map<String, Object> settings;
    private LifecycleApp app;
    private MutableClock clock;

    TimeDrivenIT(RekeyStack stack) {
        this.stack = stack;
        this.worker = new Worker(stack);
    }

    @BeforeEach
    void start() {
        settings = LifecycleApp.settings(stack);
        settings.put("rekey.test.clock-start", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        app = LifecycleApp.start(settings);
        clock = app.bean(MutableClock.class);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    private List<RotationCommand> commandsFor(String secretId, int atLeast) {
        return Logs.read(stack, Topics.ROTATION_COMMANDS.name(), secretId, WAIT, r -> r.size() >= atLeast);
    }

    private List<LifecycleEvent> eventsFor(String secretId, int atLeast) {
        return Logs.read(stack, Topics.LIFECYCLE_EVENTS.name(), secretId, WAIT, r -> r.size() >= atLeast);
    }

    /** Moves the clock, then lets the time-driven work run on the new time and finish what it wrote. */
    private void advance(Duration by) {
        clock.advance(by);
        app.awaitRuns(2);
    }

    @Test
    void firstRotationWaitsOneIntervalThenOneSignedScheduledCommandIsIssued() {
        String id = Secrets.uniqueId("db");
        Instant registered = clock.instant();
        assertThat(app.post("/secrets", OPERATOR, Secrets.database(id)).status()).isEqualTo(201);

        advance(Duration.ofDays(29));
        assertThat(commandsFor(id, 0)).isEmpty();

        advance(Duration.ofDays(1).plusMinutes(1));
        RotationCommand command = commandsFor(id, 1).get(0);
        Instant slot = registered.plus(Duration.ofDays(30));
        assertThat(command.getRotationId()).isEqualTo(RotationScheduler.rotationId(id, slot));
        assertThat(command.getReason()).isEqualTo(RotationReason.SCHEDULED);
        assertThat(command.getRequestedBy()).isEqualTo("rekey-lifecycle-scheduler");
        assertThat(command.getIssuerKeyId()).isEqualTo(LifecycleApp.KEY_ID);
        assertThat(command.getPriority()).isEqualTo(2);
        CommandVerifier verifier = new CommandVerifier(Map.of(LifecycleApp.KEY_ID, LifecycleApp.ISSUER.getPublic()), Set.of(),
                Duration.ofMinutes(5), Duration.ofSeconds(30));
        assertThat(verifier.verify(command, command.getIssuedAt())).isInstanceOf(CommandVerifier.Verdict.Accepted.class);

        advance(Duration.ofMinutes(10));
        assertThat(commandsFor(id, 1)).hasSize(1);
        Response read = app.get("/secrets/" + id, OPERATOR);
        assertThat(read.<String>at("rotation", "schedule", "status")).isEqualTo("issued");
        assertThat(read.<String>at("rotation", "inFlight", "phase")).isEqualTo("ISSUED");
    }

    @Test
    void aRestartDuringTheWindowIssuesNoDuplicateAndAWorkerRotationResetsTheSchedule() {
        String id = Secrets.uniqueId("api");
        Map<String, Object> body = Secrets.withPolicy(Secrets.database(id), "rotateOnRegister", true);
        Instant registered = clock.instant();
        app.post("/secrets", OPERATOR, body);
        RotationCommand first = commandsFor(id, 1).get(0);
        assertThat(first.getRotationId()).isEqualTo(RotationScheduler.rotationId(id, registered));

        app.close();
        settings.put("rekey.test.clock-start", clock.instant().plus(Duration.ofMinutes(5)).toString());
        app = LifecycleApp.start(settings);
        clock = app.bean(MutableClock.class);
        app.awaitRuns(3);
        assertThat(commandsFor(id, 1)).hasSize(1);

        Instant promoted = clock.instant();
        worker.phase(id, first.getRotationId(), RotationPhase.REQUESTED, promoted.minusSeconds(30));
        worker.phase(id, first.getRotationId(), RotationPhase.PROMOTED, promoted);
        worker.rotated(id, first.getRotationId(), promoted);
        await().atMost(WAIT).untilAsserted(() -> {
            Response read = app.get("/secrets/" + id, OPERATOR);
            assertThat(read.<String>at("state")).isEqualTo("ROTATED");
            assertThat(read.<String>at("rotation", "lastRotatedAt")).isEqualTo(promoted.toString());
            assertThat(read.<String>at("rotation", "schedule", "nextDueAt")).isEqualTo(promoted.plus(Duration.ofDays(30)).toString());
        });
    }

    @Test
    void emergencyModeAndAnUnsettledFailurePauseScheduledRotation() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.withPolicy(Secrets.database(id), "intervalDays", 1));
        Response on = app.put("/emergency", ADMIN, Map.of("active", true, "incidentId", "INC-9", "reason", "drill"));
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        try {
            advance(Duration.ofDays(1).plusMinutes(1));
            assertThat(commandsFor(id, 0)).isEmpty();
            assertThat(app.get("/secrets/" + id, OPERATOR).<String>at("rotation", "schedule", "reason")).isEqualTo("emergency mode is on");
        } finally {
            assertThat(app.put("/emergency", ADMIN, Map.of("active", false)).status()).isEqualTo(200);
        }
        RotationCommand afterEmergency = commandsFor(id, 1).get(0);

        worker.failedForGood(id, afterEmergency.getRotationId(), clock.instant());
        await().atMost(WAIT).until(() -> app.get("/secrets/" + id, OPERATOR).at("rotation", "failure") != null);
        advance(Duration.ofDays(1));
        assertThat(commandsFor(id, 1)).hasSize(1);
        Response failed = app.get("/secrets/" + id, OPERATOR);
        assertThat(failed.<String>at("health")).isEqualTo("rotation_failed");
        assertThat(failed.<String>at("rotation", "schedule", "status")).isEqualTo("paused");

        assertThat(app.post("/secrets/" + id + ":clear-rotation-failure", OPERATOR, "{}").status()).isEqualTo(200);
        assertThat(commandsFor(id, 2)).hasSize(2);
    }

    @Test
    void expiryIsWarnedAtEachLeadTimeOnceThenTheSecretExpires() {
        String id = Secrets.uniqueId("api");
        Instant expiresAt = clock.instant().plus(Duration.ofDays(40));
        Map<String, Object> body = Secrets.database(id);
        body.remove("rotationPolicy");
        body.put("expiresAt", expiresAt.toString());
        app.post("/secrets", OPERATOR, body);

        advance(Duration.ofDays(10).plusMinutes(1));
        advance(Duration.ofDays(23));
        advance(Duration.ofDays(6));
        advance(Duration.ofDays(1));
        advance(Duration.ofDays(1));

        List<LifecycleEvent> events = eventsFor(id, 6);
        assertThat(events).extracting(LifecycleEvent::getType).containsExactly(LifecycleEventType.CREATED,
                LifecycleEventType.ACTIVATED, LifecycleEventType.EXPIRY_WARNING, LifecycleEventType.EXPIRY_WARNING,
                LifecycleEventType.EXPIRY_WARNING, LifecycleEventType.EXPIRED);
        assertThat(events.subList(2, 5)).extracting(e -> e.getDetails().get("leadDays")).containsExactly("30", "7", "1");
        assertThat(events.get(5).getActor()).isEqualTo("rekey-lifecycle-scheduler");
        assertThat(app.get("/secrets/" + id, OPERATOR).<String>at("state")).isEqualTo("EXPIRED");
        String metrics = app.get("/prometheus", null).body();
        assertThat(metrics).containsPattern("rekey_secrets_expiry_warnings_total\\{lead_time=\"7d\"} [1-9]");
        assertThat(metrics).containsPattern("rekey_secrets_expiry_warnings_total\\{lead_time=\"expired\"} [1-9]");
    }

    @Test
    void aReadMovesLastAccessAndTheFirstOneMarksTheSecretAccessed() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));
        clock.advance(Duration.ofMinutes(1));
        Instant readAt = clock.instant();
        AccessEvent read = AccessEvent.newBuilder(Samples.accessEvent("svc-orders", id)).setOccurredAt(readAt)
                .setAction(AccessAction.READ).setOutcome(AccessResult.SUCCESS).build();
        stack.send(Topics.ACCESS_EVENTS.name(), Map.entry("svc-orders", read));

        await().atMost(WAIT).untilAsserted(() -> {
            Response secret = app.get("/secrets/" + id, OPERATOR);
            assertThat(secret.<String>at("access", "lastAccessAt")).isEqualTo(readAt.toString());
            assertThat(secret.<String>at("access", "lastAccessBy")).isEqualTo("svc-orders");
            assertThat(secret.<String>at("state")).isEqualTo("ACCESSED");
        });
        assertThat(eventsFor(id, 3)).extracting(LifecycleEvent::getType).containsExactly(LifecycleEventType.CREATED,
                LifecycleEventType.ACTIVATED, LifecycleEventType.ACCESSED);
    }

    @Test
    void aSoftDeletedSecretIsPurgedWhenItsRecoveryWindowEnds() {
        String id = Secrets.uniqueId("db");
        Map<String, Object> body = Secrets.database(id);
        body.put("activate", false);
        app.post("/secrets", OPERATOR, body);
        assertThat(app.delete("/secrets/" + id, ADMIN).status()).isEqualTo(200);

        advance(Duration.ofDays(29));
        assertThat(app.get("/secrets/" + id, OPERATOR).status()).isEqualTo(200);
        advance(Duration.ofDays(1).plusMinutes(1));

        await().atMost(WAIT).until(() -> app.get("/secrets/" + id, OPERATOR).status() == 404);
        assertThat(eventsFor(id, 4)).extracting(LifecycleEvent::getType).containsExactly(LifecycleEventType.CREATED,
                LifecycleEventType.SOFT_DELETED, LifecycleEventType.PURGED);
    }

    @Test
    void malformedRecordsAreDeadLetteredOnceEvenAcrossARestartAndTheServiceGoesOn() {
        String id = Secrets.uniqueId("junk");
        stack.sendRaw(Topics.LIFECYCLE_EVENTS.name(), id.getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"ROTATED\"}".getBytes(StandardCharsets.UTF_8));
        stack.send(Topics.REGISTRY.name(), Map.entry(id, Samples.descriptor("someone/else")));

        List<DeadLetter> letters = deadLettersFor(id, 2);
        assertThat(letters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
                "wrong magic byte 0x7b, expected 0x00 (Confluent wire format)",
                "record key '" + id + "' differs from the value's secretId 'someone/else'; records are keyed by secretId "
                        + "so one secret's records stay in one partition");
        assertThat(letters).extracting(DeadLetter::getConsumer).containsOnly("rekey-lifecycle-service");

        app.close();
        app = LifecycleApp.start(settings);
        clock = app.bean(MutableClock.class);
        String ok = Secrets.uniqueId("db");
        assertThat(app.post("/secrets", OPERATOR, Secrets.database(ok)).status()).isEqualTo(201);
        app.awaitRuns(2);
        assertThat(deadLettersFor(id, 2)).hasSize(2);
    }

    private List<DeadLetter> deadLettersFor(String key, int atLeast) {
        String keyBase64 = java.util.Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
        return Logs.<DeadLetter>read(stack, Topics.DLQ.name(), key, WAIT,
                r -> r.stream().filter(l -> keyBase64.equals(l.getKeyBase64())).count() >= atLeast);
    }
}
