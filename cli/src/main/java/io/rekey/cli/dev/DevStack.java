package io.rekey.cli.dev;

import io.rekey.cli.CliException;
import io.rekey.audit.demo.DemoTraffic;
import io.rekey.cli.RekeyCli;
import io.rekey.devstack.ApicurioRegistryProcess;
import io.rekey.devstack.ChildProcess;
import io.rekey.devstack.Distribution;
import io.rekey.devstack.KafkaBrokerProcess;
import io.rekey.devstack.Ports;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.registry.SchemaRegistrar;
import io.rekey.schema.serde.RegistrySettings;
import io.rekey.schema.topic.TopicInstaller;
import io.rekey.schema.topic.Topics;
import io.rekey.store.SecretStore;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The local stack: a Kafka broker process (KRaft), the Apicurio registry process, the catalogue's topics and
 * schemas, and the rekey services whose jars are built. Everything binds to 127.0.0.1 and stops with
 * {@link #close()}; child processes also stop if this JVM dies (see {@link ChildProcess}).
 *
 * <p>Data (broker log directory and registry database) is kept under the data directory between runs, so
 * topics and schema ids survive a restart; {@link Settings#fresh()} wipes it first. Logs are those of the
 * last run.
 */
public final class DevStack implements AutoCloseable {

    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(120);

    /** A rekey service the dev stack runs from its module's runnable jar. */
    public record Service(String name, String portVariable, int defaultPort) {
        public Optional<Path> jar(Path home) {
            Path target = home.resolve(name).resolve("target");
            if (!Files.isDirectory(target)) {
                return Optional.empty();
            }
            try (Stream<Path> files = Files.list(target)) {
                return files.filter(p -> p.getFileName().toString().matches("rekey-" + name + "-.*-all\\.jar")).findFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static final List<Service> SERVICES = List.of(
            new Service("rotation-worker", "REKEY_WORKER_HTTP_PORT", 8091),
            new Service("audit-stream", "REKEY_AUDIT_HTTP_PORT", 8092),
            new Service("lifecycle-service", "REKEY_LIFECYCLE_HTTP_PORT", 8093));

    /**
     * Where and how the stack runs.
     *
     * @param storeDatabase the secret store's database on this machine's PostgreSQL; its values are sealed with a
     *                      keyset under {@code dataDir}, so each data directory needs a database of its own
     * @param demo          with services: the demo accounts on this machine's databases and brokers, the lifecycle
     *                      service's demo secrets ({@code lifecycle-service/demo/demo-secrets.json}) and demo access traffic
     */
    public record Settings(Path home, Path dataDir, int kafkaPort, int kafkaControllerPort, int registryPort,
                           Map<String, Integer> servicePorts, String storeDatabase, boolean fresh, boolean startServices,
                           boolean demo) {
        public Settings {
            Objects.requireNonNull(home, "home must not be null");
            Objects.requireNonNull(dataDir, "dataDir must not be null");
            if (!storeDatabase.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("store database must be a plain lower-case PostgreSQL name, was '" + storeDatabase + "'");
            }
            servicePorts = Map.copyOf(servicePorts);
        }

        public static Settings defaults(Path home) {
            Map<String, Integer> ports = new LinkedHashMap<>();
            SERVICES.forEach(s -> ports.put(s.name(), s.defaultPort()));
            return new Settings(home, home.resolve(".rekey").resolve("dev"), 9092, 9093, 8081, ports, DevPostgres.STORE_DATABASE,
                    false, true, true);
        }

        public int port(Service service) {
            return servicePorts.getOrDefault(service.name(), service.defaultPort());
        }

        Path logs() {
            return dataDir.resolve("logs");
        }

        Path keysDir() {
            return dataDir.resolve("keys");
        }

        Path seedFile() {
            return home.resolve("lifecycle-service").resolve("demo").resolve("demo-secrets.json");
        }
    }

    /** A started service and where it answers. */
    public record RunningService(Service service, int port, ChildProcess process) {
        public String url() {
            return "http://" + Ports.LOOPBACK + ":" + port;
        }
    }

    private final Settings settings;
    private final StackState state;
    private KafkaBrokerProcess broker;
    private ApicurioRegistryProcess registry;
    private final List<RunningService> services = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();
    private Duration startup = Duration.ZERO;
    private DevKeys keys;
    private final List<AutoCloseable> closeFirst = new ArrayList<>();
    private DemoTraffic traffic;
    private Thread trafficThread;
    private boolean closed;

    private DevStack(Settings settings) {
        this.settings = settings;
        this.state = new StackState(settings.dataDir().resolve("stack.properties"));
    }

    /** Starts the whole stack, reporting progress on {@code progress}; on failure stops what was started. */
    public static DevStack start(Settings settings, PrintStream progress) {
        DevStack stack = new DevStack(settings);
        try {
            stack.doStart(progress);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        } catch (Exception e) {
            stack.close();
            throw new CliException(RekeyCli.EXIT_FAILED, "dev stack did not start: " + e.getMessage(), e);
        }
    }

    private void doStart(PrintStream progress) throws Exception {
        long started = System.nanoTime();
        state.refuseIfRunning();
        checkPortsFree();
        prepareDataDir();

        progress.println("starting Kafka broker (KRaft) on " + Ports.LOOPBACK + ":" + settings.kafkaPort()
                + " and schema registry on port " + settings.registryPort() + " ...");
        CompletableFuture<ApicurioRegistryProcess> registryStart = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistryProcess.start(settings.registryPort(), settings.dataDir().resolve("registry"),
                        settings.logs().resolve("registry.log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            broker = KafkaBrokerProcess.start(settings.dataDir().resolve("kafka"), settings.kafkaPort(),
                    settings.kafkaControllerPort(), settings.logs().resolve("kafka.log"));
        } finally {
            registry = registryStart.handle((r, e) -> r).join();
        }
        if (registry == null) {
            registryStart.join(); // rethrows the registry's start failure
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            List<String> created = new TopicInstaller(admin, (short) 1).installAll();
            progress.println(created.isEmpty() ? "topics already exist" : "created topics " + created);
        }
        Map<String, Integer> ids = new SchemaRegistrar(new ConfluentRegistryClient(RegistrySettings.of(registry.url()))).registerAll();
        progress.println("registered " + ids.size() + " schemas (FULL compatibility per subject)");

        if (settings.startServices()) {
            keys = DevKeys.ensure(settings.keysDir());
            DevPostgres.prepare(settings.home(), settings.storeDatabase(), settings.fresh(), progress);
            if (settings.demo()) {
                DemoAccounts.prepare(store(), progress);
            }
            startServices(progress);
            if (settings.demo() && isRunning("audit-stream")) {
                startDemoTraffic(progress);
            }
        }
        startup = Duration.ofNanos(System.nanoTime() - started);
        state.write(ProcessHandle.current().pid(), Map.of(
                "kafka.bootstrap", broker.bootstrapServers(),
                "registry.url", registry.url()));
    }

    private void startServices(PrintStream progress) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(keys.environment());
        env.put("REKEY_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("REKEY_REGISTRY_URL", registry.url());
        env.put("REKEY_WORKER_STORE_URL", DevPostgres.storeUrl(settings.storeDatabase()));
        env.put("REKEY_WORKER_INSTANCE_ID", "dev-worker");
        env.put("REKEY_WORKER_JWKS_DIR", settings.dataDir().resolve("jwks").toString());
        env.put("REKEY_AUDIT_STREAMS_STATE_DIR", settings.dataDir().resolve("audit-state").toString());
        env.put("REKEY_LIFECYCLE_TICK_INTERVAL", "5s");
        if (settings.demo()) {
            env.put("REKEY_LIFECYCLE_SEED_FILE", settings.seedFile().toString());
            // The demo's cache/sessions rotates at registration and then every two minutes, to show scheduled rotations
            // right away; the worker's recent-rotation guard must then be well under two minutes.
            env.put("REKEY_LIFECYCLE_POLICY_MIN_CRON_GAP", "2m");
            env.put("REKEY_WORKER_RECENT_ROTATION_GUARD", "30s");
            // Registering the demo honeytoken is not an attack on it.
            env.put("REKEY_AUDIT_HONEYTOKEN_ALLOW_PRINCIPALS", "rekey-lifecycle-seed");
        }
        // Everything the local stack does comes from loopback (the demo traffic's own addresses are private networks).
        env.put("REKEY_AUDIT_IP_RANGE_VIOLATION_ALLOWED_CIDRS", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,::1/128");
        for (Service service : SERVICES) {
            Optional<Path> jar = service.jar(settings.home());
            if (jar.isEmpty()) {
                skipped.add(service.name());
                progress.println(service.name() + ": not built, skipped (build with: mvn -B -DskipTests package)");
                continue;
            }
            int port = settings.port(service);
            Map<String, String> serviceEnv = new LinkedHashMap<>(env);
            serviceEnv.put(service.portVariable(), Integer.toString(port));
            List<String> command = List.of(Distribution.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", jar.get().toString());
            ChildProcess process = ChildProcess.start(service.name(), command,
                    settings.logs().resolve(service.name() + ".log"), serviceEnv, Duration.ofSeconds(20));
            services.add(new RunningService(service, port, process));
        }
        progress.println("starting " + services.size() + " service(s) ...");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        for (RunningService running : services) {
            awaitHealthy(http, running);
        }
    }

    /** Demo access traffic in this JVM (it is a client like any other), with a rogue insider the audit stream catches. */
    private void startDemoTraffic(PrintStream progress) throws IOException {
        PrintStream log = new PrintStream(Files.newOutputStream(settings.logs().resolve("demo-traffic.log")), true, StandardCharsets.UTF_8);
        DemoTraffic.Options options = new DemoTraffic.Options(clients(), Topics.ACCESS_EVENTS.name(), Topics.REGISTRY.name(),
                20, Duration.ofSeconds(20), Duration.ofMinutes(2), null, 21, false, 42);
        traffic = new DemoTraffic(options, Clock.systemUTC(), log);
        trafficThread = new Thread(() -> {
            try {
                traffic.run();
            } catch (RuntimeException e) {
                log.println("demo traffic stopped: " + e);
            } finally {
                log.close();
            }
        }, "demo-traffic");
        trafficThread.setDaemon(true);
        trafficThread.start();
        progress.println("demo traffic: 20 access events/s; " + io.rekey.audit.demo.DemoScenario.ROGUE
                + " goes rogue after 20 s and again every 2 minutes");
    }

    private static void awaitHealthy(HttpClient http, RunningService running) throws InterruptedException {
        URI health = URI.create(running.url() + "/health");
        long deadline = System.nanoTime() + SERVICE_START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!running.process().isAlive()) {
                throw new CliException(RekeyCli.EXIT_FAILED, running.service().name() + " exited during start-up; last log lines:\n"
                        + running.process().logTail(30));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new CliException(RekeyCli.EXIT_FAILED, running.service().name() + " not healthy after "
                + SERVICE_START_TIMEOUT.toSeconds() + " s; see " + running.process().logFile());
    }

    private void checkPortsFree() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("Kafka", settings.kafkaPort());
        ports.put("Kafka controller", settings.kafkaControllerPort());
        ports.put("schema registry", settings.registryPort());
        if (settings.startServices()) {
            SERVICES.forEach(s -> ports.put(s.name(), settings.port(s)));
        }
        ports.forEach((what, port) -> {
            if (Ports.isListening(port)) {
                throw new CliException(RekeyCli.EXIT_USAGE, "port " + port + " (" + what + ") is already in use on "
                        + Ports.LOOPBACK + ": stop what uses it (./rekey dev down if it is an earlier dev stack) or choose another port");
            }
        });
    }

    private void prepareDataDir() throws IOException {
        if (settings.fresh()) {
            // The store database goes too (DevPostgres), so every key and state derived from it goes with it.
            for (String dir : List.of("kafka", "registry", "audit-state", "jwks")) {
                deleteTree(settings.dataDir().resolve(dir));
            }
        }
        deleteTree(settings.logs());
        Files.createDirectories(settings.logs());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public List<RunningService> services() {
        return Collections.unmodifiableList(services);
    }

    public List<String> skippedServices() {
        return Collections.unmodifiableList(skipped);
    }

    public Duration startup() {
        return startup;
    }

    /** The stack's secret store (once services were started). */
    public SecretStore store() {
        return DevPostgres.store(settings.storeDatabase(), keys);
    }

    /** The stack's key material (present once services were started). */
    public DevKeys keys() {
        return keys;
    }

    /** Client settings for the stack's broker and registry. */
    public io.rekey.schema.client.KafkaClients clients() {
        return io.rekey.schema.client.KafkaClients.of(broker.bootstrapServers(), registry.url());
    }

    public boolean isRunning(String service) {
        return services.stream().anyMatch(s -> s.service().name().equals(service));
    }

    public Settings settings() {
        return settings;
    }

    /** The first process of the stack that is no longer running, if any. */
    public Optional<ChildProcess> firstDeadProcess() {
        List<ChildProcess> all = new ArrayList<>();
        all.add(broker.process());
        all.add(registry.process());
        services.forEach(s -> all.add(s.process()));
        return all.stream().filter(p -> !p.isAlive()).findFirst();
    }

    /** Closes {@code closeable} (a client of the stack) before anything of the stack stops. */
    public synchronized void onClose(AutoCloseable closeable) {
        closeFirst.add(closeable);
    }

    /** Stops services first, then the registry, then the broker, so nothing loses its broker mid-write. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable closeable : closeFirst) {
            try {
                closeable.close();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        if (traffic != null) {
            traffic.stop();
            try {
                trafficThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<RunningService> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);
        reversed.forEach(s -> s.process().stop(Duration.ofSeconds(30)));
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
        state.clear();
    }
}
