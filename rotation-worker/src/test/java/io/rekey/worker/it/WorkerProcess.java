package io.rekey.worker.it;

import io.rekey.devstack.Distribution;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The worker as a real process, from this build's runnable jar, so a test can kill it with SIGKILL. */
final class WorkerProcess implements AutoCloseable {

    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    static WorkerProcess start(Map<String, Object> properties, Path log) {
        List<String> command = new ArrayList<>(List.of(Distribution.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dmicronaut.server.port=-1"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar().toString()));
        try {
            return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the worker is a member of its consumer group with partitions assigned, so a command sent now is
     * handled by this process.
     */
    void awaitAssigned(String bootstrapServers, String instanceId, Duration timeout) throws Exception {
        String member = "rekey-rotation-worker-" + instanceId;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the worker process exited during start-up");
                }
                try {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("rekey-rotation-worker")).all()
                            .get(10, TimeUnit.SECONDS).get("rekey-rotation-worker");
                    boolean assigned = group.groupState() == GroupState.STABLE && group.members().stream().anyMatch(m ->
                            m.groupInstanceId().map(member::equals).orElse(false) && !m.assignment().topicPartitions().isEmpty());
                    if (assigned) {
                        return;
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                    // the group appears when the worker first joins
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("worker " + instanceId + " got no partitions within " + timeout);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no goodbye to the consumer group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static Path jar() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("rekey-rotation-worker-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the worker's runnable jar is missing: run mvn package first"))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
