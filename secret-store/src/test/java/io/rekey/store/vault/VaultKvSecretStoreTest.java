package io.rekey.store.vault;

import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.rekey.testkit.vault.VaultKvStandIn;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretStoreContract;
import io.rekey.store.StoreConflictException;
import io.rekey.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Vault store keeps the shared contract, and maps it onto KV v2 as its javadoc says, with the real driver
 * over real HTTP against the KV v2 stand-in.
 */
class VaultKvSecretStoreTest extends SecretStoreContract {

    private static final SecretValue V1 = SecretValue.of("vault-first-Qm4");
    private static final SecretValue V2 = SecretValue.of("vault-second-Tz9");

    private final VaultKvStandIn vault = VaultKvStandIn.start();
    private final VaultKvSecretStore store = new VaultKvSecretStore(VaultKvSettings.of(URI.create(vault.address() + "/"),
            vault.rootToken()));
    private final DirectVault direct = new DirectVault(vault, "secret");
    private final String path = "apps/" + UUID.randomUUID();

    @Override
    protected SecretStore store() {
        return store;
    }

    @AfterEach
    void stopVault() {
        vault.close();
    }

    @Test
    void vaultReadersGetCurrentDuringARotationAndPendingWaitsUnderThePendingPrefix() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");

        assertThat(direct.latest(path)).containsEntry("value", V1.reveal());
        assertThat(direct.latest("rekey-pending/" + path)).containsEntry("value", V2.reveal());

        store.promote(path, "r2", "v1");

