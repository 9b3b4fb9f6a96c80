package io.rekey.cli.command;

import io.rekey.cli.RekeyCli;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.render.Table;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.registry.ConfluentRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code rekey health}: is every part reachable. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Check that the broker, the schema registry, the secret store and every service answer; exit 3 if one does not.")
public final class HealthCommand implements Callable<Integer> {

    /** One checked component. */
    record Check(String component, boolean up, String detail) { }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Option(names = "--service", paramLabel = "NAME=URL",
            description = "A service's base URL (repeatable; default: the dev stack's rotation-worker, audit-stream and lifecycle-service).")
    Map<String, String> services = new LinkedHashMap<>(Map.of());

    @Option(names = "--store-url", paramLabel = "JDBC_URL",
            description = "The PostgreSQL secret store (default: $REKEY_WORKER_STORE_URL, or the dev stack's rekey_dev database).")
    String storeUrl;

    @Override
    public Integer call() {
        KafkaClients clients = connection.clients();
        List<Check> checks = new ArrayList<>();
        checks.add(kafka(clients));
        checks.add(registry(clients));
        checks.add(store());
        Map<String, String> targets = services.isEmpty() ? Map.of(
                "rotation-worker", "http://127.0.0.1:8091", "audit-stream", "http://127.0.0.1:8092",
                "lifecycle-service", "http://127.0.0.1:8093") : services;
        targets.forEach((name, url) -> checks.add(service(name, url)));

        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Json.print(out, checks.stream().map(c -> Map.of("component", c.component(), "up", c.up(), "detail", c.detail())).toList());
        } else {
            Table table = new Table("COMPONENT", "STATUS", "DETAIL");
            checks.forEach(c -> table.row(c.component(), c.up() ? "UP" : "DOWN", c.detail()));
            table.print(out);
        }
        return checks.stream().allMatch(Check::up) ? RekeyCli.EXIT_OK : RekeyCli.EXIT_UNREACHABLE;
    }

    private static Check kafka(KafkaClients clients) {
        Map<String, Object> config = clients.adminConfig();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(6, TimeUnit.SECONDS).size();
            return new Check("kafka", true, brokers + " broker(s) at " + clients.bootstrapServers());
        } catch (Exception e) {
            return new Check("kafka", false, "unreachable at " + clients.bootstrapServers());
        }
    }

    private static Check registry(KafkaClients clients) {
        ConfluentRegistryClient registry = new ConfluentRegistryClient(clients.registry(), Duration.ofSeconds(3));
        try {
            return new Check("schema-registry", true, registry.subjects().size() + " subject(s) at " + clients.registry().baseUrl());
        } catch (RuntimeException e) {
            return new Check("schema-registry", false, "unreachable at " + clients.registry().baseUrl());
        }
    }

    private Check store() {
        String url = storeUrl != null ? storeUrl
                : System.getenv("REKEY_WORKER_STORE_URL") != null ? System.getenv("REKEY_WORKER_STORE_URL")
                : "jdbc:postgresql://127.0.0.1:5432/rekey_dev";
        Properties props = new Properties();
        props.setProperty("user", System.getenv().getOrDefault("REKEY_WORKER_STORE_USER", "postgres"));
        props.setProperty("loginTimeout", "5");
        try (Connection c = DriverManager.getConnection(url, props)) {
            boolean tables = c.getMetaData().getTables(null, null, "rekey_secret", null).next();
            return new Check("secret-store", true, url + (tables ? "" : " (no store tables yet)"));
        } catch (Exception e) {
            return new Check("secret-store", false, "unreachable at " + url);
        }
    }

    private static Check service(String name, String url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return new Check(name, response.statusCode() == 200, url + "/health answered " + response.statusCode());
        } catch (IOException | IllegalArgumentException e) {
            return new Check(name, false, "unreachable at " + url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(name, false, "interrupted");
        }
    }
}
