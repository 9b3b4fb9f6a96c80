package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.kafka.Commands;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.IssuerOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.rotation.Reachability;
import io.rekey.cli.rotation.RegistrySnapshot;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code rekey rotate}: rotate one secret now. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = "Rotate one secret now: publish a signed rotation command and, with --wait, follow it to the end.")
public final class RotateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    IssuerOptions issuer;

    @Mixin
    OutputOptions output;

    @Parameters(paramLabel = "SECRET_ID", description = "Registry id of the secret.")
    String secretId;

    @Option(names = "--reason", defaultValue = "MANUAL", description = "MANUAL (default) or EMERGENCY.")
    RotationReason reason;

    @Option(names = "--incident-id", paramLabel = "ID", description = "Incident the rotation belongs to.")
    String incidentId;

    @Option(names = "--wait", description = "Follow the rotation until the new credential is live or it fails.")
    boolean waitForIt;

    @Option(names = "--timeout", defaultValue = "PT5M", paramLabel = "DURATION", description = "How long --wait waits (ISO-8601, default PT5M).")
    Duration timeout;

    @Option(names = "--dry-run", description = "Prepare and validate only; change nothing.")
    boolean dryRun;

    @Option(names = "--grace-period", paramLabel = "DURATION", description = "How long the old credential stays valid (ISO-8601, e.g. PT1H).")
    Duration gracePeriod;

    @Override
    public Integer call() throws InterruptedException {
        if (reason != RotationReason.MANUAL && reason != RotationReason.EMERGENCY) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--reason must be MANUAL or EMERGENCY (scheduled rotations come from the lifecycle service)");
        }
        PrintWriter out = spec.commandLine().getOut();
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        if (RegistrySnapshot.read(clients).find(secretId).isEmpty()) {
            throw new CliException(RekeyCli.EXIT_USAGE, "secret " + secretId + " is not registered: check the id (rekey status lists recent ones)");
        }
        Instant now = Instant.now();
        RotationCommand command = Commands.signed(secretId, reason, requester(), incidentId, true, dryRun, gracePeriod,
                reason == RotationReason.EMERGENCY ? 9 : 5, issuer.keyId(), issuer.key(), now);
        try (RotationWatcher watcher = waitForIt ? new RotationWatcher(clients, now.minusSeconds(5)) : null;
             CliKafka kafka = new CliKafka(clients)) {
            kafka.send(Topics.ROTATION_COMMANDS.name(), secretId, command);
            if (!waitForIt) {
                report(out, command, Optional.empty());
                return RekeyCli.EXIT_OK;
            }
            Set<RotationPhase> ends = EnumSet.copyOf(RotationWatcher.UNSUCCESSFUL);
            ends.addAll(dryRun ? Set.of(RotationPhase.SUCCEEDED) : RotationWatcher.ROTATED);
            Optional<RotationEvent> end = watcher.awaitPhase(command.getRotationId(), ends, timeout);
            if (end.isPresent() && end.get().getPhase() == RotationPhase.PROMOTED) {
                // The cleanup schedule follows PROMOTED in the same transaction: show when the old credential expires.
                RotationEvent promoted = end.get();
                end = watcher.awaitPhase(command.getRotationId(), EnumSet.of(RotationPhase.CLEANUP_SCHEDULED, RotationPhase.CLEANED_UP,
                        RotationPhase.SUCCEEDED), Duration.ofSeconds(5)).or(() -> Optional.of(promoted));
            }
            report(out, command, end.or(() -> watcher.latest(command.getRotationId())));
            if (end.isEmpty()) {
                return RekeyCli.EXIT_FAILED;
            }
            return RotationWatcher.UNSUCCESSFUL.contains(end.get().getPhase()) ? RekeyCli.EXIT_FAILED : RekeyCli.EXIT_OK;
        }
    }

    private void report(PrintWriter out, RotationCommand command, Optional<RotationEvent> end) {
        if (output.json()) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("secretId", secretId);
            result.put("rotationId", command.getRotationId());
            result.put("phase", end.map(e -> e.getPhase().name()).orElse(waitForIt ? "TIMED_OUT" : "SENT"));
            end.map(RotationEvent::getError).ifPresent(e -> result.put("error", e));
            end.map(RotationEvent::getCleanupDueAt).ifPresent(t -> result.put("previousValidUntil", t.toString()));
            Json.print(out, result);
            return;
        }
        out.println("rotation " + command.getRotationId() + " of " + secretId + " requested");
        end.ifPresentOrElse(e -> {
            out.println("phase: " + e.getPhase() + (e.getError() == null ? "" : " (" + e.getError() + ")"));
            if (e.getCleanupDueAt() != null && e.getPhase() == RotationPhase.CLEANUP_SCHEDULED) {
                out.println("the previous credential stays valid until " + e.getCleanupDueAt());
            }
        }, () -> {
            if (waitForIt) {
                out.println("no result within " + timeout + "; follow it with: rekey status");
            }
        });
        out.flush();
    }

    static String requester() {
        String user = System.getenv("REKEY_USER");
        return user != null && !user.isBlank() ? user : System.getProperty("user.name", "unknown") + "@cli";
    }
}
