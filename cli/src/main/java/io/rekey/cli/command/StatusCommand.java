package io.rekey.cli.command;

import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.render.Table;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rekey status}: rotations in flight and recent ones, with their phases. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Rotations in flight and recently finished, with their phases (from rekey.rotation.events).")
public final class StatusCommand implements Callable<Integer> {

    private static final Set<RotationPhase> FINISHED = EnumSet.of(RotationPhase.SUCCEEDED, RotationPhase.FAILED,
            RotationPhase.REFUSED, RotationPhase.ABANDONED);

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Option(names = "--incident-id", paramLabel = "ID", description = "Only rotations of this incident.")
    String incidentId;

    @Option(names = "--since", defaultValue = "PT24H", paramLabel = "DURATION", description = "How far back (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "Finished rotations shown (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--watch", description = "Keep showing changes until interrupted.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        try (RotationWatcher watcher = new RotationWatcher(clients, Instant.now().minus(since))) {
            watcher.awaitCaughtUp(Duration.ofSeconds(30));
            render(out, selected(watcher));
            if (!watch) {
                return 0;
            }
            boolean terminal = System.console() != null;
            Map<String, RotationPhase> shown = new HashMap<>();
            selected(watcher).forEach(e -> shown.put(e.getRotationId(), e.getPhase()));
            while (!Thread.currentThread().isInterrupted()) {
                watcher.awaitChange(Duration.ofSeconds(2));
                List<RotationEvent> now = selected(watcher);
                if (terminal) {
                    out.print("\033[H\033[2J");
                    render(out, now);
                    continue;
                }
                for (RotationEvent e : now) {
                    if (shown.put(e.getRotationId(), e.getPhase()) != e.getPhase()) {
                        out.printf("%s %s %s %s%s%n", e.getOccurredAt(), e.getSecretId(), e.getRotationId(), e.getPhase(),
                                e.getError() == null ? "" : " (" + e.getError() + ")");
                        out.flush();
                    }
                }
            }
            return 0;
        }
    }

    private List<RotationEvent> selected(RotationWatcher watcher) {
        return watcher.all().values().stream()
                .filter(e -> incidentId == null || incidentId.equals(e.getIncidentId()))
                .sorted(Comparator.comparing(RotationEvent::getOccurredAt).reversed())
                .toList();
    }

    private void render(PrintWriter out, List<RotationEvent> events) {
        List<RotationEvent> inFlight = events.stream().filter(e -> !FINISHED.contains(e.getPhase())).toList();
        List<RotationEvent> finished = events.stream().filter(e -> FINISHED.contains(e.getPhase())).limit(limit).toList();
        if (output.json()) {
            Json.print(out, Map.of("inFlight", inFlight.stream().map(Json::of).toList(), "recent", finished.stream().map(Json::of).toList()));
            return;
        }
        out.println("In flight: " + inFlight.size());
        table(inFlight).print(out);
        out.println();
        out.println("Recently finished (" + finished.size() + "):");
        table(finished).print(out);
    }

    private static Table table(List<RotationEvent> events) {
        Table table = new Table("SECRET", "ROTATION", "PHASE", "ATTEMPT", "AT", "REASON", "INCIDENT", "ERROR");
        events.forEach(e -> table.row(e.getSecretId(), e.getRotationId(), e.getPhase(), e.getAttempt(), e.getOccurredAt(),
                e.getReason(), e.getIncidentId(), e.getError()));
        return table;
    }
}
