package io.rekey.devstack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The dev stack's real processes start from this build's jars and stop cleanly. */
class LocalProcessesIT {

    @Test
    void brokerProcessStartsReusesItsDataAndStops(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        int controllerPort = Ports.free();
        Path log = dir.resolve("kafka.log");
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir, port, controllerPort, log);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic("kept", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        assertThat(Files.exists(dir.resolve("kafka-logs").resolve("meta.properties"))).isTrue();

        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir, port, controllerPort, log);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
        }
        assertThat(Ports.isListening(port)).isFalse();
    }

    @Test
    void registryKeepsSchemasInItsDataDirectoryAcrossRestarts(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        HttpClient http = HttpClient.newHttpClient();
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"A\\\",\\\"fields\\\":[]}\"}";
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(port, dir, dir.resolve("registry.log"))) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/apis/ccompat/v7/subjects/a-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).isEqualTo(200);
        }
        try (ApicurioRegistryProcess registry = ApicurioRegistryProcess.start(port, dir, dir.resolve("registry.log"))) {
            HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/apis/ccompat/v7/subjects")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(subjects.body()).contains("a-value");
        }
    }
}
