package io.rekey.worker.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetSettingsCheckTest {

    @TempDir
    Path dir;

    @Test
    void withoutSettingsTheJwksAndVaultAdaptersAreSimplyNotThere() {
        assertThat(WorkerFactory.jwksFiles(new TargetSettings.Jwks(null))).isEmpty();
        assertThat(WorkerFactory.vaultLeases(vault(null, null))).isEmpty();
    }

    @Test
    void aVaultAddressWithoutATokenFileOrTheOtherWayRoundStopsTheWorkerNamingTheSetting() {
        assertThatThrownBy(() -> WorkerFactory.vaultLeases(vault("http://127.0.0.1:8200", null)))
                .hasMessage("rekey.worker.targets.vault.token-file (REKEY_WORKER_VAULT_TOKEN_FILE) must be set");
        assertThatThrownBy(() -> WorkerFactory.vaultLeases(vault(null, dir.resolve("token"))))
                .hasMessage("rekey.worker.targets.vault.address (REKEY_WORKER_VAULT_ADDRESS) must be set");
        assertThatThrownBy(() -> WorkerFactory.vaultLeases(vault("vault.internal:8200", dir.resolve("token"))))
                .hasMessageStartingWith("rekey.worker.targets.vault.address (REKEY_WORKER_VAULT_ADDRESS) must be http(s)://host:port");
    }

    @Test
    void anEmptyTokenFileIsRefusedWithoutPrintingAnything() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "  \n");

        assertThatThrownBy(() -> WorkerFactory.vaultLeases(vault("http://127.0.0.1:8200", token)))
                .hasMessage("rekey.worker.targets.vault.token-file " + token + " is empty");
        Files.writeString(token, "hvs.a-token\n");
        assertThat(WorkerFactory.vaultLeases(vault("http://127.0.0.1:8200", token))).isPresent();
    }

    @Test
    void theJwksDirectoryIsCreatedAndMustBeWritable() throws Exception {
        assertThat(WorkerFactory.jwksFiles(new TargetSettings.Jwks(dir.resolve("jwks/public")))).isPresent();
        assertThat(dir.resolve("jwks/public")).isDirectory();
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> WorkerFactory.jwksFiles(new TargetSettings.Jwks(file)))
                .hasMessageStartingWith("rekey.worker.targets.jwks.directory (REKEY_WORKER_JWKS_DIR) " + file);
    }

    private static TargetSettings.Vault vault(String address, Path tokenFile) {
        return new TargetSettings.Vault(address, tokenFile, null, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5));
    }
}
