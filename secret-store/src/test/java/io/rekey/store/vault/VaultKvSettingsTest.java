package io.rekey.store.vault;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultKvSettingsTest {

    private static final URI ADDRESS = URI.create("https://vault.example:8200");
    private static final String TOKEN = "hvs.CAESIJ-example-token";

    @Test
    void defaultsMatchAVaultDevServer() {
        VaultKvSettings settings = VaultKvSettings.of(ADDRESS, TOKEN);

        assertThat(settings.mount()).isEqualTo("secret");
        assertThat(settings.pathPrefix()).isEmpty();
        assertThat(settings.pendingPrefix()).isEqualTo("rekey-pending");
        assertThat(settings.valueField()).isEqualTo("value");
        assertThat(settings.maxVersions()).isEqualTo(10);
    }

    @Test
    void neverPrintsTheToken() {
        assertThat(VaultKvSettings.of(ADDRESS, TOKEN).toString()).doesNotContain(TOKEN).contains("[redacted]");
    }

    @Test
    void eachInvalidSettingIsNamed() {
        assertThatThrownBy(() -> VaultKvSettings.of(null, TOKEN)).hasMessageContaining("rekey.worker.store.vault.address");
        assertThatThrownBy(() -> VaultKvSettings.of(URI.create("ftp://vault"), TOKEN)).hasMessageContaining("rekey.worker.store.vault.address");
        assertThatThrownBy(() -> VaultKvSettings.of(URI.create("http://vault:8200/v1"), TOKEN)).hasMessageContaining("rekey.worker.store.vault.address");
        assertThatThrownBy(() -> builder().mount("/secret/").build()).hasMessageContaining("rekey.worker.store.vault.mount");
        assertThatThrownBy(() -> builder().pathPrefix("a//b").build()).hasMessageContaining("rekey.worker.store.vault.path-prefix");
        assertThatThrownBy(() -> builder().pendingPrefix("").build()).hasMessageContaining("rekey.worker.store.vault.pending-prefix");
        assertThatThrownBy(() -> builder().pathPrefix("rekey-pending/apps").build()).hasMessageContaining("rekey.worker.store.vault.pending-prefix");
        assertThatThrownBy(() -> builder().valueField("").build()).hasMessageContaining("rekey.worker.store.vault.value-field");
        assertThatThrownBy(() -> builder().timeouts(Duration.ZERO, Duration.ofSeconds(1)).build()).hasMessageContaining("rekey.worker.store.vault.open-timeout");
        assertThatThrownBy(() -> builder().maxVersions(1).build()).hasMessageContaining("rekey.worker.store.vault.max-versions");
        assertThatThrownBy(() -> builder().namespace("admin team").build()).hasMessageContaining("rekey.worker.store.vault.namespace");
    }

    @Test
    void invalidTokensAreNamedButNotShown() {
        for (String token : new String[]{null, "", " ", TOKEN + "\n", "hvs.with space"}) {
            assertThatThrownBy(() -> VaultKvSettings.of(ADDRESS, token))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rekey.worker.store.vault.token-file")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hvs."));
        }
    }

    private static VaultKvSettings.Builder builder() {
        return VaultKvSettings.builder(ADDRESS, TOKEN);
    }
}
