package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.TimeRangeReader;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code rekey audit}: export the tamper-evident audit log. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Export audit records of the last N hours from rekey.audit.log as JSON lines or CSV; 'audit verify' checks the hash chains.",
        subcommands = AuditVerifyCommand.class)
public final class AuditCommand implements Callable<Integer> {

    enum Format { jsonl, csv }

    private static final String[] CSV_COLUMNS = {"sequence", "chain", "occurredAt", "recordedAt", "kind", "secretId", "principalId",
            "action", "sourceTopic", "sourcePartition", "sourceOffset", "sourceEventId", "prevHash", "hash"};

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--hours", defaultValue = "24", paramLabel = "N", description = "Records of the last N hours (default ${DEFAULT-VALUE}).")
    int hours;

    // Checked in call(), not by picocli: a required option here would also be demanded of 'rekey audit verify'.
    @Option(names = "--output", paramLabel = "FILE", description = "File to write (required for the export).")
    Path file;

    @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl or csv (default: from the file name, else jsonl).")
    Format format;

    @Option(names = "--topic", defaultValue = "rekey.audit.log", paramLabel = "TOPIC",
            description = "The audit topic (default ${DEFAULT-VALUE}; e.g. a mirrored copy).")
    String topic;

    @Override
    public Integer call() throws IOException {
        if (file == null) {
            throw new CliException(RekeyCli.EXIT_USAGE, "Missing required option: '--output=FILE' (or run 'rekey audit verify')");
        }
        if (hours < 1) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--hours must be at least 1, was " + hours);
        }
        Format chosen = format != null ? format : file.toString().endsWith(".csv") ? Format.csv : Format.jsonl;
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        Instant now = Instant.now();
        AtomicInteger count = new AtomicInteger();
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            if (chosen == Format.csv) {
                out.write(String.join(",", CSV_COLUMNS));
                out.newLine();
            }
            TimeRangeReader.<AuditRecord>read(clients, topic, now.minus(Duration.ofHours(hours)), now.plusSeconds(1), r -> {
                try {
                    out.write(chosen == Format.csv ? csv(r.value()) : Json.line(Json.of(r.value())));
                    out.newLine();
                    count.incrementAndGet();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        spec.commandLine().getOut().println(count.get() + " audit record(s) of the last " + hours + " h written to " + file);
        return RekeyCli.EXIT_OK;
    }

    private static String csv(AuditRecord r) {
        Object[] values = {r.getSequence(), r.getChain(), r.getOccurredAt(), r.getRecordedAt(), r.getKind(), r.getSecretId(),
                r.getPrincipalId(), r.getAction(), r.getSourceTopic(), r.getSourcePartition(), r.getSourceOffset(), r.getSourceEventId(),
                r.getPrevHash(), r.getHash()};
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String cell = values[i] == null ? "" : values[i].toString();
            boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
            line.append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        return line.toString();
    }
}
