package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.TimeRangeReader;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.Anomaly;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code rekey incident report}. */
@Command(name = "incident", mixinStandardHelpOptions = true, description = "Incident tooling.",
        subcommands = IncidentCommand.Report.class)
public final class IncidentCommand implements Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CliException(RekeyCli.EXIT_USAGE, "choose a subcommand: rekey incident report --incident-id ID");
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "The incident's timeline (commands, phases, failures, anomalies meanwhile), per-secret results, "
                    + "durations and who did what, as Markdown or JSON.")
    static final class Report implements Callable<Integer> {

        enum Format { md, json }

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--incident-id", required = true, paramLabel = "ID", description = "The incident.")
        String incidentId;

        @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT", description = "md (default) or json.")
        Format format;

        @Option(names = "--since", defaultValue = "P7D", paramLabel = "DURATION", description = "How far back to look (default ${DEFAULT-VALUE}).")
        Duration since;

        @Option(names = "--output-file", paramLabel = "FILE", description = "Write the report here instead of standard output.")
        Path file;

        @Override
        public Integer call() throws IOException {
            KafkaClients clients = connection.clients();
            Reachability.requireKafka(clients);
            Instant now = Instant.now();
            List<RotationEvent> events = new ArrayList<>();
            TimeRangeReader.<RotationEvent>read(clients, Topics.ROTATION_EVENTS.name(), now.minus(since), now.plusSeconds(1), r -> {
                if (incidentId.equals(r.value().getIncidentId())) {
                    events.add(r.value());
                }
            });
            if (events.isEmpty()) {
                throw new CliException(RekeyCli.EXIT_FAILED, "no rotation of incident " + incidentId + " in the last " + since);
            }
            events.sort(Comparator.comparing(RotationEvent::getOccurredAt));
            Instant start = events.get(0).getOccurredAt();
            Instant end = events.get(events.size() - 1).getOccurredAt();
            List<Anomaly> anomalies = new ArrayList<>();
            TimeRangeReader.<Anomaly>read(clients, Topics.ANOMALIES.name(), start.minus(Duration.ofHours(1)), end.plus(Duration.ofHours(1)),
                    r -> anomalies.add(r.value()));
            anomalies.sort(Comparator.comparing(Anomaly::getOccurredAt));
            Map<String, Object> report = report(events, anomalies, start, end);
            String text = format == Format.json ? Json.line(report) + "\n" : markdown(report, events, anomalies);
            if (file != null) {
                Files.writeString(file, text);
                spec.commandLine().getOut().println("report written to " + file);
            } else {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            }
            return RekeyCli.EXIT_OK;
        }

        private Map<String, Object> report(List<RotationEvent> events, List<Anomaly> anomalies, Instant start, Instant end) {
            Map<String, List<RotationEvent>> byRotation = events.stream()
                    .collect(Collectors.groupingBy(RotationEvent::getRotationId, LinkedHashMap::new, Collectors.toList()));
            List<Map<String, Object>> secrets = new ArrayList<>();
            Instant contained = null;
            for (List<RotationEvent> rotation : byRotation.values()) {
                RotationEvent first = rotation.get(0);
                RotationEvent last = rotation.get(rotation.size() - 1);
                Instant live = rotation.stream().filter(e -> e.getPhase() == RotationPhase.PROMOTED).map(RotationEvent::getOccurredAt)
                        .findFirst().orElse(null);
                if (live != null && (contained == null || live.isAfter(contained))) {
                    contained = live;
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("secretId", first.getSecretId());
                row.put("rotationId", first.getRotationId());
                row.put("result", last.getPhase().name());
                row.put("rotated", live != null);
                row.put("attempts", last.getAttempt());
                row.put("requestedBy", first.getRequestedBy());
                row.put("requestedAt", first.getOccurredAt().toString());
                row.put("liveAt", live == null ? null : live.toString());
                row.put("secondsToLive", live == null ? null : Duration.between(first.getOccurredAt(), live).toMillis() / 1000.0);
                row.put("error", last.getError());
                secrets.add(row);
            }
            Map<String, Long> who = new TreeMap<>(events.stream().filter(e -> e.getPhase() == RotationPhase.REQUESTED && e.getAttempt() == 1)
                    .collect(Collectors.groupingBy(e -> String.valueOf(e.getRequestedBy()), Collectors.counting())));
            long rotated = secrets.stream().filter(s -> Boolean.TRUE.equals(s.get("rotated"))).count();
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("incidentId", incidentId);
            report.put("start", start.toString());
            report.put("end", end.toString());
            report.put("secrets", secrets.size());
            report.put("rotated", rotated);
            report.put("notRotated", secrets.size() - rotated);
            report.put("timeToContainSeconds", contained == null ? null : Duration.between(start, contained).toMillis() / 1000.0);
            report.put("requestedBy", who);
            report.put("perSecret", secrets);
            report.put("anomaliesDuringIncident", anomalies.stream().map(Json::of).toList());
            return report;
        }

        @SuppressWarnings("unchecked")
        private static String markdown(Map<String, Object> report, List<RotationEvent> events, List<Anomaly> anomalies) {
            StringWriter text = new StringWriter();
            PrintWriter md = new PrintWriter(text);
            md.printf("# Incident %s%n%n", report.get("incidentId"));
            md.printf("- Window: %s to %s%n", report.get("start"), report.get("end"));
            md.printf("- Secrets: %s, rotated %s, not rotated %s%n", report.get("secrets"), report.get("rotated"), report.get("notRotated"));
            md.printf("- Time to contain (first request to last new credential live): %s s%n", report.get("timeToContainSeconds"));
            md.printf("- Requested by: %s%n%n", report.get("requestedBy"));
            md.printf("## Per secret%n%n| secret | result | attempts | requested by | seconds to live | error |%n|---|---|---|---|---|---|%n");
            for (Map<String, Object> row : (List<Map<String, Object>>) report.get("perSecret")) {
                md.printf("| %s | %s | %s | %s | %s | %s |%n", row.get("secretId"), row.get("result"), row.get("attempts"),
                        row.get("requestedBy"), row.get("secondsToLive") == null ? "-" : row.get("secondsToLive"),
                        row.get("error") == null ? "" : String.valueOf(row.get("error")).replace("|", "/"));
            }
            md.printf("%n## Timeline%n%n");
            for (RotationEvent e : events) {
                md.printf("- %s `%s` %s (attempt %d)%s%n", e.getOccurredAt(), e.getSecretId(), e.getPhase(), e.getAttempt(),
                        e.getError() == null ? "" : ": " + e.getError());
            }
            md.printf("%n## Anomalies during the incident%n%n");
            if (anomalies.isEmpty()) {
                md.println("None.");
            }
            for (Anomaly a : anomalies) {
                md.printf("- %s %s %s `%s`: %s%n", a.getOccurredAt(), a.getSeverity(), a.getType(), a.getPrincipalId(), a.getDescription());
            }
            md.flush();
            return text.toString();
        }
    }
}
