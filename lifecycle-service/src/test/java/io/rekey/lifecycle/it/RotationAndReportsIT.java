package io.rekey.lifecycle.it;

import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.LifecycleApp.Response;
import io.rekey.lifecycle.support.Logs;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.lifecycle.support.Worker;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.signing.CommandVerifier;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Rotate-now, emergency mode and compliance reports through the HTTP API. */
@RekeyIntegrationTest
class RotationAndReportsIT extends SharedApp {

    private static final Duration WAIT = Duration.ofSeconds(30);

    RotationAndReportsIT(RekeyStack stack) {
        super(stack);
    }

    private List<RotationCommand> commandsFor(String secretId, int atLeast) {
        return Logs.read(stack, Topics.ROTATION_COMMANDS.name(), secretId, WAIT, r -> r.size() >= atLeast);
    }

    @Test
    void rotateNowPublishesASignedManualCommandAndAnIdempotencyKeyMakesARetrySafe() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));

        Response first = app.postWith("/secrets/" + id + ":rotate", OPERATOR, Map.of("incidentId", "INC-3"),
                "Idempotency-Key", "ticket-42");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String rotationId = first.at("rotationId");
        Response retried = app.postWith("/secrets/" + id + ":rotate", OPERATOR, Map.of("incidentId", "INC-3"),
                "Idempotency-Key", "ticket-42");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.<String>at("rotationId")).isEqualTo(rotationId);
        assertThat(retried.<Boolean>at("alreadyRequested")).isTrue();

        List<RotationCommand> commands = commandsFor(id, 1);
        assertThat(commands).hasSize(1);
        RotationCommand command = commands.get(0);
        assertThat(command.getRotationId()).isEqualTo(rotationId);
        assertThat(command.getReason()).isEqualTo(RotationReason.MANUAL);
        assertThat(command.getRequestedBy()).isEqualTo("alice");
        assertThat(command.getIncidentId()).isEqualTo("INC-3");
        assertThat(new CommandVerifier(Map.of(LifecycleApp.KEY_ID, LifecycleApp.ISSUER.getPublic()), Set.of(),
                Duration.ofMinutes(5), Duration.ofSeconds(30)).verify(command, Instant.now()))
                .isInstanceOf(CommandVerifier.Verdict.Accepted.class);

        Response busy = app.post("/secrets/" + id + ":rotate", OPERATOR, "{}");
        assertThat(busy.status()).isEqualTo(409);
        assertThat(busy.<String>at("detail")).startsWith("rotation " + rotationId + " of '" + id + "' is in flight");
    }

    @Test
    void aManualRotationOnceReportedResetsTheScheduleAndSettlesAFailure() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));
        Worker worker = new Worker(stack);
        worker.failedForGood(id, "r-old", Instant.now());
        await().atMost(WAIT).until(() -> "rotation_failed".equals(app.get("/secrets/" + id, VIEWER).at("health")));

        String rotationId = app.post("/secrets/" + id + ":rotate", OPERATOR, "{}").at("rotationId");
        Instant promoted = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        worker.phase(id, rotationId, RotationPhase.PROMOTED, promoted);
        worker.rotated(id, rotationId, promoted);

        await().atMost(WAIT).untilAsserted(() -> {
            Response read = app.get("/secrets/" + id, VIEWER);
            assertThat(read.<String>at("health")).isEqualTo("healthy");
            assertThat(read.<Object>at("rotation", "failure")).isNull();
            assertThat(read.<String>at("rotation", "schedule", "nextDueAt")).isEqualTo(promoted.plus(Duration.ofDays(30)).toString());
        });
    }

    @Test
    void aRevokedSecretCannotBeRotated() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));
        app.post("/secrets/" + id + ":revoke", ADMIN, Map.of("reason", "leaked"));

        Response response = app.post("/secrets/" + id + ":rotate", OPERATOR, "{}");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.<String>at("currentState")).isEqualTo("REVOKED");
        assertThat(app.post("/secrets/" + Secrets.uniqueId("none") + ":rotate", OPERATOR, "{}").status()).isEqualTo(404);
    }

    @Test
    void emergencyModeIsSwitchedByAnAdminOnTheControlTopic() {
        assertThat(app.put("/emergency", OPERATOR, Map.of("active", true, "incidentId", "INC-5")).status()).isEqualTo(403);
        assertThat(app.put("/emergency", ADMIN, Map.of("active", true)).<String>at("detail"))
                .startsWith("incidentId: is required");
        try {
            Response on = app.put("/emergency", ADMIN, Map.of("active", true, "incidentId", "INC-5", "reason", "leaked CI token"));
            assertThat(on.<Boolean>at("active")).isTrue();
            assertThat(app.get("/emergency", VIEWER).<String>at("changedBy")).isEqualTo("root-admin");
            EmergencyMode mode = Logs.<EmergencyMode>read(stack, Topics.CONTROL.name(), Topics.EMERGENCY_KEY, WAIT,
                    r -> r.stream().anyMatch(m -> m != null && "INC-5".equals(m.getIncidentId()))).stream()
                    .filter(m -> m != null && "INC-5".equals(m.getIncidentId())).findFirst().orElseThrow();
            assertThat(mode.getActive()).isTrue();
            assertThat(mode.getChangedBy()).isEqualTo("root-admin");
        } finally {
            app.put("/emergency", ADMIN, Map.of("active", false));
        }
        assertThat(app.get("/emergency", VIEWER).<Boolean>at("active")).isFalse();
    }

    @Test
    void complianceReportHasFindingsAndTotalsAsJsonAndCsv() {
        String orphan = Secrets.uniqueId("api");
        Map<String, Object> body = Secrets.database(orphan);
        body.put("expiresAt", Instant.now().plus(Duration.ofDays(3)).toString());
        app.post("/secrets", OPERATOR, body);

        Response report = app.get("/reports/compliance?unusedDays=30", VIEWER);
        assertThat(report.status()).isEqualTo(200);
        List<Map<String, Object>> findings = report.at("findings");
        assertThat(findings).filteredOn(f -> orphan.equals(f.get("secretId"))).extracting(f -> f.get("kind"))
                .containsExactly("EXPIRING_SOON");
        assertThat(report.<Number>at("totals", "secrets").intValue()).isPositive();
        assertThat(report.<Map<String, Object>>at("totals", "byKind")).containsKeys("OVERDUE_ROTATION", "NO_OWNER");
        assertThat(report.<String>at("policy", "unusedFor")).isEqualTo("PT720H");

        Response csv = app.get("/reports/compliance.csv", VIEWER);
        assertThat(csv.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.body()).startsWith("secretId,finding,owner,criticality,category,state,since,detail\r\n")
                .contains(orphan + ",EXPIRING_SOON,team-orders,HIGH,SERVICE,ACTIVATED,").contains("\r\nTOTAL,SECRETS,");
        assertThat(app.get("/reports/compliance?unusedDays=0", VIEWER).status()).isEqualTo(400);
    }
}
