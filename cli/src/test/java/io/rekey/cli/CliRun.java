package io.rekey.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM and captures what it prints. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RekeyCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
