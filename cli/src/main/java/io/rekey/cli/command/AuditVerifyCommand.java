package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.TimeRangeReader;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.options.TimeArgument;
import io.rekey.cli.render.Json;
import io.rekey.cli.render.Table;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.audit.AuditChainVerifier;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rekey audit verify}: recompute the audit log's hash chains and name the first broken link. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Recompute the hash chain of every partition of rekey.audit.log and name the first broken link: "
                + "the chain, the sequence number, the offset and why.",
                "Without --from each chain is checked from its first record; with --from the first record in the range is "
                        + "taken as the anchor."})
public final class AuditVerifyCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Check from this time (ISO-8601, UTC date-time, now, or -2h); default: each chain's beginning.")
    Instant from;

    @Option(names = "--to", defaultValue = "now", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Check up to this time (default now).")
    Instant to;

    @Option(names = "--topic", defaultValue = "rekey.audit.log", paramLabel = "TOPIC",
            description = "The audit topic (default ${DEFAULT-VALUE}; e.g. a mirrored copy).")
    String topic;

    @Override
    public Integer call() {
        Instant start = from == null ? Instant.EPOCH : from;
        if (!to.isAfter(start)) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--to (" + to + ") must be after --from (" + start + ")");
        }
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        Map<Integer, AuditChainVerifier> chains = new TreeMap<>();
        int undecodable = TimeRangeReader.<AuditRecord>read(clients, topic, start, to.plusSeconds(1), record ->
                chains.computeIfAbsent(record.partition(), p -> from == null
                                ? AuditChainVerifier.fromGenesis(record.value().getChain())
                                : AuditChainVerifier.anchoredAtFirst(record.value().getChain()))
                        .accept(record.offset(), record.value()));
        List<AuditChainVerifier.Break> breaks = chains.values().stream().flatMap(v -> v.firstBreak().stream()).toList();
        long verified = chains.values().stream().mapToLong(AuditChainVerifier::verified).sum();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("chains", chains.size());
            result.put("recordsVerified", verified);
            result.put("undecodable", undecodable);
            result.put("intact", breaks.isEmpty() && undecodable == 0);
            result.put("breaks", breaks.stream().map(b -> Map.of("chain", b.chain(), "sequence", b.sequence(),
                    "offset", b.offset(), "reason", b.reason())).toList());
            Json.print(out, result);
        } else {
            Table table = new Table("CHAIN", "VERIFIED", "LAST SEQUENCE", "RESULT");
            chains.values().forEach(v -> table.row(v.chain(), v.verified(), v.lastSequence(),
                    v.firstBreak().map(AuditChainVerifier.Break::toString).orElse("intact")));
            table.print(out);
            out.printf("%d chain(s), %d record(s) verified%s: %s%n", chains.size(), verified,
                    undecodable == 0 ? "" : ", " + undecodable + " undecodable", breaks.isEmpty() && undecodable == 0 ? "intact" : "BROKEN");
            out.flush();
        }
        return breaks.isEmpty() && undecodable == 0 ? RekeyCli.EXIT_OK : RekeyCli.EXIT_FAILED;
    }
}