        assertThat(direct.latest(path)).containsEntry("value", V2.reveal());
        assertThat(direct.latest("rekey-pending/" + path)).isEmpty();
        assertThat(direct.metadata("rekey-pending/" + path).get("versions").asObject().get("1").asObject()
                .get("destroyed").asBoolean()).isTrue();
    }

    @Test
    void everyRekeyVersionIsAKvVersionAndItsIdLivesInCustomMetadata() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");
        store.promote(path, "r2", "v1");

        JsonObject metadata = direct.metadata(path);
        assertThat(metadata.get("current_version").asLong()).isEqualTo(2);
        JsonObject custom = metadata.get("custom_metadata").asObject();
        assertThat(custom.names()).containsExactlyInAnyOrder("rekey-version-1", "rekey-version-2");
        assertThat(custom.get("rekey-version-1").asString()).isEqualTo("v1");
        assertThat(custom.get("rekey-version-2").asString()).isEqualTo("r2");
        JsonObject previous = direct.version(path, 1).get("body").asObject().get("data").asObject();
        assertThat(previous.get("data").asObject().get("value").asString()).isEqualTo(V1.reveal());
        assertThat(previous.get("metadata").asObject().get("custom_metadata").asObject().get("rekey-version-1").asString())
                .as("a reader learns the rekey version of what it read from the same answer").isEqualTo("v1");
    }

    @Test
    void discardingAPendingVersionDestroysItsData() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");

        store.discardPending(path, "r2");

        JsonObject read = direct.version("rekey-pending/" + path, 1);
        assertThat(read.get("status").asInt()).isEqualTo(404);
        assertThat(read.get("body").asObject().get("data").asObject().get("metadata").asObject().get("destroyed").asBoolean())
                .isTrue();
        assertThat(direct.metadata(path).get("current_version").asLong()).isEqualTo(1);
    }

    @Test
    void customMetadataRekeyDoesNotOwnIsKept() {
        direct.putMetadata(path, Map.of("custom_metadata", Json.object().add("owner", "team-a")));
        store.putCurrent(path, "v1", V1, null);

        vault.beforeNext("POST", "/v1/secret/data/" + path, () -> direct.putMetadata(path, Map.of("custom_metadata",
                Json.object().add("owner", "team-b").add("rekey-version-1", "v1"))));
        store.putPending(path, "r2", V2, "v1");
        store.promote(path, "r2", "v1");

        assertThat(direct.metadata(path).get("custom_metadata").asObject().get("owner").asString()).isEqualTo("team-b");
    }

    @Test
    void aPersonsWriteInVaultBecomesCurrentAndAbandonsTheRotation() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");

        direct.put(path, Map.of("value", "typed-by-a-person"));

        SecretMetadata metadata = store.describe(path).orElseThrow();
        assertThat(metadata.labels()).isEqualTo(Map.of(Label.CURRENT, "kv:2", Label.PREVIOUS, "v1", Label.PENDING, "r2"));
        assertThat(store.read(path, Label.CURRENT)).contains(SecretValue.of("typed-by-a-person"));
        assertThatThrownBy(() -> store.promote(path, "r2", "v1")).isInstanceOf(StoreConflictException.class);
        store.discardPending(path, "r2");
        store.putPending(path, "r3", V2, "kv:2");
        store.promote(path, "r3", "kv:2");
        assertThat(store.describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r3", Label.PREVIOUS, "kv:2"));
    }

    @Test
    void versionIdsNamingUnrecordedVersionsAreRefused() {
        assertThatThrownBy(() -> store.putCurrent(path, "kv:1", V1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void currentAndPreviousOutliveMaxVersionsPruning() {
        store.putCurrent(path, "v0", V1, null);
        String current = "v0";
        for (int i = 1; i <= 12; i++) {
            String next = "r" + i;
            store.putPending(path, next, SecretValue.of("value-" + i), current);
            store.promote(path, next, current);
            current = next;
        }

        SecretMetadata metadata = store.describe(path).orElseThrow();
        assertThat(metadata.labels()).isEqualTo(Map.of(Label.CURRENT, "r12", Label.PREVIOUS, "r11"));
        assertThat(metadata.versionIds()).hasSize(10).startsWith("r3").endsWith("r11", "r12");
        assertThat(store.read(path, Label.PREVIOUS)).contains(SecretValue.of("value-11"));
        assertThat(direct.metadata(path).get("max_versions").asInt()).isZero();
    }

    @Test
    void aKeyKeepingOneVersionIsRaisedBeforePreviousCouldBePruned() {
        direct.putMetadata(path, Map.of("max_versions", 1));
        direct.put(path, Map.of("value", V1.reveal()));

        store.putPending(path, "r2", V2, "kv:1");
        store.promote(path, "r2", "kv:1");

        assertThat(store.read(path, Label.PREVIOUS)).contains(V1);
        assertThat(direct.metadata(path).get("max_versions").asInt()).isEqualTo(10);
    }

    @Test
    void aMountKeepingOneVersionIsOverriddenOnTheKey() {
        direct.configureMount(Map.of("max_versions", 1));
        store.putCurrent(path, "v1", V1, null);

        store.putPending(path, "r2", V2, "v1");
        store.promote(path, "r2", "v1");

        assertThat(store.describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r2", Label.PREVIOUS, "v1"));
        assertThat(store.read(path, Label.PREVIOUS)).contains(V1);
    }

    @Test
    void anInterruptedPromotionIsCompletedByItsRetryWithoutASecondVersion() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");
        vault.respondNext("POST", "/v1/secret/metadata/" + path, 503, "{\"errors\":[\"Vault is sealed\"]}");

        assertThatThrownBy(() -> store.promote(path, "r2", "v1")).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.describe(path).orElseThrow().labels()).containsEntry(Label.CURRENT, "kv:2");

        store.promote(path, "r2", "v1");

        assertThat(store.describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r2", Label.PREVIOUS, "v1"));
        assertThat(direct.metadata(path).get("current_version").asLong()).isEqualTo(2);
        assertThat(direct.latest("rekey-pending/" + path)).isEmpty();
    }

    @Test
    void anInterruptedCreateIsRecordedByItsRetry() {
        vault.respondNext("POST", "/v1/secret/metadata/" + path, 503, "{\"errors\":[\"Vault is sealed\"]}");
        assertThatThrownBy(() -> store.putCurrent(path, "v1", V1, null)).isInstanceOf(StoreUnavailableException.class);

        store.putCurrent(path, "v1", V1, null);

        assertThat(store.describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
        assertThat(direct.metadata(path).get("current_version").asLong()).isEqualTo(1);
    }

    @Test
    void anInterruptedWriteAheadIsKeptByItsRetryOrReplacedByAFreshOne() {
        store.putCurrent(path, "v1", V1, null);
        String staging = "/v1/secret/metadata/rekey-pending/" + path;
        vault.respondNext("POST", staging, 503, "{\"errors\":[\"Vault is sealed\"]}");
        assertThatThrownBy(() -> store.putPending(path, "r2", V2, "v1")).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.describe(path).orElseThrow().versionWith(Label.PENDING)).isEmpty();

        store.putPending(path, "r2", V2, "v1");
        assertThat(store.read(path, "r2")).contains(V2);
        assertThat(direct.metadata("rekey-pending/" + path).get("current_version").asLong()).isEqualTo(1);

        store.discardPending(path, "r2");
        vault.respondNext("POST", staging, 503, "{\"errors\":[\"Vault is sealed\"]}");
        assertThatThrownBy(() -> store.putPending(path, "r3", V2, "v1")).isInstanceOf(StoreUnavailableException.class);
        SecretValue regenerated = SecretValue.of("regenerated-after-a-restart");
        store.putPending(path, "r3", regenerated, "v1");
        assertThat(store.read(path, "r3")).contains(regenerated);
        assertThat(direct.version("rekey-pending/" + path, 2).get("status").asInt()).isEqualTo(404);
    }

    @Test
    void aRetriedCreateOfTheSameVersionIsANoOpButAnotherValueIsRefused() {
        store.putCurrent(path, "v1", V1, null);

        store.putCurrent(path, "v1", V1, null);
        assertThatThrownBy(() -> store.putCurrent(path, "v1", V2, null)).isInstanceOf(IllegalStateException.class);
        assertThat(direct.metadata(path).get("current_version").asLong()).isEqualTo(1);
    }

    @Test
    void mountPathPrefixAndValueFieldAreHonoured() {
        try (VaultKvStandIn teamVault = VaultKvStandIn.builder().kvV2Mount("team/kv").start()) {
            VaultKvSecretStore teamStore = new VaultKvSecretStore(VaultKvSettings.builder(URI.create(teamVault.address()),
                    teamVault.rootToken()).mount("team/kv").pathPrefix("rekey").valueField("password").build());
            DirectVault teamDirect = new DirectVault(teamVault, "team/kv");

            teamStore.putCurrent("db/main", "v1", V1, null);
            teamStore.putPending("db/main", "r2", V2, "v1");

            assertThat(teamDirect.latest("rekey/db/main")).isEqualTo(Map.of("password", V1.reveal()));
            assertThat(teamDirect.latest("rekey-pending/rekey/db/main")).isEqualTo(Map.of("password", V2.reveal()));
            assertThat(teamStore.read("db/main", Label.PENDING)).contains(V2);
        }
    }

    @Test
    void aVersionWithoutTheValueFieldIsReportedWithoutItsData() {
        direct.put(path, Map.of("username", "app", "pwd", "not-in-the-value-field"));

        assertThatThrownBy(() -> store.read(path, Label.CURRENT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'value'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not-in-the-value-field"));
    }

    @Test
    void pathsUnderThePendingPrefixOrWithOddCharactersAreRefused() {
        assertThatThrownBy(() -> store.describe("rekey-pending/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.describe("a//b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.describe("a/b?version=1")).isInstanceOf(IllegalArgumentException.class);
    }
}
