package io.rekey.cli.command;

import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.IssuerOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.rotation.MassRotation;
import io.rekey.cli.rotation.Reachability;
import io.rekey.cli.rotation.RegistrySnapshot;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.SecretType;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code rekey drill}: the mass-rotation path against sandbox secrets only. */
@Command(name = "drill", mixinStandardHelpOptions = true,
        description = "Rehearse an emergency: the rotate-all path against secrets tagged 'drill' only, measuring the time "
                + "to contain. Never touches a secret without that tag.")
public final class DrillCommand implements Callable<Integer> {

    static final String DRILL_TAG = "drill";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    IssuerOptions issuer;

    @Mixin
    OutputOptions output;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only drill secrets of this type: ${COMPLETION-CANDIDATES}.")
    SecretType type;

    @Option(names = "--parallel-limit", defaultValue = "5", paramLabel = "N", description = "Rotations in flight at once (default ${DEFAULT-VALUE}).")
    int parallelLimit;

    @Override
    public Integer call() throws InterruptedException {
        MassRotationRun.checkParallelLimit(parallelLimit);
        PrintWriter out = spec.commandLine().getOut();
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        List<SecretDescriptor> secrets = MassRotation.ordered(RegistrySnapshot.read(clients).active().values().stream()
                .filter(d -> d.getTags().contains(DRILL_TAG))
                .filter(d -> type == null || d.getType() == type)
                .toList());
        String incident = "DRILL-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        if (!output.json()) {
            out.println("drill " + incident + ": " + secrets.size() + " sandbox secret(s)" + (type == null ? "" : " of type " + type));
        }
        return MassRotationRun.run(secrets, clients, issuer, output, out, RotationReason.DRILL, incident, true, false,
                parallelLimit, Duration.ofMinutes(5), System.console() != null);
    }
}
