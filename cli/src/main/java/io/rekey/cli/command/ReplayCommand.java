package io.rekey.cli.command;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.replay.Replay;
import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.TimeArgument;
import io.rekey.cli.render.Json;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/** {@code rekey replay}: re-run the detectors over history without touching live output. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run the anomaly detectors over a past time range of rekey.access.events, with today's or trial rules, "
                + "writing the anomalies to a topic of your choice or a JSON-lines file; live topics are never written.",
                "--output takes topic:NAME or file:PATH (a bare value with '/' or ending .jsonl is a file, otherwise a topic)."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--from", required = true, paramLabel = "TIME", converter = TimeArgument.class, description = "Start of the range.")
    Instant from;

    @Option(names = "--to", defaultValue = "now", paramLabel = "TIME", converter = TimeArgument.class, description = "End of the range (default now).")
    Instant to;

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Properties file of rekey.audit.* settings to try (e.g. rekey.audit.excessive-access.threshold=10); others keep their defaults.")
    Path rules;

    @Option(names = "--output", required = true, paramLabel = "TOPIC|FILE", description = "Where the anomalies go.")
    String output;

    @Option(names = "--warm-up", defaultValue = "PT10M", paramLabel = "DURATION",
            description = "History read before --from to fill the windows, without reporting (default ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Override
    public Integer call() throws IOException {
        if (!to.isAfter(from)) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--to (" + to + ") must be after --from (" + from + ")");
        }
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        AuditConfig config;
        try {
            config = AuditSettings.parse(settings());
        } catch (IllegalArgumentException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, (rules == null ? "" : rules + ": ") + e.getMessage());
        }
        Replay.Result result;
        try {
            result = new Replay(clients, config, Clock.systemUTC()).run(new Replay.Request(from, to, warmUp, target()));
        } catch (IllegalArgumentException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, e.getMessage());
        }
        Json.print(spec.commandLine().getOut(), result);
        return RekeyCli.EXIT_OK;
    }

    private Map<String, String> settings() throws IOException {
        Map<String, String> settings = new HashMap<>();
        if (rules != null) {
            if (!Files.isReadable(rules)) {
                throw new CliException(RekeyCli.EXIT_USAGE, "rules file " + rules + " is missing or unreadable");
            }
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(rules)) {
                props.load(in);
            }
            props.stringPropertyNames().forEach(name -> settings.put(name.startsWith(AuditSettings.PREFIX) ? name : AuditSettings.PREFIX + name,
                    props.getProperty(name)));
        }
        return settings;
    }

    private Replay.Output target() {
        if (output.startsWith("topic:")) {
            return new Replay.ToTopic(output.substring("topic:".length()));
        }
        if (output.startsWith("file:")) {
            return new Replay.ToFile(Path.of(output.substring("file:".length())));
        }
        boolean file = output.contains("/") || output.endsWith(".jsonl") || output.endsWith(".json");
        return file ? new Replay.ToFile(Path.of(output)) : new Replay.ToTopic(output);
    }
}
