package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.IssuerOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.rotation.MassRotation;
import io.rekey.cli.rotation.Reachability;
import io.rekey.cli.rotation.RegistrySnapshot;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.SecretType;
import io.rekey.schema.client.KafkaClients;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code rekey rotate-all}: emergency mass rotation. */
@Command(name = "rotate-all", mixinStandardHelpOptions = true,
        description = {"Emergency mass rotation: rotate every matching secret, infrastructure first, then service, "
                + "integration and human credentials, each category finished before the next starts.",
                "Refuses without --confirm unless you type yes at the prompt."})
public final class RotateAllCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    IssuerOptions issuer;

    @Mixin
    OutputOptions output;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selector selector;

    static final class Selector {
        @Option(names = "--type", paramLabel = "TYPE", description = "Secrets of one type: ${COMPLETION-CANDIDATES}.")
        SecretType type;

        @Option(names = "--critical", description = "Secrets whose criticality is CRITICAL.")
        boolean critical;

        @Option(names = "--category", paramLabel = "CATEGORY", description = "Secrets of one category: ${COMPLETION-CANDIDATES}.")
        Category category;

        @Option(names = "--all", description = "Every registered secret.")
        boolean all;

        Predicate<SecretDescriptor> predicate() {
            if (type != null) {
                return d -> d.getType() == type;
            }
            if (critical) {
                return d -> d.getCriticality() == Criticality.CRITICAL;
            }
            if (category != null) {
                return d -> d.getCategory() == category;
            }
            return d -> true;
        }

        String describe() {
            return type != null ? "type " + type : critical ? "criticality CRITICAL" : category != null ? "category " + category : "all";
        }
    }

    @Option(names = "--incident-id", required = true, paramLabel = "ID", description = "Incident the rotations belong to.")
    String incidentId;

    @Option(names = "--parallel-limit", defaultValue = "5", paramLabel = "N", description = "Rotations in flight at once (default ${DEFAULT-VALUE}).")
    int parallelLimit;

    @Option(names = "--force", description = "Rotate even secrets rotated recently.")
    boolean force;

    @Option(names = "--dry-run", description = "Prepare and validate every rotation; change nothing.")
    boolean dryRun;

    @Option(names = "--confirm", description = "Proceed without asking.")
    boolean confirm;

    @Option(names = "--timeout-per-secret", defaultValue = "PT5M", paramLabel = "DURATION",
            description = "Give up waiting for one secret after this long (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration perSecretTimeout;

    @Override
    public Integer call() throws InterruptedException {
        MassRotationRun.checkParallelLimit(parallelLimit);
        if (incidentId.isBlank()) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--incident-id must not be empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        List<SecretDescriptor> secrets = MassRotation.ordered(RegistrySnapshot.read(clients).active().values().stream()
                .filter(selector.predicate())
                .filter(d -> !d.getTags().contains("honeytoken"))
                .toList());
        if (!dryRun) {
            MassRotationRun.confirm(out, confirm, secrets.size(), selector.describe());
        }
        return MassRotationRun.run(secrets, clients, issuer, output, out, RotationReason.EMERGENCY, incidentId, force, dryRun,
                parallelLimit, perSecretTimeout, System.console() != null);
    }
}
