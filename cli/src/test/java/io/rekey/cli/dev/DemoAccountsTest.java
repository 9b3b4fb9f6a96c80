package io.rekey.cli.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The accounts the dev stack creates are the ones the lifecycle service's demo secrets name. */
class DemoAccountsTest {

    private static final Path SEED = Path.of("..", "lifecycle-service", "demo", "demo-secrets.json");

    @Test
    void theSeedFileNamesTheAccountsTheDevStackCreates() throws IOException {
        Map<String, JsonNode> secrets = new HashMap<>();
        new ObjectMapper().readTree(SEED.toFile()).forEach(s -> secrets.put(s.get("secretId").asText(), s));

        assertThat(secrets).containsKey(DemoScenario.DEMO_SECRET);
        assertThat(param(secrets, "db/orders", "role")).isEqualTo(DemoAccounts.POSTGRES_ROLE);
        assertThat(param(secrets, "db/billing", "user")).isEqualTo(DemoAccounts.MARIADB_USER);
        assertThat(secrets.get("db/billing").get("strategy").asText()).isEqualTo("ALTERNATING_USERS");
        assertThat(param(secrets, "cache/sessions", "user")).isEqualTo(DemoAccounts.REDIS_USER);
        assertThat(param(secrets, "mq/events", "user")).isEqualTo(DemoAccounts.RABBITMQ_USER);
        assertThat(param(secrets, "mq/events", "adminUser")).isEqualTo(DemoAccounts.RABBITMQ_ADMIN);
        assertThat(param(secrets, "mq/events", "adminSecretId")).isEqualTo("mq/admin");
        assertThat(secrets.get("mq/admin").get("storePath").asText()).isEqualTo(DemoAccounts.RABBITMQ_ADMIN_STORE_PATH);
        assertThat(param(secrets, "mq/admin", "user")).isEqualTo(DemoAccounts.RABBITMQ_ADMIN);
    }

    private static String param(Map<String, JsonNode> secrets, String secretId, String name) {
        return secrets.get(secretId).get("target").get("params").get(name).asText();
    }
}
