package io.rekey.store.vault;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rekey.testkit.vault.VaultKvStandIn;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.StoreConflictException;
import io.rekey.store.StoreUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * What goes wrong between rekey and Vault: writers racing, missing secrets and mounts, bad tokens, Vault out
 * of reach or answering errors. No value and no token may appear in any exception or log line.
 */
class VaultKvSecretStoreFailureTest {

    private static final SecretValue V1 = SecretValue.of("failure-first-Hx7");
    private static final SecretValue V2 = SecretValue.of("failure-second-Lw2");

    private final VaultKvStandIn vault = VaultKvStandIn.start();
    private final VaultKvSecretStore store = storeWithToken(vault.rootToken());
    private final DirectVault direct = new DirectVault(vault, "secret");
    private final String path = "apps/" + UUID.randomUUID();
    private final List<Throwable> thrown = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("io.rekey.store")).addAppender(logs);
    }

    @AfterEach
    void noValueOrTokenEscaped() {
        ((Logger) LoggerFactory.getLogger("io.rekey.store")).detachAppender(logs);
        vault.close();
        List<String> texts = new ArrayList<>();
        thrown.forEach(e -> {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            texts.add(trace.toString());
        });
        logs.list.forEach(event -> texts.add(event.getFormattedMessage()));
        for (String text : texts) {
            assertThat(text).doesNotContain(V1.reveal()).doesNotContain(V2.reveal()).doesNotContain(vault.rootToken())
                    .doesNotContain("hvs.not-the-token");
        }
    }

    @Test
    void aWriterMovingCurrentBetweenReadAndWriteIsAConflictAndRekeyWritesNothing() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");
        vault.beforeNext("POST", "/v1/secret/data/" + path, () -> direct.put(path, Map.of("value", "a-person-was-faster")));

        StoreConflictException conflict = expect(StoreConflictException.class, () -> store.promote(path, "r2", "v1"));

        assertThat(conflict).hasMessageContaining("CURRENT of " + path + " is kv:2");
        assertThat(direct.metadata(path).get("current_version").asLong()).isEqualTo(2);
        assertThat(direct.latest(path)).containsEntry("value", "a-person-was-faster");
        assertThat(store.describe(path).orElseThrow().labels()).containsEntry(Label.PENDING, "r2");
    }

    @Test
    void theSameWriteAheadLandingFirstFromAnotherWorkerIsNotAConflict() {
        store.putCurrent(path, "v1", V1, null);
        VaultKvSecretStore otherWorker = storeWithToken(vault.rootToken());
        vault.beforeNext("POST", "/v1/secret/data/rekey-pending/" + path, () -> otherWorker.putPending(path, "r2", V2, "v1"));

        store.putPending(path, "r2", V2, "v1");

        assertThat(store.read(path, Label.PENDING)).contains(V2);
        assertThat(direct.metadata("rekey-pending/" + path).get("current_version").asLong()).isEqualTo(1);
    }

    @Test
    void aCreateRacingAnotherCreateIsAConflict() {
        vault.beforeNext("POST", "/v1/secret/data/" + path, () -> direct.put(path, Map.of("value", "created-elsewhere")));

        expect(StoreConflictException.class, () -> store.putCurrent(path, "v1", V1, null));

        assertThat(direct.latest(path)).containsEntry("value", "created-elsewhere");
    }

    @Test
    void aMissingPathHasNothingAndNothingToPromoteOrDiscard() {
        assertThat(store.describe(path)).isEmpty();
        assertThat(store.read(path, "v1")).isEmpty();
        assertThat(store.read(path, "kv:1")).isEmpty();
        assertThat(store.read(path, Label.CURRENT)).isEmpty();
        store.discardPending(path, "r1");
        expect(IllegalStateException.class, () -> store.promote(path, "r1", null));
    }

    @Test
    void aMountThatIsNotThereIsNamedAsAConfigurationError() {
        VaultKvSecretStore wrongMount = new VaultKvSecretStore(VaultKvSettings.builder(URI.create(vault.address()),
                vault.rootToken()).mount("kv").build());

        IllegalStateException e = expect(IllegalStateException.class, () -> wrongMount.describe(path));

        assertThat(e).hasMessageContaining("rekey.worker.store.vault.mount").hasMessageContaining("'kv'");
    }

    @Test
    void aWrongTokenIsAccessDeniedNamingTheSettingNeverTheToken() {
        VaultKvSecretStore wrongToken = storeWithToken("hvs.not-the-token");
        store.putCurrent(path, "v1", V1, null);

        for (Executable call : List.<Executable>of(() -> wrongToken.describe(path), () -> wrongToken.read(path, "v1"),
                () -> wrongToken.putCurrent(path, "v2", V2, "v1"), () -> wrongToken.putPending(path, "r2", V2, "v1"),
                () -> wrongToken.discardPending(path, "r2"))) {
            VaultAccessDeniedException e = expect(VaultAccessDeniedException.class, call);
            assertThat(e).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("HTTP 403").hasMessageContaining("rekey.worker.store.vault.token-file");
        }
        assertThat(store.read(path, Label.CURRENT)).contains(V1);
    }

    @Test
    void aMissingTokenIsRefusedAtStartUpNamingTheSetting() {
        for (String token : new String[]{null, "", "  ", vault.rootToken() + "\n"}) {
            IllegalArgumentException e = expect(IllegalArgumentException.class, () -> storeWithToken(token));
            assertThat(e).hasMessageContaining("rekey.worker.store.vault.token-file");
        }
    }

    @Test
    void vaultOutOfReachIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        VaultKvSecretStore unreachable = new VaultKvSecretStore(VaultKvSettings.of(
                URI.create("http://127.0.0.1:" + closedPort), vault.rootToken()));

        StoreUnavailableException e = expect(StoreUnavailableException.class, () -> unreachable.describe(path));
        expect(StoreUnavailableException.class, () -> unreachable.putCurrent(path, "v1", V1, null));

        assertThat(e).hasMessageContaining("cannot reach Vault at http://127.0.0.1:" + closedPort);
        assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aVaultTooSlowToAnswerIsUnavailable() {
        VaultKvSecretStore impatient = new VaultKvSecretStore(VaultKvSettings.builder(URI.create(vault.address()),
                vault.rootToken()).timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)).build());
        vault.beforeNext("GET", "/v1/secret/metadata/" + path, () -> pause(Duration.ofMillis(2500)));

        expect(StoreUnavailableException.class, () -> impatient.describe(path));
    }

    @Test
    void vaultErrorsAreReportedByStatusWithoutRepeatingWhatVaultSaid() {
        store.putCurrent(path, "v1", V1, null);
        String echo = "{\"errors\":[\"proxy failed on " + V2.reveal() + " with token " + vault.rootToken() + "\"]}";
        vault.respondNext("POST", "/v1/secret/data/" + path, 502, echo);
        vault.respondNext("GET", "/v1/secret/data/" + path, 500, echo);

        StoreUnavailableException write = expect(StoreUnavailableException.class, () -> store.putCurrent(path, "v2", V2, "v1"));
        StoreUnavailableException read = expect(StoreUnavailableException.class, () -> store.read(path, "v1"));

        assertThat(write).hasMessageContaining("HTTP 502");
        assertThat(read).hasMessageContaining("HTTP 500");
    }

    @Test
    void refusalsAndConflictsNameVersionsNeverValues() {
        store.putCurrent(path, "v1", V1, null);
        store.putPending(path, "r2", V2, "v1");

        expect(StoreConflictException.class, () -> store.putPending(path, "r3", V1, "v1"));
        expect(StoreConflictException.class, () -> store.putCurrent(path, "v9", V2, "stale"));
        expect(IllegalStateException.class, () -> store.discardPending(path, "v1"));
        expect(IllegalStateException.class, () -> store.putCurrent(path, "v1", V2, "v1"));
        expect(IllegalStateException.class, () -> store.putCurrent(path, "r2", V2, "v1"));
        expect(IllegalArgumentException.class, () -> store.putPending(path, "bad\nid", V2, "v1"));
    }

    private <T extends Throwable> T expect(Class<T> type, Executable call) {
        T e = assertThrows(type, call);
        thrown.add(e);
        return e;
    }

    private VaultKvSecretStore storeWithToken(String token) {
        return new VaultKvSecretStore(VaultKvSettings.of(URI.create(vault.address()), token));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // a slow server, not a test waiting for something
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
