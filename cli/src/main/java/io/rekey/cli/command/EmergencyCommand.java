package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.rotation.Reachability;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code rekey emergency on|off}. */
@Command(name = "emergency", mixinStandardHelpOptions = true,
        description = "Switch emergency mode: while on, scheduled rotations pause and emergency commands get the lane.")
public final class EmergencyCommand implements Callable<Integer> {

    enum Switch { on, off }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "on|off", description = "on or off.")
    Switch state;

    @Option(names = "--incident-id", required = true, paramLabel = "ID", description = "Incident that switches the mode.")
    String incidentId;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for people.")
    String reason;

    @Override
    public Integer call() {
        if (incidentId.isBlank()) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--incident-id must not be empty");
        }
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        EmergencyMode mode = EmergencyMode.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(Instant.now()).setActive(state == Switch.on)
                .setIncidentId(incidentId).setChangedBy(RotateCommand.requester()).setReason(reason).build();
        try (CliKafka kafka = new CliKafka(clients)) {
            kafka.send(Topics.CONTROL.name(), Topics.EMERGENCY_KEY, mode);
        }
        spec.commandLine().getOut().println("emergency mode " + state + " (incident " + incidentId + "): scheduled rotations "
                + (state == Switch.on ? "paused" : "resume"));
        return RekeyCli.EXIT_OK;
    }
}
