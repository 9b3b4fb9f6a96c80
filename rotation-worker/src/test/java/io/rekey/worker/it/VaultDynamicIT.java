package io.rekey.worker.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.testkit.vault.VaultKvStandIn;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.worker.target.UserCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vault dynamic database credentials run through the rotation phases, against the Vault stand-in's database engine
 * and sys/leases endpoints, which create, renew and drop real PostgreSQL roles.
 */
@RekeyIntegrationTest
class VaultDynamicIT extends TargetWorkerIT {

    private static final String GOOD_STATEMENTS = "[\"CREATE ROLE \\\"{{name}}\\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "
            + Postgres.MANAGED_GROUP + ";\"]";

    private final VaultKvStandIn vault = VaultKvStandIn.builder().databaseMount("database").start();
    private final Path tokenFile = tokenFile(vault.rootToken());

    @Override
    String instanceId() {
        return "it-vault-dynamic";
    }

    @Override
    Map<String, Object> settings() {
        return Map.of("rekey.worker.targets.vault.address", vault.address(),
                "rekey.worker.targets.vault.token-file", tokenFile.toString(),
                "rekey.worker.targets.vault.lease-check-interval", "300ms",
                "rekey.worker.targets.vault.lease-refresh-margin", "2s");
    }

    @BeforeAll
    void configureVault() {
        Postgres.requirePasswordAuthentication();
        call("POST", "database/config/pg", "{\"plugin_name\":\"postgresql-database-plugin\",\"allowed_roles\":\"*\","
                + "\"connection_url\":\"postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres\",\"username\":\"postgres\"}");
    }

    @AfterAll
    void stopVault() {
        call("POST", "sys/leases/revoke-prefix/database/creds/", "{}");
        vault.close();
    }

