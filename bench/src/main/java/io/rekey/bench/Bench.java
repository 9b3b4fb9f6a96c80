package io.rekey.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;

/** {@code java -jar bench/target/rekey-bench.jar <benchmark> [options]}. */
@Command(name = "rekey-bench", mixinStandardHelpOptions = true,
        description = "rekey benchmarks: each prints its figures and the ratio to a baseline measured in the same run.",
        subcommands = {AuditThroughputBench.class, DetectionLatencyBench.class, MassRotationBench.class, RotationLatencyBench.class, CommandLine.HelpCommand.class})
public final class Bench implements Runnable {

    public static void main(String[] args) {
        // The shaded jar also holds the services' logback.xml (INFO to stdout); benchmark output must stay figures only.
        System.setProperty("logback.configurationFile", "logback-bench.xml");
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** The context every benchmark prints first, so its figures can be compared later. */
    static void header(PrintStream out, String name) {
        Runtime runtime = Runtime.getRuntime();
        out.printf("== %s ==%n", name);
        // The load average says how much of the machine other work took: these figures come from shared machines.
        out.printf("date %s, %d cores, load average %.2f, java %s, max heap %d MiB%n", Instant.now(), runtime.availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.version"),
                runtime.maxMemory() / (1024 * 1024));
    }
}
