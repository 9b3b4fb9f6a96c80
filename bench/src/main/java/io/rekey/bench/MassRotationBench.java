package io.rekey.bench;

import io.micronaut.context.ApplicationContext;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.Category;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.it.WorkerHarness;
import io.rekey.store.Label;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Benchmark 3: N real PostgreSQL roles rotated by one {@code rekey rotate-all}, from the first command to the last
 * SUCCEEDED, every new password verified by the worker with a real login (and checked again afterwards). Baseline in the
 * same run: the same number of password changes plus logins, sequentially over one admin connection.
 */
@Command(name = "mass-rotation", mixinStandardHelpOptions = true,
        description = "Rotate N PostgreSQL roles with one rotate-all; baseline: N sequential ALTER ROLE + login round trips.")
final class MassRotationBench implements Callable<Integer> {

    /** The figures of a run. */
    record Result(int roles, Duration rotation, Duration baseline, int verified) {
        double ratio() {
            return rotation.toNanos() / (double) baseline.toNanos();
        }
    }

    @Option(names = "--roles", defaultValue = "1000", description = "Roles to rotate (default ${DEFAULT-VALUE}).")
    int roles;

    @Option(names = "--parallel-limit", defaultValue = "20", description = "rotate-all's parallel limit (default ${DEFAULT-VALUE}).")
    int parallelLimit;

    @Option(names = "--worker-concurrency", defaultValue = "10", description = "The worker's concurrency (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Override
    public Integer call() throws Exception {
        Result result = run(roles, parallelLimit, concurrency, System.out);
        return result.verified() == result.roles() ? 0 : 1;
    }

    static Result run(int roleCount, int parallelLimit, int concurrency, PrintStream out) throws Exception {
        Bench.header(out, "mass rotation");
        Postgres.requirePasswordAuthentication();
        Path dir = Files.createTempDirectory("rekey-bench-mass");
        List<WorkerHarness.Managed> roles = new ArrayList<>();
        try (RekeyStack stack = RekeyStack.startProcesses(dir); WorkerHarness harness = new WorkerHarness(stack)) {
            out.printf("setting up %d roles ...%n", roleCount);
            roles.addAll(harness.managedRoles("rekey_bench", roleCount, "bench-initial-", Category.SERVICE));
            WorkerHarness.Managed warmUp = harness.managedRole("rekey_bench_warm", "bench-warm-up", Category.INFRASTRUCTURE);
            roles.add(warmUp);

            List<Duration> baselineTimes = PostgresBaseline.alterAndLogin(roles.subList(0, roleCount).stream().map(m -> m.role().name()).toList());
            Duration baseline = baselineTimes.stream().reduce(Duration.ZERO, Duration::plus);
            out.printf("baseline: %d sequential ALTER ROLE + login round trips in %s (%s)%n", roleCount, Stats.ms(baseline), Stats.of(baselineTimes));

            Path key = Files.writeString(dir.resolve("issuer.pem"), IssuerKeys.privatePem(harness.issuer.getPrivate()));
            String[] connection = {"--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registry().baseUrl().toString(),
                    "--issuer-key-file", key.toString(), "--issuer-key-id", WorkerHarness.ISSUER};
            try (ApplicationContext ignored = harness.startWorker("bench-mass", Map.of("rekey.worker.concurrency", concurrency))) {
                // Warm-up: one rotation through every phase, so the measured run starts with connections and code paths ready.
                int warm = rotateAll(connection, "--category", "INFRASTRUCTURE", "BENCH-WARMUP", 1);
                if (warm != 0) {
                    throw new IllegalStateException("warm-up rotation failed");
                }
                Instant start = Instant.now();
                try (RotationWatcher watcher = new RotationWatcher(
                        KafkaClients.of(stack.bootstrapServers(), stack.registry().baseUrl().toString()), start)) {
                    int exit = rotateAll(connection, "--category", "SERVICE", "BENCH-MASS", parallelLimit);
                    Instant last = awaitAllSucceeded(watcher, roleCount, Duration.ofMinutes(10));
                    Duration rotation = Duration.between(start, last);
                    int verified = 0;
                    for (WorkerHarness.Managed role : roles.subList(0, roleCount)) {
                        String current = harness.store.read(role.storePath(), Label.CURRENT).orElseThrow().reveal();
                        if (Postgres.canLogin(role.role().name(), current)) {
                            verified++;
                        }
                    }
                    Result result = new Result(roleCount, rotation, baseline, verified);
                    out.printf("rotate-all exit %d; %d roles rotated in %s (parallel limit %d, worker concurrency %d), %.1f rotations/s%n",
                            exit, roleCount, Stats.ms(rotation), parallelLimit, concurrency, roleCount / (rotation.toMillis() / 1000.0));
                    out.printf("new passwords that log in: %d/%d%n", verified, roleCount);
                    out.printf("ratio to baseline: %.2f (rotation %s / baseline %s)%n", result.ratio(), Stats.ms(rotation), Stats.ms(baseline));
                    return result;
                }
            }
        } finally {
            roles.forEach(WorkerHarness.Managed::close);
        }
    }

    private static int rotateAll(String[] connection, String selector, String value, String incident, int parallelLimit) {
        List<String> args = new ArrayList<>(List.of("rotate-all", selector, value, "--incident-id", incident,
                "--parallel-limit", Integer.toString(parallelLimit), "--confirm", "--force", "--output", "json"));
        args.addAll(List.of(connection));
        StringWriter sink = new StringWriter();
        return RekeyCli.commandLine(new PrintWriter(sink), new PrintWriter(System.err, true)).execute(args.toArray(String[]::new));
    }

    /** When the last of {@code count} rotations reached SUCCEEDED (by its event time). */
    private static Instant awaitAllSucceeded(RotationWatcher watcher, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<RotationEvent> succeeded = watcher.all().values().stream()
                    .filter(e -> e.getPhase() == RotationPhase.SUCCEEDED && "BENCH-MASS".equals(e.getIncidentId())).toList();
            if (succeeded.size() >= count) {
                return succeeded.stream().map(RotationEvent::getOccurredAt).max(Instant::compareTo).orElseThrow();
            }
            watcher.awaitChange(Duration.ofMillis(200));
        }
        throw new IllegalStateException("not every rotation succeeded within " + timeout);
    }
}
