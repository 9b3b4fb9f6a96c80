package io.rekey.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.rekey.cli.CliRun;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Category;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.it.WorkerHarness;
import io.rekey.store.Label;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The incident commands, each run in this JVM against the real broker, registry, store and a running worker. */
@RekeyIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliCommandsIT {

    private WorkerHarness harness;
    private ApplicationContext worker;
    private Path key;
    private String[] connection;

    @BeforeAll
    void start(RekeyStack stack) throws Exception {
        Postgres.requirePasswordAuthentication();
        harness = new WorkerHarness(stack);
        worker = harness.startWorker("it-cli", Map.of());
        key = Files.writeString(harness.dir.resolve("issuer.pem"), IssuerKeys.privatePem(harness.issuer.getPrivate()));
        connection = new String[] {"--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registry().baseUrl().toString()};
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void rotateWaitsForTheNewCredentialAndSaysSoInJson() throws Exception {
        try (WorkerHarness.Managed role = harness.managedRole("rekey_cli_rot", "old-cli-password")) {
            CliRun run = cli("rotate", role.secretId(), "--wait", "--incident-id", "INC-CLI", "-o", "json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode result = new ObjectMapper().readTree(run.out());
            assertThat(result.get("phase").asText()).isIn("CLEANUP_SCHEDULED", "CLEANED_UP", "SUCCEEDED");
            String rotationId = result.get("rotationId").asText();
            assertThat(harness.store.describe(role.storePath()).orElseThrow().versionWith(Label.CURRENT)).contains(rotationId);

            CliRun status = cli("status", "--incident-id", "INC-CLI", "-o", "json");
            assertThat(status.exitCode()).isZero();
            assertThat(status.out()).contains(rotationId);
        }
    }

    @Test
    void anUnknownSecretIsAOneLineUsageError() {
        CliRun run = cli("rotate", "it/no-such-secret");

        assertThat(run.exitCode()).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(run.err()).startsWith("rekey: secret it/no-such-secret is not registered").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aMalformedTimeNamesTheProblemAndTheFix() {
        CliRun run = cli("blast-radius", "db/x", "--from", "yesterday-ish");

        assertThat(run.exitCode()).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(run.err()).contains("'yesterday-ish' is not a time").contains("-2h");
    }

    @Test
    void anUnreachableBrokerIsExitCodeThreeWithoutAStackTrace() {
        CliRun run = CliRun.of("status", "--bootstrap-servers", "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(RekeyCli.EXIT_UNREACHABLE);
        assertThat(run.err()).startsWith("rekey: Kafka at 127.0.0.1:1 is unreachable").doesNotContain("\tat ");
    }

    @Test
    void emergencyModeIsPublishedOnTheControlTopic() {
        String incident = "INC-" + UUID.randomUUID();

        assertThat(cli("emergency", "on", "--incident-id", incident).exitCode()).isZero();

        List<ConsumerRecord<String, EmergencyMode>> modes = harness.stack.readUntil(Topics.CONTROL.name(), Duration.ofSeconds(30),
                rs -> rs.stream().anyMatch(r -> incident.equals(r.value().getIncidentId())));
        EmergencyMode mode = modes.stream().map(ConsumerRecord::value).filter(m -> incident.equals(m.getIncidentId())).findFirst().orElseThrow();
        assertThat(mode.getActive()).isTrue();
        assertThat(modes.stream().filter(m -> incident.equals(m.value().getIncidentId())).findFirst().orElseThrow().key()).isEqualTo("emergency");
        assertThat(cli("emergency", "off", "--incident-id", incident).exitCode()).isZero();
        assertThat(cli("emergency", "sideways", "--incident-id", incident).exitCode()).isEqualTo(RekeyCli.EXIT_USAGE);
    }

    @Test
    void healthReportsEachPartAndFailsWhenAServiceIsDown() throws Exception {
        CliRun run = cli("health", "--service", "rotation-worker=http://127.0.0.1:1", "--store-url", harness.storeDatabase.url(), "-o", "json");

        assertThat(run.exitCode()).isEqualTo(RekeyCli.EXIT_UNREACHABLE);
        JsonNode checks = new ObjectMapper().readTree(run.out());
        Map<String, Boolean> up = new java.util.HashMap<>();
        checks.forEach(c -> up.put(c.get("component").asText(), c.get("up").asBoolean()));
        assertThat(up).containsEntry("kafka", true).containsEntry("schema-registry", true).containsEntry("secret-store", true)
                .containsEntry("rotation-worker", false);
    }

    @Test
    void blastRadiusListsWhoAccessedTheSecretInTheWindow() throws Exception {
        String secret = "it/leaked-" + UUID.randomUUID();
        Instant now = Instant.now();
        AccessEvent read = Samples.accessEvent("svc-orders", secret);
        read.setOccurredAt(now.minusSeconds(60));
        AccessEvent denied = Samples.accessEvent("mallory", secret);
        denied.setOccurredAt(now.minusSeconds(30));
        denied.setOutcome(AccessResult.DENIED);
        denied.setSourceIp("203.0.113.7");
        denied.setCountry("RU");
        AccessEvent other = Samples.accessEvent("svc-orders", "it/other-secret");
        other.setOccurredAt(now.minusSeconds(20));
        harness.stack.send(Topics.ACCESS_EVENTS.name(), Map.entry("svc-orders", read), Map.entry("mallory", denied), Map.entry("svc-orders", other));

        CliRun run = cli("blast-radius", secret, "--from", "-10m", "--to", "now", "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertThat(result.get("principals").asInt()).isEqualTo(2);
        assertThat(result.get("successfulAccesses").asInt()).isEqualTo(1);
        List<String> rows = new ArrayList<>();
        result.get("accesses").forEach(a -> rows.add(a.get("principal").asText() + " " + a.get("sourceIp").asText() + " "
                + a.get("country").asText() + " " + a.get("action").asText() + " " + a.get("outcome").asText()));
        assertThat(rows).containsExactlyInAnyOrder("mallory 203.0.113.7 RU READ DENIED", "svc-orders 10.1.2.3 GB READ SUCCESS");
    }

    @Test
    void auditExportWritesJsonLinesOrCsv() throws Exception {
        harness.stack.send(Topics.AUDIT_LOG.name(), Map.entry("db/orders", Samples.auditRecord("db/orders")));
        Path jsonl = harness.dir.resolve("audit.jsonl");
        Path csv = harness.dir.resolve("audit.csv");

        // The sample record is stamped in the past; the broker stamps it now.
        assertThat(cli("audit", "--hours", "1", "--output", jsonl.toString()).exitCode()).isZero();
        assertThat(cli("audit", "--hours", "1", "--output", csv.toString()).exitCode()).isZero();

        assertThat(Files.readAllLines(jsonl)).isNotEmpty().allSatisfy(line -> assertThat(new ObjectMapper().readTree(line).has("hash")).isTrue());
        assertThat(Files.readAllLines(csv).get(0)).startsWith("sequence,chain,occurredAt");
        assertThat(Files.readAllLines(csv)).hasSizeGreaterThan(1);
    }

    @Test
    void auditVerifyPassesAnIntactChainAndNamesTheFirstTamperedRecord() throws Exception {
        String topic = harness.stack.createTopicLike(Topics.AUDIT_LOG, "audit-verify");
        String chain = io.rekey.schema.audit.AuditChain.chainId(topic, 0);
        List<io.rekey.schema.AuditRecord> records = new ArrayList<>();
        long sequence = 0;
        String hash = io.rekey.schema.audit.AuditChain.GENESIS;
        for (int i = 0; i < 5; i++) {
            io.rekey.schema.AuditRecord record = io.rekey.schema.audit.AuditChain.append(Samples.auditRecord("db/chain-" + i), chain, sequence, hash);
            records.add(record);
            sequence = record.getSequence();
            hash = record.getHash();
        }
        try (var producer = harness.stack.<io.rekey.schema.AuditRecord>avroProducer()) {
            for (io.rekey.schema.AuditRecord record : records) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, "k", record)).get();
            }
        }

        CliRun intact = cli("audit", "verify", "--topic", topic, "-o", "json");
        assertThat(intact.exitCode()).as(intact.err()).isZero();
        assertThat(new ObjectMapper().readTree(intact.out()).get("recordsVerified").asInt()).isEqualTo(5);

        io.rekey.schema.AuditRecord forged = io.rekey.schema.AuditRecord.newBuilder(records.get(2)).setAction("ACCESS READ DENIED").build();
        String tamperedTopic = harness.stack.createTopicLike(Topics.AUDIT_LOG, "audit-tampered");
        try (var producer = harness.stack.<io.rekey.schema.AuditRecord>avroProducer()) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(tamperedTopic, 0, "k", i == 2 ? forged : records.get(i))).get();
            }
        }
        CliRun tampered = cli("audit", "verify", "--topic", tamperedTopic);
        assertThat(tampered.exitCode()).isEqualTo(RekeyCli.EXIT_FAILED);
        assertThat(tampered.out()).contains("breaks at sequence 3 (offset 2)").contains("BROKEN");
    }

    @Test
    void replayWritesTheAnomaliesOfAPastRangeToAFile() throws Exception {
        String principal = "replay-rogue-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<Map.Entry<String, AccessEvent>> failures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AccessEvent failed = Samples.accessEvent(principal, "db/replay-" + i);
            failed.setId(UUID.randomUUID().toString());
            failed.setOccurredAt(now.minusSeconds(120 - i));
            failed.setOutcome(AccessResult.FAILURE);
            failures.add(Map.entry(principal, failed));
        }
        @SuppressWarnings("unchecked")
        Map.Entry<String, AccessEvent>[] events = failures.toArray(Map.Entry[]::new);
        harness.stack.send(Topics.ACCESS_EVENTS.name(), events);
        Path out = harness.dir.resolve("replay.jsonl");

        CliRun run = cli("replay", "--from", "-10m", "--to", "now", "--output", out.toString(), "--warm-up", "PT1M");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllLines(out)).anySatisfy(line -> assertThat(line).contains(principal).contains("FAILED_ATTEMPTS"));
        CliRun badRules = cli("replay", "--from", "-10m", "--output", "x.jsonl", "--rules", harness.dir.resolve("missing.properties").toString());
        assertThat(badRules.exitCode()).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(badRules.err()).contains("missing.properties is missing or unreadable");
    }

    @Test
    void aDrillRotatesOnlySecretsTaggedForDrills() throws Exception {
        try (WorkerHarness.Managed drill = harness.managedRole("rekey_drill", "drill-old-password", Category.HUMAN);
             WorkerHarness.Managed real = harness.managedRole("rekey_real", "real-old-password", Category.HUMAN)) {
            SecretDescriptor tagged = harness.stack.<SecretDescriptor>readUntil(Topics.REGISTRY.name(), Duration.ofSeconds(30),
                    rs -> rs.stream().anyMatch(r -> drill.secretId().equals(r.key()))).stream()
                    .filter(r -> drill.secretId().equals(r.key())).reduce((a, b) -> b).orElseThrow().value();
            tagged.setTags(List.of("drill"));
            harness.stack.send(Topics.REGISTRY.name(), Map.entry(drill.secretId(), tagged));

            CliRun run = cli("drill", "--parallel-limit", "2", "-o", "json");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode summary = new ObjectMapper().readTree(run.out());
            List<String> rotated = new ArrayList<>();
            summary.get("secrets").forEach(s -> rotated.add(s.get("secretId").asText()));
            assertThat(rotated).contains(drill.secretId()).doesNotContain(real.secretId());
            assertThat(Postgres.canLogin(real.role().name(), "real-old-password")).isTrue();
            assertThat(Postgres.canLogin(drill.role().name(), "drill-old-password")).isFalse();
        }
    }

    @Test
    void rotateAllRefusesWithoutConfirmationWhenNotInteractive() {
        CliRun run = cli("rotate-all", "--all", "--incident-id", "INC-NO");

        assertThat(run.exitCode()).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(run.err()).contains("pass --confirm to proceed");
    }

    private CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(connection));
        if (List.of("rotate", "rotate-all", "drill").contains(args[0])) {
            all.addAll(List.of("--issuer-key-file", key.toString(), "--issuer-key-id", WorkerHarness.ISSUER));
        }
        return CliRun.of(all.toArray(String[]::new));
    }
}
