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
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code rekey blast-radius}: who touched a secret while it was exposed. */
@Command(name = "blast-radius", mixinStandardHelpOptions = true,
        description = "Who accessed a secret in an exposure window, from where and with which result: the assessment step after a leak.")
public final class BlastRadiusCommand implements Callable<Integer> {

    /** Accesses of one principal from one place with one action and outcome. */
    record Group(String principal, String sourceIp, String country, String action, String outcome, int count, Instant first, Instant last) { }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "SECRET_ID", description = "The secret that was exposed.")
    String secretId;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = TimeArgument.class,
            description = "Start of the exposure window (ISO-8601, UTC date-time, now, or -2h).")
    Instant from;

    @Option(names = "--to", defaultValue = "now", paramLabel = "TIME", converter = TimeArgument.class,
            description = "End of the exposure window (default now).")
    Instant to;

    @Override
    public Integer call() {
        if (!to.isAfter(from)) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--to (" + to + ") must be after --from (" + from + ")");
        }
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        Map<List<String>, Group> groups = new TreeMap<>(Comparator.comparing(Object::toString));
        TimeRangeReader.<AccessEvent>read(clients, Topics.ACCESS_EVENTS.name(), from, to, record -> {
            AccessEvent e = record.value();
            if (!secretId.equals(e.getSecretId()) || e.getOccurredAt().isBefore(from) || !e.getOccurredAt().isBefore(to)) {
                return;
            }
            List<String> key = List.of(e.getPrincipalId(), String.valueOf(e.getSourceIp()), String.valueOf(e.getCountry()),
                    e.getAction().name(), e.getOutcome().name());
            groups.merge(key, new Group(key.get(0), key.get(1), key.get(2), key.get(3), key.get(4), 1, e.getOccurredAt(), e.getOccurredAt()),
                    (a, b) -> new Group(a.principal(), a.sourceIp(), a.country(), a.action(), a.outcome(), a.count() + 1,
                            a.first().isBefore(b.first()) ? a.first() : b.first(), a.last().isAfter(b.last()) ? a.last() : b.last()));
        });
        long principals = groups.values().stream().map(Group::principal).distinct().count();
        long successful = groups.values().stream().filter(g -> g.outcome().equals(AccessResult.SUCCESS.name())).mapToInt(Group::count).sum();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("secretId", secretId);
            result.put("from", from.toString());
            result.put("to", to.toString());
            result.put("principals", principals);
            result.put("successfulAccesses", successful);
            result.put("accesses", groups.values());
            Json.print(out, result);
        } else {
            out.printf("%s between %s and %s: %d principal(s), %d successful access(es)%n", secretId, from, to, principals, successful);
            Table table = new Table("PRINCIPAL", "SOURCE IP", "COUNTRY", "ACTION", "OUTCOME", "COUNT", "FIRST", "LAST");
            groups.values().forEach(g -> table.row(g.principal(), g.sourceIp(), g.country(), g.action(), g.outcome(), g.count(), g.first(), g.last()));
            table.print(out);
        }
        return RekeyCli.EXIT_OK;
    }
}
