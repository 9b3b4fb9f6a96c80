package io.rekey.store.vault;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach Vault and where in it rekey keeps secrets. Each component is validated at start-up and a
 * failure names its setting: {@code rekey.worker.store.vault.address} ({@code http(s)://host:port}, like {@code VAULT_ADDR}),
 * {@code rekey.worker.store.vault.token-file}, {@code rekey.worker.store.vault.namespace} (Vault Enterprise/HCP, optional),
 * {@code rekey.worker.store.vault.mount} (the KV v2 engine, default {@code secret}), {@code rekey.worker.store.vault.path-prefix}
 * (prepended to every secret path, default none), {@code rekey.worker.store.vault.pending-prefix} (where PENDING versions
 * wait, default {@code rekey-pending}), {@code rekey.worker.store.vault.value-field} (the data field holding the value,
 * default {@code value}), {@code rekey.worker.store.vault.open-timeout} and {@code rekey.worker.store.vault.read-timeout} (whole seconds
 * on the wire, defaults 5 s and 10 s) and {@code rekey.worker.store.vault.max-versions} (what a secret's {@code max_versions}
 * is raised to when it would not keep CURRENT and PREVIOUS, default 10).
 *
 * <p>{@link #toString()} never shows the token.
 */
public record VaultKvSettings(URI address, String token, String namespace, String mount, String pathPrefix,
                              String pendingPrefix, String valueField, Duration openTimeout, Duration readTimeout,
                              int maxVersions) {

    /** Vault paths rekey writes: plain segments, so they survive URL handling unchanged. */
    static final Pattern PATH = Pattern.compile("[A-Za-z0-9._~@+=,:-]+(/[A-Za-z0-9._~@+=,:-]+)*");
    /** CURRENT and PREVIOUS are the two newest versions of a secret; Vault must keep at least those. */
    static final int LABELLED_VERSIONS = 2;

    public VaultKvSettings {
        Objects.requireNonNull(address, "rekey.worker.store.vault.address must be set");
        if (!("http".equals(address.getScheme()) || "https".equals(address.getScheme())) || address.getHost() == null
                || !(address.getPath() == null || address.getPath().isEmpty() || address.getPath().equals("/"))) {
            throw new IllegalArgumentException("rekey.worker.store.vault.address must be http(s)://host[:port] with no path, was " + address);
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("rekey.worker.store.vault.token-file must hold a Vault token");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            // A token read from a file often ends with a newline, which no HTTP header may carry.
            throw new IllegalArgumentException("rekey.worker.store.vault.token-file must hold only the token: no whitespace or control characters");
        }
        if (namespace != null && !PATH.matcher(namespace).matches()) {
            throw new IllegalArgumentException("rekey.worker.store.vault.namespace must be a Vault namespace path such as 'admin', was '"
                    + namespace + "'");
        }
        requirePath("rekey.worker.store.vault.mount", mount);
        pathPrefix = Objects.requireNonNullElse(pathPrefix, "");
        if (!pathPrefix.isEmpty()) {
            requirePath("rekey.worker.store.vault.path-prefix", pathPrefix);
        }
        requirePath("rekey.worker.store.vault.pending-prefix", pendingPrefix);
        if ((pathPrefix + "/").startsWith(pendingPrefix + "/")) {
            throw new IllegalArgumentException("rekey.worker.store.vault.path-prefix must not lie under rekey.worker.store.vault.pending-prefix ('"
                    + pendingPrefix + "'): PENDING versions would mix with CURRENT ones");
        }
        if (valueField == null || valueField.isEmpty()) {
            throw new IllegalArgumentException("rekey.worker.store.vault.value-field must name the data field that holds the value");
        }
        requirePositive("rekey.worker.store.vault.open-timeout", openTimeout);
        requirePositive("rekey.worker.store.vault.read-timeout", readTimeout);
        if (maxVersions < LABELLED_VERSIONS) {
            throw new IllegalArgumentException("rekey.worker.store.vault.max-versions must be at least " + LABELLED_VERSIONS
                    + " (CURRENT and PREVIOUS), was " + maxVersions);
        }
    }

    /** Settings with every default: mount {@code secret}, no prefix, PENDING under {@code rekey-pending}. */
    public static VaultKvSettings of(URI address, String token) {
        return builder(address, token).build();
    }

    public static Builder builder(URI address, String token) {
        return new Builder(address, token);
    }

    @Override
    public String toString() {
        return "VaultKvSettings[address=" + address + ", token=[redacted], namespace=" + namespace + ", mount=" + mount
                + ", pathPrefix=" + pathPrefix + ", pendingPrefix=" + pendingPrefix + ", valueField=" + valueField
                + ", openTimeout=" + openTimeout + ", readTimeout=" + readTimeout + ", maxVersions=" + maxVersions + "]";
    }

    private static void requirePath(String setting, String value) {
        if (value == null || !PATH.matcher(value).matches()) {
            throw new IllegalArgumentException(setting + " must be a Vault path such as 'secret' or 'team/kv' (letters,"
                    + " digits and ._~@+=,:- between single slashes), was '" + value + "'");
        }
    }

    private static void requirePositive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be a positive duration, was " + value);
        }
    }

    /** The optional settings, each starting at its default. */
    public static final class Builder {
        private final URI address;
        private final String token;
        private String namespace;
        private String mount = "secret";
        private String pathPrefix = "";
        private String pendingPrefix = "rekey-pending";
        private String valueField = "value";
        private Duration openTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private int maxVersions = 10;

        private Builder(URI address, String token) {
            this.address = address;
            this.token = token;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder mount(String mount) {
            this.mount = mount;
            return this;
        }

        public Builder pathPrefix(String pathPrefix) {
            this.pathPrefix = pathPrefix;
            return this;
        }

        public Builder pendingPrefix(String pendingPrefix) {
            this.pendingPrefix = pendingPrefix;
            return this;
        }

        public Builder valueField(String valueField) {
            this.valueField = valueField;
            return this;
        }

        public Builder timeouts(Duration openTimeout, Duration readTimeout) {
            this.openTimeout = openTimeout;
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder maxVersions(int maxVersions) {
            this.maxVersions = maxVersions;
            return this;
        }

        public VaultKvSettings build() {
            return new VaultKvSettings(address, token, namespace, mount, pathPrefix, pendingPrefix, valueField,
                    openTimeout, readTimeout, maxVersions);
        }
    }
}
