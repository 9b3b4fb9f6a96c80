package io.rekey.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.rekey.cli.CliRun;
import io.rekey.schema.Category;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.it.WorkerHarness;
import io.rekey.store.Label;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * rekey rotate-all against 50 real PostgreSQL roles with --parallel-limit 5, a real worker, broker and registry:
 * every role ends up with a new password that works, the old one fails, and the summary and the incident report
 * list all 50.
 */
@RekeyIntegrationTest
class MassRotationIT {

    private static final int ROLES = 50;

    @Test
    void rotateAllRotatesFiftyRolesAndTheIncidentReportListsThemAll(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        List<WorkerHarness.Managed> roles = new ArrayList<>();
        try (WorkerHarness harness = new WorkerHarness(stack);
             ApplicationContext worker = harness.startWorker("it-mass", Map.of("rekey.worker.concurrency", 5))) {
            for (int i = 0; i < ROLES; i++) {
                // This run selects by category; no other test registers INTEGRATION secrets.
                roles.add(harness.managedRole("rekey_mass", "old-password-" + i, Category.INTEGRATION));
            }
            Path key = Files.writeString(harness.dir.resolve("issuer.pem"), IssuerKeys.privatePem(harness.issuer.getPrivate()));
            String incident = "INC-" + UUID.randomUUID().toString().substring(0, 8);

            CliRun run = CliRun.of("rotate-all", "--category", "INTEGRATION", "--incident-id", incident, "--parallel-limit", "5",
                    "--confirm", "--force", "--output", "json", "--bootstrap-servers", stack.bootstrapServers(),
                    "--registry-url", stack.registry().baseUrl().toString(),
                    "--issuer-key-file", key.toString(), "--issuer-key-id", WorkerHarness.ISSUER);

            assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
            JsonNode summary = new ObjectMapper().readTree(run.out());
            assertThat(summary.get("total").asInt()).isEqualTo(ROLES);
            assertThat(summary.get("failed").asInt()).isZero();
            Set<String> listed = new HashSet<>();
            summary.get("secrets").forEach(s -> listed.add(s.get("secretId").asText()));
            assertThat(listed).containsExactlyInAnyOrderElementsOf(roles.stream().map(WorkerHarness.Managed::secretId).toList());
            for (int i = 0; i < ROLES; i++) {
                WorkerHarness.Managed role = roles.get(i);
                String current = harness.store.read(role.storePath(), Label.CURRENT).orElseThrow().reveal();
                assertThat(Postgres.canLogin(role.role().name(), current)).as(role.secretId() + " new password").isTrue();
                assertThat(Postgres.canLogin(role.role().name(), "old-password-" + i)).as(role.secretId() + " old password").isFalse();
            }

            CliRun report = CliRun.of("incident", "report", "--incident-id", incident, "--format", "json",
                    "--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registry().baseUrl().toString());
            assertThat(report.exitCode()).as(report.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(report.out());
            assertThat(json.get("secrets").asInt()).isEqualTo(ROLES);
            assertThat(json.get("rotated").asInt()).isEqualTo(ROLES);
            assertThat(json.get("timeToContainSeconds").asDouble()).isPositive();
            Set<String> reported = new HashSet<>();
            json.get("perSecret").forEach(s -> reported.add(s.get("secretId").asText()));
            assertThat(reported).isEqualTo(listed);
        } finally {
            roles.forEach(WorkerHarness.Managed::close);
        }
    }
}
