package io.rekey.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RekeyCliTest {

    @Test
    void unknownCommandPrintsWhatIsWrongAndExitsWithUsageCode() {
        StringWriter err = new StringWriter();
        int code = RekeyCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("rotat");

        assertThat(code).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(err.toString()).contains("Unmatched argument").contains("rotat");
    }

    @Test
    void everyCommandHasHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(RekeyCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), new ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p)).contains("dev up", "audit verify", "secret put", "incident report");

        for (List<String> path : paths) {
            StringWriter out = new StringWriter();
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int code = RekeyCli.commandLine(new PrintWriter(out), new PrintWriter(new StringWriter())).execute(args.toArray(String[]::new));

            assertThat(code).as("rekey %s --help", String.join(" ", path)).isZero();
            assertThat(out.toString()).as("rekey %s --help", String.join(" ", path))
                    .startsWith("Usage: rekey " + String.join(" ", path));
        }
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals(sub.getCommandName()) || sub.getCommand() instanceof CommandLine.HelpCommand) {
                return; // an alias, or 'rekey help' (whose --help shows the top-level usage)
            }
            List<String> next = new ArrayList<>(path);
            next.add(name);
            into.add(next);
            collect(sub, next, into);
        });
    }

    @Test
    void auditExportWithoutOutputFileIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = RekeyCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("audit", "--hours", "2");

        assertThat(code).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(err.toString()).contains("--output=FILE");
    }

    @Test
    void devWithoutSubcommandFailsWithOneLine() {
        StringWriter err = new StringWriter();
        int code = RekeyCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute("dev");

        assertThat(code).isEqualTo(RekeyCli.EXIT_USAGE);
        assertThat(err.toString()).startsWith("rekey: choose one of: rekey dev up | down | status");
    }
}
