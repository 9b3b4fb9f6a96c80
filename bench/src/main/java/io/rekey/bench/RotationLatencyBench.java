package io.rekey.bench;

import io.micronaut.context.ApplicationContext;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.kafka.Commands;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.Category;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.worker.it.WorkerHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Benchmark 4: one PostgreSQL role rotated N times in a row; latency from the command being published to its SUCCEEDED
 * event reaching a consumer. Baseline in the same run: one password change plus login for the same role.
 */
@Command(name = "rotation-latency", mixinStandardHelpOptions = true,
        description = "Latency of single rotations (command published to SUCCEEDED); baseline: ALTER ROLE + login round trip.")
final class RotationLatencyBench implements Callable<Integer> {

    /** The figures of a run. */
    record Result(Stats rotation, Stats baseline) {
        double ratio() {
            return rotation.p50().toNanos() / (double) baseline.p50().toNanos();
        }
    }

    @Option(names = "--rotations", defaultValue = "200", description = "Rotations measured (default ${DEFAULT-VALUE}).")
    int rotations;

    @Option(names = "--warm-up", defaultValue = "20", description = "Rotations before measuring (default ${DEFAULT-VALUE}).")
    int warmUp;

    @Override
    public Integer call() throws Exception {
        run(rotations, warmUp, System.out);
        return 0;
    }

    static Result run(int rotations, int warmUp, PrintStream out) throws Exception {
        Bench.header(out, "single rotation latency");
        Postgres.requirePasswordAuthentication();
        Path dir = Files.createTempDirectory("rekey-bench-latency");
        try (RekeyStack stack = RekeyStack.startProcesses(dir); WorkerHarness harness = new WorkerHarness(stack);
             WorkerHarness.Managed role = harness.managedRole("rekey_latency", "latency-initial", Category.SERVICE)) {
            Stats baseline = Stats.of(PostgresBaseline.alterAndLogin(Collections.nCopies(rotations, role.role().name())));
            out.println("baseline ALTER ROLE + login: " + baseline);
            KafkaClients clients = KafkaClients.of(stack.bootstrapServers(), stack.registry().baseUrl().toString());
            try (ApplicationContext ignored = harness.startWorker("bench-latency", Map.of());
                 RotationWatcher watcher = new RotationWatcher(clients, Instant.now());
                 CliKafka kafka = new CliKafka(clients)) {
                List<Duration> latencies = new ArrayList<>();
                for (int i = 0; i < warmUp + rotations; i++) {
                    RotationCommand command = Commands.signed(role.secretId(), RotationReason.MANUAL, "bench", null, true, false, null, 0,
                            WorkerHarness.ISSUER, harness.issuer.getPrivate(), Instant.now());
                    long start = System.nanoTime();
                    kafka.send(Topics.ROTATION_COMMANDS.name(), role.secretId(), command);
                    Optional<RotationEvent> end = watcher.awaitPhase(command.getRotationId(),
                            EnumSet.of(RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.REFUSED, RotationPhase.ABANDONED),
                            Duration.ofSeconds(60));
                    long took = System.nanoTime() - start;
                    if (end.isEmpty() || end.get().getPhase() != RotationPhase.SUCCEEDED) {
                        throw new IllegalStateException("rotation " + (i + 1) + " ended " + end.map(e -> e.getPhase() + ": " + e.getError()).orElse("never"));
                    }
                    if (i >= warmUp) {
                        latencies.add(Duration.ofNanos(took));
                    }
                }
                Result result = new Result(Stats.of(latencies), baseline);
                out.println("rotation, command published to SUCCEEDED: " + result.rotation());
                out.printf("ratio of p50 to baseline p50: %.2f%n", result.ratio());
                return result;
            }
        }
    }
}