    @Test
    void eachRotationIssuesALeaseAndThePreviousLeaseIsRevokedWhenTheGraceEnds() {
        String role = role("orders", GOOD_STATEMENTS, "1h");
        try (LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(role);
            assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
            UserCredential first = current(secret);
            assertThat(Postgres.canLogin(first.username(), first.password().reveal())).isTrue();

            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.SCHEDULED, Duration.ofSeconds(1));
            harness.send(command);
            beforeCleanup.awaitEntered(WAIT);
            UserCredential second = current(secret);
            assertThat(second.username()).isNotEqualTo(first.username());
            assertThat(Postgres.canLogin(second.username(), second.password().reveal())).isTrue();
            assertThat(Postgres.canLogin(first.username(), first.password().reveal())).as("previous lease valid during the grace").isTrue();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            assertThat(Postgres.canLogin(first.username(), first.password().reveal())).as("previous lease revoked").isFalse();
            assertThat(Postgres.canLogin(second.username(), second.password().reveal())).isTrue();
            List<LifecycleEvent> facts = harness.lifecycleEvents(secret.secretId(), LifecycleEventType.LEASE_REVOKED, 1, WAIT);
            assertThat(facts).filteredOn(e -> e.getType() == LifecycleEventType.LEASE_ISSUED).hasSize(2);
            assertThat(facts).filteredOn(e -> e.getType() == LifecycleEventType.LEASE_REVOKED).singleElement()
                    .satisfies(e -> assertThat(e.getDetails()).containsEntry("leaseId", previousLeaseId(secret, first)));
            logs.assertNoneOf(first.password().reveal(), second.password().reveal());
            assertThat(facts).allSatisfy(e -> assertThat(e.toString()).doesNotContain(first.password().reveal(), second.password().reveal()));
        }
    }

    @Test
    void aVaultRoleWhoseCredentialsCannotLogInRollsBackAndTheNewLeaseIsRevoked() {
        String role = role("billing", GOOD_STATEMENTS, "1h");
        WorkerHarness.Registered secret = register(role);
        assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
        UserCredential live = current(secret);
        // Someone edits the Vault role and forgets LOGIN: every credential it issues from now on is refused by PostgreSQL.
        role(role, "[\"CREATE ROLE \\\"{{name}}\\\" WITH PASSWORD '{{password}}' IN ROLE " + Postgres.MANAGED_GROUP + ";\"]", "1h");

        List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

        assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.GENERATED, RotationPhase.ROLLING_BACK,
                RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
        assertThat(events.get(events.size() - 1).getError()).contains("with the issued credential failed");
        assertThat(Postgres.canLogin(live.username(), live.password().reveal())).as("CURRENT's lease untouched").isTrue();
        assertThat(current(secret).username()).isEqualTo(live.username());
        List<LifecycleEvent> facts = harness.lifecycleEvents(secret.secretId(), LifecycleEventType.LEASE_REVOKED, 2, WAIT);
        assertThat(facts).filteredOn(e -> e.getType() == LifecycleEventType.LEASE_REVOKED)
                .allSatisfy(e -> assertThat(e.getReason()).contains("rolled back"));
        assertThat(leases(role)).as("only CURRENT's lease is left").hasSize(1);
    }

    @Test
    void theCurrentLeaseIsRenewedBeforeItExpiresAndEachRenewalIsRecorded() {
        String role = role("reports", GOOD_STATEMENTS, "3s");
        WorkerHarness.Registered secret = register(role);
        assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
        UserCredential live = current(secret);

        // Three renewals take longer than the lease's 3 s: without them Vault would have revoked it.
        List<LifecycleEvent> facts = harness.lifecycleEvents(secret.secretId(), LifecycleEventType.LEASE_RENEWED, 3, WAIT);

        assertThat(facts).filteredOn(e -> e.getType() == LifecycleEventType.LEASE_RENEWED).allSatisfy(e -> {
            assertThat(e.getDetails()).containsKeys("leaseId", "leaseDurationSeconds", "expiresAt");
            assertThat(e.getDetails().get("leaseDurationSeconds")).isEqualTo("3");
        });
        assertThat(Postgres.canLogin(live.username(), live.password().reveal())).as("still valid thanks to the renewals").isTrue();
    }

    @Test
    void anEmergencyRotationRevokesEveryLeaseOfTheRoleIncludingOnesIssuedOutsideRekey() {
        String role = role("payments", GOOD_STATEMENTS, "1h");
        WorkerHarness.Registered secret = register(role);
        assertThat(last(harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT))).isEqualTo(RotationPhase.SUCCEEDED);
        UserCredential before = current(secret);
        JsonNode leaked = call("GET", "database/creds/" + role, null);

        RotationCommand emergency = harness.command(secret.secretId(), RotationReason.EMERGENCY, Duration.ZERO);
        assertThat(last(harness.rotate(emergency, WAIT))).isEqualTo(RotationPhase.SUCCEEDED);

        UserCredential after = current(secret);
        assertThat(Postgres.canLogin(after.username(), after.password().reveal())).isTrue();
        assertThat(Postgres.canLogin(before.username(), before.password().reveal())).isFalse();
        assertThat(Postgres.canLogin(leaked.at("/data/username").asText(), leaked.at("/data/password").asText()))
                .as("a lease issued outside rekey is contained too").isFalse();
        assertThat(harness.lifecycleEvents(secret.secretId(), LifecycleEventType.LEASE_REVOKED, 1, WAIT))
                .anySatisfy(e -> assertThat(e.getDetails()).containsEntry("leasePrefix", "database/creds/" + role + "/"));
    }

    private WorkerHarness.Registered register(String role) {
        return harness.register("it/vault/" + role, TargetKind.VAULT_DYNAMIC, RotationStrategy.GRACE_PERIOD,
                Map.of("mount", "database", "role", role, "verifyJdbcUrl", Postgres.url("postgres")), null);
    }

    private UserCredential current(WorkerHarness.Registered secret) {
        return UserCredential.parseJson(SecretValue.of(harness.value(secret, Label.CURRENT))).credential();
    }

    /** The lease id stored with PREVIOUS, which must hold {@code credential}. */
    private String previousLeaseId(WorkerHarness.Registered secret, UserCredential credential) {
        UserCredential.Parsed previous = UserCredential.parseJson(SecretValue.of(harness.value(secret, Label.PREVIOUS)));
        assertThat(previous.credential().username()).isEqualTo(credential.username());
        return previous.extra().path("lease_id").asText();
    }

    /** Creates or updates a Vault database role; returns its name. */
    private String role(String name, String statements, String ttl) {
        String role = name.startsWith("rk-") ? name : "rk-" + name + "-" + Long.toString(System.nanoTime(), 36);
        call("POST", "database/roles/" + role, "{\"db_name\":\"pg\",\"creation_statements\":" + statements + ",\"default_ttl\":\"" + ttl
                + "\",\"max_ttl\":\"24h\"}");
        return role;
    }

    /** The leases Vault holds for {@code role} ({@code LIST sys/leases/lookup/<prefix>}; 404 when there are none). */
    private List<String> leases(String role) {
        VaultKvStandIn.Reply reply = vault.call("GET", "sys/leases/lookup/database/creds/" + role + "/?list=true", null);
        List<String> keys = new ArrayList<>();
        if (reply.status() != 404) {
            reply.json().at("/data/keys").forEach(k -> keys.add(k.asText()));
        }
        return keys;
    }

    private JsonNode call(String method, String path, String body) {
        VaultKvStandIn.Reply reply = vault.call(method, path, body);
        if (reply.status() >= 300) {
            throw new AssertionError("Vault stand-in " + method + " " + path + ": HTTP " + reply.status());
        }
        return reply.json();
    }

    private static Path tokenFile(String token) {
        try {
            Path file = Files.createTempFile("vault-token", "");
            Files.writeString(file, token);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
