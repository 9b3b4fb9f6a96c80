package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.rekey.testkit.postgres.Postgres;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The database engine and sys/leases of the stand-in, over raw HTTP, creating real PostgreSQL roles. */
class VaultDatabaseStandInIT {

    private final VaultKvStandIn vault = VaultKvStandIn.builder().databaseMount("database").start();

    @BeforeEach
    void configure() {
        Postgres.requirePasswordAuthentication();
        assertThat(call("POST", "database/config/pg", "{\"plugin_name\":\"postgresql-database-plugin\",\"allowed_roles\":\"app,short\","
                + "\"connection_url\":\"postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres\",\"username\":\"postgres\"}").status())
                .isEqualTo(204);
        String creation = "[\"CREATE ROLE \\\"{{name}}\\\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE "
                + Postgres.MANAGED_GROUP + ";\"]";
        call("POST", "database/roles/app", "{\"db_name\":\"pg\",\"creation_statements\":" + creation + ",\"default_ttl\":\"1h\",\"max_ttl\":\"2h\"}");
        call("POST", "database/roles/short", "{\"db_name\":\"pg\",\"creation_statements\":" + creation + ",\"default_ttl\":2,\"max_ttl\":4}");
    }

    @AfterEach
    void stop() {
        call("POST", "sys/leases/revoke-prefix/database/creds/", null);
        vault.close();
    }

    @Test
    void credentialsComeWithALeaseAndWorkUntilTheLeaseIsRevoked() {
        JsonNode creds = call("GET", "database/creds/app", null).json();
        String leaseId = creds.path("lease_id").asText();
        String username = creds.at("/data/username").asText();
        String password = creds.at("/data/password").asText();

        assertThat(leaseId).matches("database/creds/app/[A-Za-z0-9]{24}");
        assertThat(creds.path("lease_duration").asLong()).isEqualTo(3600);
        assertThat(creds.path("renewable").asBoolean()).isTrue();
        assertThat(username).startsWith("v-root-app-");
        assertThat(password).hasSize(20).contains("-");
        assertThat(Postgres.canLogin(username, password)).isTrue();
        assertThat(call("POST", "sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}").json().at("/data/id").asText()).isEqualTo(leaseId);

        JsonNode renewed = call("PUT", "sys/leases/renew/" + leaseId, "{\"increment\":600}").json();
        assertThat(renewed.path("lease_id").asText()).isEqualTo(leaseId);
        assertThat(renewed.path("lease_duration").asLong()).isBetween(599L, 600L);

        assertThat(call("PUT", "sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\",\"sync\":true}").status()).isEqualTo(204);
        assertThat(Postgres.canLogin(username, password)).isFalse();
        assertThat(call("PUT", "sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\"}").status()).as("revoking twice is fine").isEqualTo(204);
        VaultKvStandIn.Reply gone = call("PUT", "sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}");
        assertThat(gone.status()).isEqualTo(400);
        assertThat(gone.body()).isEqualTo("{\"errors\":[\"lease not found or lease is not renewable\"]}");
    }

    @Test
    void aRenewalIsCappedAtTheMaxTtlAndAnExpiredLeaseIsRevoked() {
        JsonNode creds = call("GET", "database/creds/short", null).json();
        String leaseId = creds.path("lease_id").asText();

        JsonNode renewed = call("PUT", "sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\",\"increment\":3600}").json();
        assertThat(renewed.path("lease_duration").asLong()).isLessThanOrEqualTo(4);
        assertThat(renewed.path("warnings").get(0).asText()).contains("capped");

        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                call("POST", "sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}").status() == 400);
        assertThat(Postgres.canLogin(creds.at("/data/username").asText(), creds.at("/data/password").asText())).isFalse();
    }

    @Test
    void revokePrefixRevokesEveryLeaseOfTheRoleAndNoOther() {
        JsonNode one = call("GET", "database/creds/app", null).json();
        JsonNode two = call("GET", "database/creds/app", null).json();
        JsonNode other = call("GET", "database/creds/short", null).json();

        assertThat(call("POST", "sys/leases/revoke-prefix/database/creds/app/", "{\"sync\":true}").status()).isEqualTo(204);

        assertThat(Postgres.canLogin(one.at("/data/username").asText(), one.at("/data/password").asText())).isFalse();
        assertThat(Postgres.canLogin(two.at("/data/username").asText(), two.at("/data/password").asText())).isFalse();
        assertThat(Postgres.canLogin(other.at("/data/username").asText(), other.at("/data/password").asText())).isTrue();
    }

    @Test
    void unknownRolesAndRolesTheConnectionDoesNotAllowAreRefused() {
        assertThat(call("GET", "database/creds/nope", null).body()).isEqualTo("{\"errors\":[\"unknown role: nope\"]}");
        call("POST", "database/roles/outsider", "{\"db_name\":\"pg\",\"creation_statements\":\"SELECT 1\"}");
        assertThat(call("GET", "database/creds/outsider", null).body()).isEqualTo("{\"errors\":[\"\\\"outsider\\\" is not an allowed role\"]}");
    }

    private VaultKvStandIn.Reply call(String method, String path, String body) {
        return vault.call(method, path, body);
    }
}
