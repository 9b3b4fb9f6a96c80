package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.kafka.Commands;
import io.rekey.cli.options.IssuerOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.render.Progress;
import io.rekey.cli.render.Table;
import io.rekey.cli.rotation.MassRotation;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What rotate-all and drill share: the parallel limit, the progress display, the summary and its exit code. */
final class MassRotationRun {

    private MassRotationRun() {
    }

    static int run(List<SecretDescriptor> secrets, KafkaClients clients, IssuerOptions issuer, OutputOptions output,
                   PrintWriter out, RotationReason reason, String incidentId, boolean force, boolean dryRun,
                   int parallelLimit, Duration perSecretTimeout, boolean terminal) throws InterruptedException {
        if (secrets.isEmpty()) {
            out.println("no secret matches");
            return RekeyCli.EXIT_OK;
        }
        String keyId = issuer.keyId();
        PrivateKey key = issuer.key();
        String requester = RotateCommand.requester();
        Instant started = Instant.now();
        List<MassRotation.Outcome> outcomes;
        try (RotationWatcher watcher = new RotationWatcher(clients, started.minusSeconds(5)); CliKafka kafka = new CliKafka(clients)) {
            MassRotation mass = new MassRotation(
                    command -> kafka.send(Topics.ROTATION_COMMANDS.name(), command.getSecretId(), command),
                    watcher,
                    secretId -> Commands.signed(secretId, reason, requester, incidentId, force, dryRun, null, 9, keyId, key, Instant.now()),
                    parallelLimit, perSecretTimeout, Clock.systemUTC());
            Progress progress = new Progress(output.json() ? new PrintWriter(PrintWriter.nullWriter()) : out, terminal,
                    secrets.size(), Duration.ofSeconds(2));
            outcomes = mass.run(secrets, c -> progress.update(c.done(), c.failed(), c.inFlight(), c.elapsed(), false));
            progress.finish();
        }
        Duration total = Duration.between(started, Instant.now());
        long failed = outcomes.stream().filter(o -> !o.rotated() && !(dryRun && o.phase().name().equals("SUCCEEDED"))).count();
        if (output.json()) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("incidentId", incidentId);
            summary.put("total", outcomes.size());
            summary.put("failed", failed);
            summary.put("elapsedMs", total.toMillis());
            summary.put("secrets", outcomes.stream().map(o -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("secretId", o.secretId());
                row.put("category", o.category() == null ? null : o.category().name());
                row.put("rotationId", o.rotationId());
                row.put("phase", o.phase().name());
                row.put("durationMs", o.took().toMillis());
                row.put("error", o.error());
                return row;
            }).toList());
            Json.print(out, summary);
        } else {
            Table table = new Table("SECRET", "CATEGORY", "RESULT", "DURATION", "ERROR");
            outcomes.forEach(o -> table.row(o.secretId(), o.category(), o.phase(), o.took().toMillis() + " ms", o.error()));
            table.print(out);
            out.printf("%d secret(s) in %.1f s: %d %s, %d failed%n", outcomes.size(), total.toMillis() / 1000.0,
                    outcomes.size() - failed, dryRun ? "validated" : "rotated", failed);
            out.flush();
        }
        return failed == 0 ? RekeyCli.EXIT_OK : RekeyCli.EXIT_FAILED;
    }

    static void confirm(PrintWriter out, boolean confirmed, int count, String what) {
        if (confirmed) {
            return;
        }
        java.io.Console console = System.console();
        if (console == null) {
            throw new CliException(RekeyCli.EXIT_USAGE, "this rotates " + count + " secret(s) (" + what + "): pass --confirm to proceed");
        }
        out.printf("This rotates %d secret(s) (%s). Type yes to proceed: ", count, what);
        out.flush();
        String answer = console.readLine();
        if (!"yes".equalsIgnoreCase(answer == null ? "" : answer.trim())) {
            throw new CliException(RekeyCli.EXIT_FAILED, "not confirmed; nothing was rotated");
        }
    }

    static void checkParallelLimit(int limit) {
        if (limit < 1 || limit > 100) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--parallel-limit must be between 1 and 100, was " + limit);
        }
    }
}
