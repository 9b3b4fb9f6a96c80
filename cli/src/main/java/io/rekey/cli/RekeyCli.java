package io.rekey.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.rekey.cli.command.AuditCommand;
import io.rekey.cli.command.BlastRadiusCommand;
import io.rekey.cli.command.DrillCommand;
import io.rekey.cli.command.IncidentCommand;
import io.rekey.cli.command.EmergencyCommand;
import io.rekey.cli.command.HealthCommand;
import io.rekey.cli.command.ReplayCommand;
import io.rekey.cli.command.RotateAllCommand;
import io.rekey.cli.command.RotateCommand;
import io.rekey.cli.command.SecretCommand;
import io.rekey.cli.command.SetupCommand;
import io.rekey.cli.command.StatusCommand;
import io.rekey.cli.dev.DevCommand;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code rekey}: the incident tool. */
@Command(name = "rekey",
        mixinStandardHelpOptions = true,
        versionProvider = RekeyCli.Version.class,
        description = "Secret rotation, lifecycle and access audit on Apache Kafka: the incident tool.",
        subcommands = {RotateCommand.class, RotateAllCommand.class, StatusCommand.class, HealthCommand.class,
                EmergencyCommand.class, AuditCommand.class, BlastRadiusCommand.class, IncidentCommand.class,
                ReplayCommand.class, SecretCommand.class, DrillCommand.class, DevCommand.class, SetupCommand.class,
                CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:the operation failed (for example a rotation failed or a check found a problem)",
                "2:invalid arguments or configuration",
                "3:a service (broker, registry, store) is unreachable"})
public final class RekeyCli implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNREACHABLE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces and library logs.")
    void setVerbose(boolean verbose) {
        this.verbose = verbose;
        if (verbose) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
        }
    }

    private boolean verbose;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code; used by main and by tests. */
    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        RekeyCli root = new RekeyCli();
        CommandLine cli = new CommandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("rekey: " + oneLine(e));
            if (root.verbose) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(run with --verbose for details)");
            }
            return e instanceof CliException cli2 ? cli2.exitCode() : EXIT_FAILED;
        });
        return cli;
    }

    private static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RekeyCli.class.getPackage().getImplementationVersion();
            return new String[] {"rekey " + (version == null ? "development" : version)};
        }
    }
}
