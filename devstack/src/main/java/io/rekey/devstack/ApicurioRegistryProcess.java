package io.rekey.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Apicurio schema registry (Confluent-compatible API at {@code /apis/ccompat/v7}) as a child process
 * on 127.0.0.1. Storage is in memory, or an H2 file under a data directory so schema ids survive a restart
 * of the dev stack together with the broker's data.
 */
public final class ApicurioRegistryProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final ChildProcess process;
    private final int port;

    private ApicurioRegistryProcess(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param dataDir where the registry keeps its database, or {@code null} for in-memory storage
     */
    public static ApicurioRegistryProcess start(int port, Path dataDir, Path logFile) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Distribution.javaExecutable(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=" + Ports.LOOPBACK,
                "-Dquarkus.http.port=" + port,
                // Twenty pooled connections are the production default; a local registry needs two.
                "-Dquarkus.datasource.jdbc.min-size=2",
                "-Dquarkus.datasource.jdbc.initial-size=2"));
        if (dataDir != null) {
            Files.createDirectories(dataDir);
            command.add("-Dquarkus.datasource.jdbc.url=jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry"));
        }
        command.addAll(List.of("-jar", Distribution.apicurioRunnerJar().toString()));
        ChildProcess process = ChildProcess.start("schema registry", command, logFile, Map.of(), Duration.ofSeconds(10));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        URI ready = URI.create("http://" + Ports.LOOPBACK + ":" + port + "/health/ready");
        Readiness.await(process, START_TIMEOUT, () -> isReady(http, ready));
        return new ApicurioRegistryProcess(process, port);
    }

    private static boolean isReady(HttpClient http, URI ready) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Registry root, for example {@code http://127.0.0.1:8081}. */
    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public int port() {
        return port;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(15));
    }
}
