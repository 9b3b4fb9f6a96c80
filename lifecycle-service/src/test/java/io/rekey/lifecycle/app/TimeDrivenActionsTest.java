package io.rekey.lifecycle.app;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rekey.lifecycle.compliance.CompliancePolicy;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.registry.ValidationLimits;
import io.rekey.lifecycle.schedule.RotationScheduler;
import io.rekey.lifecycle.support.InMemoryLog;
import io.rekey.testkit.MutableClock;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPolicy;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.Samples;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The time-driven work on an in-memory log and a clock the test moves: no Kafka, no Micronaut. */
class TimeDrivenActionsTest {

    private static final KeyPair ISSUER = IssuerKeys.generate();
    private static final Set<Integer> ALL = Set.of(0, 1, 2, 3, 4, 5);

    private final MutableClock clock = MutableClock.at("2026-04-01T08:00:00Z");
    private final InMemoryLog log = new InMemoryLog();
    private final LifecycleSettings settings = new LifecycleSettings(Path.of("unused"), "test-key", "test", "rekey-lifecycle-scheduler",
            "group", Duration.ofSeconds(15), List.of(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1)),
            Duration.ofDays(30), false, Duration.ofHours(1), Duration.ofSeconds(5), 100, 10, ValidationLimits.DEFAULTS,
            new CompliancePolicy(Duration.ofDays(365), Map.of(), Duration.ofDays(30), Duration.ofDays(90)));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private LifecycleView view = newView();
    private LifecycleService service = service(view);

    private LifecycleView newView() {
        LifecycleView v = new LifecycleView(100, 10, Duration.ofHours(1));
        log.attach(v);
        v.markCaughtUp();
        return v;
    }

    private LifecycleService service(LifecycleView v) {
        return new LifecycleService(v, log, new CommandSigner("test-key", ISSUER.getPrivate()), new AccessAudit(e -> { }, clock),
                settings, clock);
    }

    private TimeDrivenActions actions(LifecycleView v, Supplier<Set<Integer>> owned) {
        return new TimeDrivenActions(v, log, owned, new CommandSigner("test-key", ISSUER.getPrivate()), settings,
                new LifecycleMetrics(meters, settings.expiryLeadTimes()), clock);
    }

    private void register(String id, RotationPolicy policy, Instant expiresAt) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("secretId", id, "type", "API_KEY", "owner", "team-a",
                "storePath", "rekey/" + id, "target", Map.of("kind", "HTTP_API_KEY"), "strategy", "GRACE_PERIOD",
                "criticality", "MEDIUM", "category", "INTEGRATION"));
        if (policy.getIntervalDays() != null) {
            body.put("rotationPolicy", Map.of("intervalDays", policy.getIntervalDays(), "rotateOnRegister", policy.getRotateOnRegister()));
        }
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        service.register(new Caller("alice", null, null), body);
    }

    private List<RotationCommand> commands(String id) {
        return log.on(Topics.ROTATION_COMMANDS.name()).stream().filter(e -> id.equals(e.key()))
                .map(e -> (RotationCommand) e.value()).toList();
    }

    @Test
    void aDueRotationIsIssuedOnceAndARestartedInstanceDoesNotIssueItAgain() {
        register("api/a", RotationPolicy.newBuilder().setIntervalDays(7).build(), null);
        TimeDrivenActions first = actions(view, () -> ALL);

        clock.advance(Duration.ofDays(7).plusMinutes(5));
        first.run();
        first.run();
        assertThat(commands("api/a")).extracting(RotationCommand::getRotationId)
                .containsExactly(RotationScheduler.rotationId("api/a", Instant.parse("2026-04-08T08:00:00Z")));

        LifecycleView rebuilt = log.replayInto(new LifecycleView(100, 10, Duration.ofHours(1)));
        log.attach(rebuilt);
        clock.advance(Duration.ofMinutes(10));
        actions(rebuilt, () -> ALL).run();

        assertThat(commands("api/a")).hasSize(1);
        assertThat(meters.counter("rekey.lifecycle.rotations.requested", "reason", "SCHEDULED").count()).isEqualTo(1.0);
    }

    @Test
    void onlyTheSecretsOfOwnedPartitionsAreDriven() {
        int partitionOfA = SecretPartitions.of("api/a");
        String other = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "api/b" + i)
                .filter(id -> SecretPartitions.of(id) != partitionOfA).findFirst().orElseThrow();
        register("api/a", RotationPolicy.newBuilder().setIntervalDays(1).setRotateOnRegister(true).build(), null);
        register(other, RotationPolicy.newBuilder().setIntervalDays(1).setRotateOnRegister(true).build(), null);

        actions(view, () -> Set.of(partitionOfA)).run();

        assertThat(commands("api/a")).hasSize(1);
        assertThat(commands(other)).isEmpty();
    }

    @Test
    void emergencyModePausesAndItsEndResumes() {
        register("api/a", RotationPolicy.newBuilder().setIntervalDays(1).setRotateOnRegister(true).build(), null);
        log.append(Topics.CONTROL.name(), Topics.EMERGENCY_KEY, EmergencyMode.newBuilder().setId("e1").setOccurredAt(clock.instant())
                .setActive(true).setIncidentId("INC-1").setChangedBy("cli").build());
        TimeDrivenActions actions = actions(view, () -> ALL);

        actions.run();
        assertThat(commands("api/a")).isEmpty();
        assertThat(meters.get("rekey.lifecycle.emergency.mode").gauge().value()).isEqualTo(1.0);

        log.append(Topics.CONTROL.name(), Topics.EMERGENCY_KEY, EmergencyMode.newBuilder().setId("e2").setOccurredAt(clock.instant())
                .setActive(false).setChangedBy("cli").build());
        actions.run();
        assertThat(commands("api/a")).hasSize(1);
    }

    @Test
    void expiryWarningsAreCountedByLeadTimeAndGaugesCountSecretsByStatus() {
        register("api/e", RotationPolicy.newBuilder().build(), clock.instant().plus(Duration.ofDays(10)));
        TimeDrivenActions actions = actions(view, () -> ALL);

        actions.run();
        actions.run();

        List<LifecycleEvent> warnings = log.on(Topics.LIFECYCLE_EVENTS.name()).stream().map(e -> (LifecycleEvent) e.value())
                .filter(e -> e.getType() == LifecycleEventType.EXPIRY_WARNING).toList();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.getDetails()).containsEntry("leadDays", "30"));
        assertThat(meters.counter("rekey.secrets.expiry.warnings", "lead_time", "30d").count()).isEqualTo(1.0);
        assertThat(meters.get("rekey.secrets.health.status").tag("status", "expiring_soon").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("rekey.secrets.lifecycle.state").tag("state", "activated").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aWorkerRotationOfARevokedSecretKeepsItRevokedAndIsNotRescheduled() {
        register("api/r", RotationPolicy.newBuilder().setIntervalDays(1).build(), null);
        service.apply(new Caller("root", null, null), "api/r", LifecycleService.Operation.REVOKE, "leaked", null);
        log.append(Topics.LIFECYCLE_EVENTS.name(), "api/r", LifecycleEvent.newBuilder(Samples.lifecycleEvent("api/r"))
                .setFromState(null).setOccurredAt(clock.instant()).build());

        clock.advance(Duration.ofDays(2));
        actions(view, () -> ALL).run();

        assertThat(service.get("api/r").status().state()).hasToString("REVOKED");
        assertThat(service.get("api/r").history()).last().satisfies(h -> {
            assertThat(h.applied()).isFalse();
            assertThat(h.note()).startsWith("state kept REVOKED");
        });
        assertThat(commands("api/r")).isEmpty();
    }
}
