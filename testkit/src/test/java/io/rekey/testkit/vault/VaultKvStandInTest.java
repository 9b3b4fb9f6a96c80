package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The stand-in against Vault's documented KV v2 behaviour, over raw HTTP. */
class VaultKvStandInTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CAS_MISMATCH = "{\"errors\":[\"check-and-set parameter did not match the current version\"]}";

    private final VaultKvStandIn vault = VaultKvStandIn.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        vault.close();
    }

    @Test
    void writesVersionsAndReadsTheLatestOrAGivenOne() {
        Reply first = call("POST", "secret/data/app/db", "{\"data\":{\"password\":\"one\"}}");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().at("/data/version").asLong()).isEqualTo(1);
        assertThat(first.json().at("/data/destroyed").asBoolean()).isFalse();
        assertThat(first.json().at("/data/deletion_time").asText()).isEmpty();
        call("PUT", "secret/data/app/db", "{\"data\":{\"password\":\"two\"}}");

        JsonNode latest = call("GET", "secret/data/app/db", null).json();
        assertThat(latest.at("/data/data/password").asText()).isEqualTo("two");
        assertThat(latest.at("/data/metadata/version").asLong()).isEqualTo(2);
        assertThat(latest.at("/data/metadata/custom_metadata").isNull()).isTrue();
        assertThat(latest.at("/data/metadata/created_time").asText()).endsWith("Z");
        assertThat(call("GET", "secret/data/app/db?version=1", null).json().at("/data/data/password").asText()).isEqualTo("one");
    }

    @Test
    void checkAndSetZeroCreatesOnlyAndAStaleVersionIsRefused() {
        assertThat(call("POST", "secret/data/k", "{\"options\":{\"cas\":0},\"data\":{\"a\":\"1\"}}").status()).isEqualTo(200);

        Reply again = call("POST", "secret/data/k", "{\"options\":{\"cas\":0},\"data\":{\"a\":\"2\"}}");
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.body()).isEqualTo(CAS_MISMATCH);
        assertThat(call("POST", "secret/data/k", "{\"options\":{\"cas\":5},\"data\":{\"a\":\"2\"}}").body()).isEqualTo(CAS_MISMATCH);
        assertThat(call("POST", "secret/data/k", "{\"options\":{\"cas\":1},\"data\":{\"a\":\"2\"}}").json().at("/data/version").asLong())
                .isEqualTo(2);
    }

    @Test
    void aWriteWithoutDataIsRefused() {
        Reply reply = call("POST", "secret/data/k", "{\"options\":{\"cas\":0}}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/errors/0").asText()).isEqualTo("no data provided");
    }

    @Test
    void checkAndSetRequiredOnAKeyRefusesWritesWithoutIt() {
        call("POST", "secret/metadata/k", "{\"cas_required\":true}");

        Reply reply = call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/errors/0").asText()).isEqualTo("check-and-set parameter required for this call");
    }

    @Test
    void aMissingPathOrVersionIs404WithNoErrors() {
        assertThat(call("GET", "secret/data/nothing", null)).isEqualTo(new Reply(404, "{\"errors\":[]}"));
        assertThat(call("GET", "secret/metadata/nothing", null)).isEqualTo(new Reply(404, "{\"errors\":[]}"));
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");
        assertThat(call("GET", "secret/data/k?version=7", null)).isEqualTo(new Reply(404, "{\"errors\":[]}"));
    }

    @Test
    void aMissingOrWrongTokenIsDenied() {
        assertThat(call("GET", "secret/data/k", null, null)).isEqualTo(new Reply(403, "{\"errors\":[\"permission denied\"]}"));
        assertThat(call("GET", "secret/data/k", null, "hvs.wrong")).isEqualTo(new Reply(403, "{\"errors\":[\"permission denied\"]}"));
        assertThat(send(HttpRequest.newBuilder(uri("secret/data/k")).header("Authorization", "Bearer " + vault.rootToken()).GET())
                .status()).isEqualTo(404);
    }

    @Test
    void anUnknownMountHasNoRoute() {
        Reply reply = call("GET", "kv/data/k", null);
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().at("/errors/0").asText()).isEqualTo("no handler for route \"kv/data/k\". route entry not found.");
    }

    @Test
    void metadataWritesCreateNoVersionAndKeepWhatTheyDoNotName() {
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");

        assertThat(call("POST", "secret/metadata/k", "{\"max_versions\":4,\"custom_metadata\":{\"owner\":\"team-a\"}}").status()).isEqualTo(204);
        call("POST", "secret/metadata/k", "{\"custom_metadata\":{\"owner\":\"team-b\"}}");

        JsonNode metadata = call("GET", "secret/metadata/k", null).json().get("data");
        assertThat(metadata.get("current_version").asLong()).isEqualTo(1);
        assertThat(metadata.get("max_versions").asInt()).isEqualTo(4);
        assertThat(metadata.get("custom_metadata").toString()).isEqualTo("{\"owner\":\"team-b\"}");
        assertThat(metadata.get("versions").fieldNames()).toIterable().containsExactly("1");
        assertThat(metadata.at("/versions/1/destroyed").asBoolean()).isFalse();
        assertThat(call("GET", "secret/data/k", null).json().at("/data/metadata/custom_metadata/owner").asText()).isEqualTo("team-b");
    }

    @Test
    void metadataCanExistBeforeAnyVersion() {
        call("POST", "secret/metadata/fresh", "{\"max_versions\":3}");

        assertThat(call("GET", "secret/metadata/fresh", null).json().at("/data/current_version").asLong()).isZero();
        assertThat(call("GET", "secret/data/fresh", null).status()).isEqualTo(404);
        assertThat(call("POST", "secret/data/fresh", "{\"options\":{\"cas\":0},\"data\":{\"a\":\"1\"}}").status()).isEqualTo(200);
    }

    @Test
    void customMetadataIsLimitedAsInVault() {
        StringBuilder tooMany = new StringBuilder("{\"custom_metadata\":{");
        for (int i = 0; i < 65; i++) {
            tooMany.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        Reply reply = call("POST", "secret/metadata/k", tooMany.append("}}").toString());
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/errors/0").asText()).startsWith("custom_metadata validation failed");
        assertThat(call("POST", "secret/metadata/k", "{\"custom_metadata\":{\"empty\":\"\"}}").status()).isEqualTo(400);
    }

    @Test
    void theOldestVersionsArePrunedBeyondMaxVersions() {
        for (int i = 1; i <= 12; i++) {
            call("POST", "secret/data/k", "{\"data\":{\"n\":\"" + i + "\"}}");
        }

        JsonNode metadata = call("GET", "secret/metadata/k", null).json().get("data");
        assertThat(metadata.get("versions").size()).isEqualTo(10);
        assertThat(metadata.get("oldest_version").asLong()).isEqualTo(3);
        assertThat(call("GET", "secret/data/k?version=2", null).status()).isEqualTo(404);
        assertThat(call("GET", "secret/data/k?version=3", null).json().at("/data/data/n").asText()).isEqualTo("3");
    }

    @Test
    void theKeysMaxVersionsWinsOverTheMountsAndTheMountsOverTheDefault() {
        call("POST", "secret/config", "{\"max_versions\":2}");
        assertThat(call("GET", "secret/config", null).json().at("/data/max_versions").asInt()).isEqualTo(2);
        for (int i = 1; i <= 3; i++) {
            call("POST", "secret/data/mount-wide", "{\"data\":{\"n\":\"" + i + "\"}}");
        }
        call("POST", "secret/metadata/own", "{\"max_versions\":3}");
        for (int i = 1; i <= 3; i++) {
            call("POST", "secret/data/own", "{\"data\":{\"n\":\"" + i + "\"}}");
        }

        assertThat(call("GET", "secret/metadata/mount-wide", null).json().at("/data/versions").fieldNames()).toIterable()
                .containsExactly("2", "3");
        assertThat(call("GET", "secret/metadata/own", null).json().at("/data/versions").size()).isEqualTo(3);
    }

    @Test
    void destroyRemovesTheDataButKeepsTheVersionsMetadata() {
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"2\"}}");

        assertThat(call("POST", "secret/destroy/k", "{\"versions\":[2]}").status()).isEqualTo(204);

        Reply read = call("GET", "secret/data/k?version=2", null);
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.json().at("/data/data").isNull()).isTrue();
        assertThat(read.json().at("/data/metadata/destroyed").asBoolean()).isTrue();
        assertThat(call("GET", "secret/metadata/k", null).json().at("/data/current_version").asLong()).isEqualTo(2);
        assertThat(call("POST", "secret/destroy/k", "{}").status()).isEqualTo(400);
    }

    @Test
    void softDeleteHidesAVersionUntilUndeleted() {
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");

        assertThat(call("DELETE", "secret/data/k", null).status()).isEqualTo(204);
        Reply deleted = call("GET", "secret/data/k", null);
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.json().at("/data/metadata/deletion_time").asText()).isNotEmpty();

        call("POST", "secret/undelete/k", "{\"versions\":[1]}");
        assertThat(call("GET", "secret/data/k", null).json().at("/data/data/a").asText()).isEqualTo("1");
        call("POST", "secret/delete/k", "{\"versions\":[1]}");
        assertThat(call("GET", "secret/data/k?version=1", null).status()).isEqualTo(404);
    }

    @Test
    void listsKeysAndFoldersWithListOrGetListTrue() {
        call("POST", "secret/data/apps/a", "{\"data\":{\"x\":\"1\"}}");
        call("POST", "secret/data/apps/team/b", "{\"data\":{\"x\":\"1\"}}");

        assertThat(call("LIST", "secret/metadata/apps", null).json().at("/data/keys").toString()).isEqualTo("[\"a\",\"team/\"]");
        assertThat(call("GET", "secret/metadata/apps/?list=true", null).json().at("/data/keys").toString()).isEqualTo("[\"a\",\"team/\"]");
        assertThat(call("LIST", "secret/metadata", null).json().at("/data/keys").toString()).isEqualTo("[\"apps/\"]");
        assertThat(call("LIST", "secret/metadata/none", null).status()).isEqualTo(404);
    }

    @Test
    void deletingMetadataRemovesEveryVersion() {
        call("POST", "secret/data/k", "{\"data\":{\"a\":\"1\"}}");

        assertThat(call("DELETE", "secret/metadata/k", null).status()).isEqualTo(204);

        assertThat(call("GET", "secret/metadata/k", null).status()).isEqualTo(404);
        assertThat(call("POST", "secret/data/k", "{\"options\":{\"cas\":0},\"data\":{\"a\":\"2\"}}").status()).isEqualTo(200);
    }

    @Test
    void hooksStageAConcurrentClientOrAnArbitraryAnswer() {
        AtomicBoolean ran = new AtomicBoolean();
        vault.beforeNext("POST", "/v1/secret/data/k", () -> {
            call("POST", "secret/data/k", "{\"data\":{\"by\":\"someone else\"}}");
            ran.set(true);
        });
        vault.respondNext("GET", "/v1/secret/data/k", 503, "{\"errors\":[\"Vault is sealed\"]}");

        assertThat(call("POST", "secret/data/k", "{\"options\":{\"cas\":0},\"data\":{\"a\":\"1\"}}").body()).isEqualTo(CAS_MISMATCH);
        assertThat(ran).isTrue();
        assertThat(call("GET", "secret/data/k", null).status()).isEqualTo(503);
        assertThat(call("GET", "secret/data/k", null).status()).isEqualTo(200);
    }

    @Test
    void anotherMountIsAnIndependentEngine() {
        try (VaultKvStandIn two = VaultKvStandIn.builder().kvV2Mount("kv").kvV2Mount("team/kv").rootToken("root").start()) {
            List<Integer> statuses = new ArrayList<>();
            for (String mount : List.of("kv", "team/kv")) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(two.address() + "/v1/" + mount + "/data/k"))
                        .header("X-Vault-Token", "root").POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"a\":\"1\"}}"));
                statuses.add(send(request).status());
            }
            assertThat(statuses).containsExactly(200, 200);
        }
    }

    private Reply call(String method, String path, String body) {
        return call(method, path, body, vault.rootToken());
    }

    private Reply call(String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Vault-Token", token);
        }
        return send(request);
    }

    private URI uri(String path) {
        return URI.create(vault.address() + "/v1/" + path);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private record Reply(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + body, e);
            }
        }
    }
}
