package io.rekey.cli.dev;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.kafka.CliKafka;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.topic.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code rekey dev up|down|status}: the local stack for people without Docker. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run the local dev stack: a Kafka broker (KRaft) and the schema registry as processes on 127.0.0.1, "
                + "the rekey topics and schemas, and the rekey services.",
        subcommands = {DevCommand.Up.class, DevCommand.Down.class, DevCommand.Status.class, DevCommand.Token.class})
public final class DevCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(RekeyCli.EXIT_USAGE, "choose one of: rekey dev up | down | status | token (see rekey dev --help)");
    }

    /** Project root: the launcher sets REKEY_HOME; otherwise the working directory. */
    static Path home() {
        String home = System.getenv("REKEY_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the stack and stay in the foreground; Ctrl-C (or rekey dev down) stops everything. "
                    + "Data is kept in .rekey/dev between runs unless --fresh.")
    static final class Up implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--fresh", description = "Wipe the broker's and the registry's data before starting.")
        boolean fresh;

        @Option(names = "--no-services", description = "Start only the broker and the registry.")
        boolean noServices;

        @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}); the controller uses the next one.")
        int kafkaPort;

        @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default: ${DEFAULT-VALUE}).")
        int registryPort;

        @Option(names = "--data-dir", description = "Where data and logs go (default: .rekey/dev under the project).")
        Path dataDir;

        @Option(names = "--no-demo", description = "No demo: no demo accounts, secrets, rotation or access traffic.")
        boolean noDemo;

        @Override
        public Integer call() throws Exception {
            Path home = home();
            DevStack.Settings defaults = DevStack.Settings.defaults(home);
            Path data = dataDir == null ? defaults.dataDir() : dataDir.toAbsolutePath().normalize();
            // Store values are sealed with the data directory's keyset: another directory gets a database of its own.
            String storeDatabase = data.equals(defaults.dataDir()) ? defaults.storeDatabase()
                    : defaults.storeDatabase() + "_" + Integer.toHexString(data.toString().hashCode());
            DevStack.Settings settings = new DevStack.Settings(home, data, kafkaPort, kafkaPort + 1, registryPort,
                    defaults.servicePorts(), storeDatabase, fresh, !noServices, !noDemo);
            PrintStream out = System.out;
            Instant started = Instant.now();
            DevStack stack = DevStack.start(settings, out);
            CountDownLatch stopped = new CountDownLatch(1);
            AtomicBoolean stopping = new AtomicBoolean();
            Thread hook = new Thread(() -> {
                stopping.set(true);
                out.println();
                out.println("stopping the dev stack ...");
                stack.close();
                out.println("dev stack stopped");
                stopped.countDown();
            }, "dev-stack-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            printSummary(stack, out);
            DevMonitor monitor = new DevMonitor(stack.clients(), started, out, Clock.systemUTC());
            stack.onClose(monitor);
            if (!noDemo && stack.isRunning("rotation-worker") && stack.isRunning("lifecycle-service")) {
                try (CliKafka kafka = new CliKafka(stack.clients())) {
                    RotationPhase end = DemoScenario.run(kafka, stack.keys(), out);
                    out.println("demo: rotation ended " + end + (end == RotationPhase.SUCCEEDED
                            ? "; the role's password now lives only in the secret store" : "; see " + stack.settings().dataDir().resolve("logs")));
                }
                out.println("demo: the lifecycle service rotates cache/sessions every 2 minutes; anomalies, rotations and dead letters "
                        + "show below as they happen");
            }
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                Optional<io.rekey.devstack.ChildProcess> dead = stack.firstDeadProcess();
                if (dead.isPresent() && !stopping.get()) {
                    out.println(dead.get().name() + " stopped unexpectedly; last log lines:");
                    out.println(dead.get().logTail(20));
                    stack.close();
                    return RekeyCli.EXIT_FAILED;
                }
            }
            return RekeyCli.EXIT_OK;
        }

        private static void printSummary(DevStack stack, PrintStream out) {
            DevStack.Settings s = stack.settings();
            out.println();
            out.printf("rekey dev stack up in %.1f s%n", stack.startup().toMillis() / 1000.0);
            out.printf("  %-18s %s%n", "Kafka broker", stack.bootstrapServers());
            out.printf("  %-18s %s  (Confluent API: %s/apis/ccompat/v7)%n", "schema registry", stack.registryUrl(), stack.registryUrl());
            for (DevStack.RunningService service : stack.services()) {
                out.printf("  %-18s %s/health  metrics: %s/prometheus%n", service.service().name(), service.url(), service.url());
            }
            for (String skipped : stack.skippedServices()) {
                out.printf("  %-18s not built%n", skipped);
            }
            out.printf("  %-18s %d: %s ...%n", "topics", Topics.ALL.size(), Topics.ROTATION_COMMANDS.name());
            out.printf("  %-18s %s (logs in %s)%n", "data", s.dataDir(), s.dataDir().resolve("logs"));
            out.println();
            out.println("Look around: kcat -L -b " + stack.bootstrapServers()
                    + "   curl " + stack.registryUrl() + "/apis/ccompat/v7/subjects");
            stack.services().stream().filter(r -> r.service().name().equals("lifecycle-service")).findFirst().ifPresent(r ->
                    out.println("Lifecycle API:  curl -H \"Authorization: Bearer $(./rekey dev token)\" " + r.url() + "/secrets"));
            out.println("Rotate by hand: ./rekey rotate mq/events --wait     progress: ./rekey status --watch");
            out.println("Stop with Ctrl-C, or ./rekey dev down from another terminal.");
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop a dev stack started with rekey dev up.")
    static final class Down implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--data-dir", description = "Data directory of the stack (default: .rekey/dev under the project).")
        Path dataDir;

        @Override
        public Integer call() throws InterruptedException {
            StackState state = state(dataDir);
            Optional<ProcessHandle> running = state.runningProcess();
            if (running.isEmpty()) {
                System.out.println("no dev stack is running");
                state.clear();
                return RekeyCli.EXIT_OK;
            }
            ProcessHandle up = running.get();
            up.destroy(); // SIGTERM: its shutdown hook stops services, registry and broker in order
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (up.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            if (up.isAlive()) {
                up.destroyForcibly(); // children follow: their lifelines close with it
                System.out.println("dev stack (pid " + up.pid() + ") did not stop in time and was killed");
                return RekeyCli.EXIT_FAILED;
            }
            System.out.println("dev stack (pid " + up.pid() + ") stopped");
            return RekeyCli.EXIT_OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether a dev stack is running and where.")
    static final class Status implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--data-dir", description = "Data directory of the stack (default: .rekey/dev under the project).")
        Path dataDir;

        @Override
        public Integer call() {
            StackState state = state(dataDir);
            Optional<ProcessHandle> running = state.runningProcess();
            if (running.isEmpty()) {
                System.out.println("no dev stack is running");
                return RekeyCli.EXIT_FAILED;
            }
            Properties props = state.read();
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put("pid", props.getProperty("pid"));
            shown.put("kafka", props.getProperty("kafka.bootstrap"));
            shown.put("registry", props.getProperty("registry.url"));
            shown.forEach((k, v) -> System.out.printf("%-10s %s%n", k, v));
            return RekeyCli.EXIT_OK;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Print a bearer token for the dev stack's lifecycle API, signed with the stack's HS256 secret.")
    static final class Token implements java.util.concurrent.Callable<Integer> {

        @Option(names = "--role", defaultValue = "operator", paramLabel = "ROLE",
                description = "viewer (read), operator (register, rotate, deprecate) or admin (everything); default ${DEFAULT-VALUE}.")
        String role;

        @Option(names = "--subject", paramLabel = "NAME", description = "Who the token names (default: $USER, else dev).")
        String subject;

        @Option(names = "--ttl", defaultValue = "PT1H", paramLabel = "DURATION",
                description = "Lifetime, ISO-8601, at most PT12H (default ${DEFAULT-VALUE}).")
        Duration ttl;

        @Option(names = "--data-dir", description = "Data directory of the stack (default: .rekey/dev under the project).")
        Path dataDir;

        @Override
        public Integer call() throws IOException {
            DevStack.Settings defaults = DevStack.Settings.defaults(home());
            Path keysDir = dataDir == null ? defaults.keysDir() : dataDir.toAbsolutePath().resolve("keys");
            Path secretFile = DevKeys.at(keysDir).apiTokenSecret();
            if (!Files.exists(secretFile)) {
                throw new CliException(RekeyCli.EXIT_USAGE, "no dev stack keys at " + secretFile.getParent() + ": start one with ./rekey dev up");
            }
            String name = subject != null ? subject : Optional.ofNullable(System.getenv("USER")).filter(u -> !u.isBlank()).orElse("dev");
            System.out.println(DevTokens.mint(Files.readString(secretFile).trim(), name, role, ttl, Instant.now()));
            return RekeyCli.EXIT_OK;
        }
    }

    private static StackState state(Path dataDir) {
        Path dir = dataDir == null ? DevStack.Settings.defaults(home()).dataDir() : dataDir.toAbsolutePath();
        return new StackState(dir.resolve("stack.properties"));
    }
}
