package io.rekey.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller) as a child process,
 * run from Maven Central jars. Its log directory is formatted on first start and reused afterwards.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ChildProcess process;
    private final int port;

    private KafkaBrokerProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Broker settings for one local node: replication 1 everywhere, loopback only. */
    public static Map<String, String> serverProperties(Path logDir, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "6");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Without this a new consumer group waits 3 s for more members before its first assignment.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    public static KafkaBrokerProcess start(Path dataDir, int port, int controllerPort, Path logFile) throws IOException, InterruptedException {
        Path logDir = dataDir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, serverProperties(logDir, port, controllerPort).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
        Path log4j = dataDir.resolve("log4j2.properties");
        try (InputStream in = KafkaBrokerProcess.class.getResourceAsStream("kafka-log4j2.properties")) {
            Files.copy(in, log4j, StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, logFile);
        }
        List<String> command = javaCommand(log4j, "-Xmx512m", "kafka.Kafka", config.toString());
        ChildProcess process = ChildProcess.start("kafka broker", command, logFile, Map.of(), Duration.ofSeconds(20));
        String bootstrap = Ports.LOOPBACK + ":" + port;
        Readiness.await(process, START_TIMEOUT, () -> Ports.isListening(port) && clusterAnswers(bootstrap));
        return new KafkaBrokerProcess(process, port);
    }

    private static void format(Path config, Path logFile) throws IOException, InterruptedException {
        String clusterId = Uuid.randomUuid().toString();
        List<String> command = javaCommand(null, "-Xmx256m", "kafka.tools.StorageTool",
                "format", "-t", clusterId, "-c", config.toString());
        Process format = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the Kafka log directory failed; see " + logFile);
        }
    }

    private static List<String> javaCommand(Path log4j, String heap, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Distribution.javaExecutable(), heap, "-XX:+UseSerialGC",
                "-cp", Distribution.kafkaBrokerClasspath()));
        if (log4j != null) {
            command.add("-Dlog4j2.configurationFile=" + log4j.toAbsolutePath());
        }
        command.add(mainClass);
        command.addAll(List.of(args));
        return command;
    }

    private static boolean clusterAnswers(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(30));
    }
}
