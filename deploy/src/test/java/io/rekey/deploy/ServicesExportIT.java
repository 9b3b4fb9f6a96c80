package io.rekey.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.rekey.cli.RekeyCli;
import io.rekey.devstack.Distribution;
import io.rekey.devstack.Ports;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.postgres.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each service started from its runnable jar with the environment docker-compose.yml gives it (container addresses
 * and paths mapped to this machine's), keys made by {@code rekey setup keys}: it must become healthy, and its
 * {@code /prometheus} must contain only rekey meters the code scan knows and the library metrics the dashboard uses.
 */
@RekeyIntegrationTest
class ServicesExportIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final Pattern FROM_KEY_FILE = Pattern.compile("export (REKEY_[A-Z0-9_]+)=\\\\?\"\\$\\$\\(cat (/keys/[^)]+)\\)");
    private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{([A-Z0-9_]+):-([^}]*)}");

    @Test
    void everyServiceRunsOnItsComposeEnvironmentAndExportsWhatTheCodeScanFinds(RekeyStack stack, @TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        int setup = RekeyCli.commandLine(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()))
                .execute("setup", "keys", "--dir", keys.toString());
        assertThat(setup).isZero();
        JsonNode compose = Repo.yaml("docker-compose.yml").path("services");
        // As compose's one-shot setup service does; the test stack has the topics already, so this must be a no-op.
        StringWriter out = new StringWriter();
        assertThat(RekeyCli.commandLine(new PrintWriter(out, true), new PrintWriter(Writer.nullWriter()))
                .execute("setup", "kafka", "--bootstrap-servers", stack.bootstrapServers(),
                        "--registry-url", stack.registry().baseUrl().toString())).isZero();
        assertThat(out.toString()).contains("topics already exist").containsPattern("registered \\d+ schemas");
        Set<String> codeScan = ExportedMetrics.prometheusNames(ExportedMetrics.registeredInCode());
        HttpClient http = HttpClient.newHttpClient();

        try (Postgres.TestDatabase store = Postgres.createDatabase("deploy_it")) {
            Map<String, String> containerToLocal = new LinkedHashMap<>();
            containerToLocal.put("kafka:19092", stack.bootstrapServers());
            containerToLocal.put("http://registry:8080", stack.registry().baseUrl().toString());
            containerToLocal.put("jdbc:postgresql://postgres:5432/rekey", store.url());
            containerToLocal.put("/keys", keys.toString());

            Map<String, Integer> ports = new LinkedHashMap<>();
            List<Process> processes = new ArrayList<>();
            try {
                for (String service : Repo.SERVICES) {
                    int port = Ports.free();
                    ports.put(service, port);
                    Map<String, String> env = environment(compose.get(service), containerToLocal);
                    // This machine's PostgreSQL trusts its admin role on 127.0.0.1; the compose database's user does not exist here.
                    env.computeIfPresent("REKEY_WORKER_STORE_USER", (k, v) -> Postgres.ADMIN);
                    // Fresh identities, so nothing clashes with another run on the same broker.
                    env.computeIfPresent("REKEY_WORKER_INSTANCE_ID", (k, v) -> RekeyStack.unique("deploy-worker"));
                    env.computeIfPresent("REKEY_LIFECYCLE_INSTANCE_ID", (k, v) -> RekeyStack.unique("deploy-lifecycle"));
                    env.put("REKEY_AUDIT_APPLICATION_ID", RekeyStack.unique("deploy-audit"));
                    env.computeIfPresent("REKEY_AUDIT_STREAMS_STATE_DIR", (k, v) -> dir.resolve("audit-state").toString());
                    env.put(portVariable(service), Integer.toString(port));
                    processes.add(start(service, env, dir.resolve(service + ".log")));
                }

                Map<String, Set<String>> scraped = new LinkedHashMap<>();
                for (String service : Repo.SERVICES) {
                    int port = ports.get(service);
                    Process process = processes.get(Repo.SERVICES.indexOf(service));
                    await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).ignoreExceptionsInstanceOf(IOException.class)
                            .untilAsserted(() -> {
                                assertThat(process.isAlive()).as("%s exited; log: %s", service, tail(dir.resolve(service + ".log"))).isTrue();
                                assertThat(get(http, port, "/health").statusCode()).as("%s /health", service).isEqualTo(200);
                            });
                    HttpResponse<String> metrics = get(http, port, "/prometheus");
                    assertThat(metrics.statusCode()).isEqualTo(200);
                    scraped.put(service, sampleNames(metrics.body()));
                }

                for (Map.Entry<String, Set<String>> e : scraped.entrySet()) {
                    Set<String> rekey = new TreeSet<>(e.getValue());
                    rekey.removeIf(n -> !n.startsWith("rekey_"));
                    assertThat(rekey).as("%s exports rekey meters", e.getKey()).isNotEmpty();
                    assertThat(codeScan).as("the code scan knows every rekey meter %s exports", e.getKey()).containsAll(rekey);
                }
                ExportedMetrics.LIBRARY.forEach((name, services) -> services.forEach(service -> assertThat(scraped.get(service))
                        .as("%s, used by the dashboard or alerts, is exported by %s", name, service).contains(name)));
            } finally {
                for (Process p : processes) {
                    p.destroy();
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    /**
     * A compose service's environment for a run on this machine: its {@code environment} with compose defaults
     * resolved, plus what its entrypoint reads from key files, with container addresses and paths replaced.
     */
    private static Map<String, String> environment(JsonNode service, Map<String, String> containerToLocal) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        var fields = service.path("environment").fields();
        while (fields.hasNext()) {
            var field = fields.next();
            Matcher d = COMPOSE_DEFAULT.matcher(field.getValue().asText());
            String value = d.matches() ? d.group(2) : field.getValue().asText();
            for (Map.Entry<String, String> r : containerToLocal.entrySet()) {
                value = value.startsWith(r.getKey()) ? r.getValue() + value.substring(r.getKey().length()) : value;
            }
            env.put(field.getKey(), value);
        }
        Matcher fromFile = FROM_KEY_FILE.matcher(service.path("entrypoint").toString());
        while (fromFile.find()) {
            Path file = Path.of(fromFile.group(2).replaceFirst("^/keys", containerToLocal.get("/keys")));
            env.put(fromFile.group(1), Files.readString(file).trim());
        }
        return env;
    }

    private static String portVariable(String service) {
        Matcher m = Pattern.compile("port: \\$\\{(REKEY_[A-Z]+_HTTP_PORT):").matcher(Repo.read(Repo.applicationYml(service)));
        assertThat(m.find()).as("%s's port setting", service).isTrue();
        return m.group(1);
    }

    private static Process start(String service, Map<String, String> env, Path log) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Repo.path(service).resolve("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("rekey-" + service + "-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable jar in " + service + "/target: run through mvn verify"));
        }
        ProcessBuilder builder = new ProcessBuilder(Distribution.javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
