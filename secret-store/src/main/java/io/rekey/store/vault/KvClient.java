package io.rekey.store.vault;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.api.WriteOptions;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.rest.RestResponse;
import io.rekey.store.SecretValue;
import io.rekey.store.StoreUnavailableException;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The KV v2 calls the store makes, on vault-java-driver: status codes become results or rekey's exceptions,
 * and nothing Vault sends back (which could echo what it was sent) reaches an exception message. The driver
 * does not throw on 4xx: every status is checked here. It retries nothing ({@code maxRetries} 0): a failure
 * is a {@link StoreUnavailableException} and the caller's backoff decides.
 *
 * <p>The driver has no call for a key's metadata endpoint; a second driver view in KV v1 mode sends
 * {@code GET/POST <mount>/metadata/<key>} to exactly that path.
 */
final class KvClient {

    static final String CAS_MISMATCH = "check-and-set parameter did not match the current version";

    private final String address;
    private final String mount;
    private final String valueField;
    private final Clock clock;
    private final Logical kv;
    private final Logical exactPaths;

    KvClient(VaultKvSettings settings, Clock clock) {
        this.address = withoutTrailingSlash(settings.address().toString());
        this.mount = settings.mount();
        this.valueField = settings.valueField();
        this.clock = clock;
        // One client for both views: the driver would otherwise build an HttpClient, and its threads, per request.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.openTimeout()).build();
        this.kv = Vault.create(config(settings, http).engineVersion(2)
                .prefixPathDepth(mount.split("/").length)).logical();
        this.exactPaths = Vault.create(config(settings, http).engineVersion(1)).logical();
    }

    private static VaultConfig config(VaultKvSettings settings, HttpClient http) {
        try {
            VaultConfig config = new VaultConfig().address(withoutTrailingSlash(settings.address().toString()))
                    .token(settings.token())
                    .openTimeout(seconds(settings.openTimeout())).readTimeout(seconds(settings.readTimeout()))
                    .httpClient(http);
            if (settings.namespace() != null) {
                config.nameSpace(settings.namespace());
            }
            return config.build();
        } catch (VaultException e) {
            throw new IllegalArgumentException("invalid Vault settings " + settings + ": " + e.getMessage());
        }
    }

    /** The driver appends {@code /v1/...} to the address as it is. */
    private static String withoutTrailingSlash(String address) {
        return address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
    }

    /** The driver counts whole seconds; a shorter timeout is rounded up rather than turned off. */
    private static int seconds(Duration timeout) {
        return (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    /** The key's metadata, or empty if Vault has no such key. */
    Optional<KvKey> readMetadata(String key) {
        String what = "read the metadata of";
        RestResponse response = call(what, key, () -> exactPaths.read(metadataPath(key)));
        if (isMissing(what, key, response)) {
            return Optional.empty();
        }
        requireSuccess(what, key, response);
        return Optional.of(parseMetadata(key, dataOf(what, key, response)));
    }

    /** The value of one version, or empty if Vault does not serve it (never written, pruned, deleted, destroyed). */
    Optional<SecretValue> readValue(String key, long version) {
        String what = "read version " + version + " of";
        RestResponse response = call(what, key, () -> kv.read(kvPath(key), true, Math.toIntExact(version)));
        if (response.getStatus() == 404) {
            return Optional.empty();
        }
        requireSuccess(what, key, response);
        JsonValue data = dataOf(what, key, response).get("data");
        JsonValue value = data == null || !data.isObject() ? null : data.asObject().get(valueField);
        if (value == null || !value.isString()) {
            throw new IllegalStateException("version " + version + " of " + mount + "/" + key + " has no text field '"
                    + valueField + "' (rekey.worker.store.vault.value-field)");
        }
        return Optional.of(SecretValue.of(value.asString()));
    }

    /** Writes a new version if the key's current version is still {@code cas}; empty if it is not. */
    OptionalLong writeValue(String key, SecretValue value, long cas) {
        String what = "write";
        Map<String, Object> data = Map.of(valueField, value.reveal());
        RestResponse response = call(what, key, () -> kv.write(kvPath(key), data, null,
                new WriteOptions().checkAndSet(cas).build()));
        if (response.getStatus() == 400 && errorsOf(response).contains(CAS_MISMATCH)) {
            return OptionalLong.empty();
        }
        requireSuccess(what, key, response);
        JsonValue version = dataOf(what, key, response).get("version");
        if (version == null || !version.isNumber()) {
            throw new IllegalStateException("Vault's answer to a write of " + mount + "/" + key + " has no version");
        }
        return OptionalLong.of(version.asLong());
    }

    /**
     * Sets, of the key's metadata, what is not null: custom_metadata (replaced as a whole, as Vault does) and
     * max_versions. Vault keeps what it is not sent and creates no version.
     */
    void writeMetadata(String key, Map<String, String> customMetadata, Integer maxVersions) {
        String what = "write the metadata of";
        Map<String, Object> body = new LinkedHashMap<>();
        if (customMetadata != null) {
            JsonObject custom = Json.object();
            customMetadata.forEach(custom::add);
            body.put("custom_metadata", custom);
        }
        if (maxVersions != null) {
            body.put("max_versions", maxVersions);
        }
        RestResponse response = call(what, key, () -> exactPaths.write(metadataPath(key), body));
        if (response.getStatus() == 400) {
            // Metadata carries version ids and settings, never values: Vault's reason is safe to repeat.
            throw new IllegalStateException("Vault refused to " + what + " " + mount + "/" + key + ": " + errorsOf(response));
        }
        requireSuccess(what, key, response);
    }

    /**
     * The mount's max_versions (0: Vault's default of 10), or empty if the token may not read
     * {@code <mount>/config}.
     */
    OptionalInt readMountMaxVersions() {
        String what = "read the configuration of";
        RestResponse response = call(what, "config", () -> exactPaths.read(mount + "/config"));
        if (response.getStatus() == 403) {
            return OptionalInt.empty();
        }
        requireSuccess(what, "config", response);
        JsonValue maxVersions = dataOf(what, "config", response).get("max_versions");
        return OptionalInt.of(maxVersions != null && maxVersions.isNumber() ? maxVersions.asInt() : 0);
    }

    /** Removes the data of one version for good; Vault keeps the version's metadata, marked destroyed. */
    void destroy(String key, long version) {
        call("destroy version " + version + " of", key, () -> kv.destroy(kvPath(key), new int[]{Math.toIntExact(version)}));
    }

    private String kvPath(String key) {
        return mount + "/" + key;
    }

    private String metadataPath(String key) {
        return mount + "/metadata/" + key;
    }

    private KvKey parseMetadata(String key, JsonObject data) {
        TreeSet<Long> versions = new TreeSet<>();
        Set<Long> live = new HashSet<>();
        JsonValue versionsValue = data.get("versions");
        if (versionsValue != null && versionsValue.isObject()) {
            Instant now = clock.instant();
            for (JsonObject.Member member : versionsValue.asObject()) {
                long version = Long.parseLong(member.getName());
                versions.add(version);
                if (isLive(member.getValue().asObject(), now)) {
                    live.add(version);
                }
            }
        }
        Map<String, String> custom = new HashMap<>();
        JsonValue customValue = data.get("custom_metadata");
        if (customValue != null && customValue.isObject()) {
            for (JsonObject.Member member : customValue.asObject()) {
                custom.put(member.getName(), member.getValue().isString() ? member.getValue().asString() : member.getValue().toString());
            }
        }
        JsonValue current = data.get("current_version");
        JsonValue maxVersions = data.get("max_versions");
        if (current == null || !current.isNumber()) {
            throw new IllegalStateException("Vault's metadata of " + mount + "/" + key + " has no current_version:"
                    + " is " + mount + " a KV version 2 engine?");
        }
        return new KvKey(current.asLong(), maxVersions != null && maxVersions.isNumber() ? maxVersions.asInt() : 0,
                versions, live, custom);
    }

    /** A version is deleted once its deletion_time has passed (delete_version_after sets one in the future). */
    private static boolean isLive(JsonObject version, Instant now) {
        JsonValue destroyed = version.get("destroyed");
        if (destroyed != null && destroyed.isBoolean() && destroyed.asBoolean()) {
            return false;
        }
        JsonValue deletion = version.get("deletion_time");
        return deletion == null || !deletion.isString() || deletion.asString().isEmpty()
                || Instant.parse(deletion.asString()).isAfter(now);
    }

    private RestResponse call(String what, String key, DriverCall call) {
        try {
            return call.run().getRestResponse();
        } catch (VaultException e) {
            throw failure(what, key, e);
        }
    }

    /**
     * The driver throws for 5xx, 412 and transport failures (and for any status but 204 from destroy). Its
     * message quotes Vault's answer, so only the status and the transport cause are kept.
     */
    private RuntimeException failure(String what, String key, VaultException e) {
        int status = e.getHttpStatusCode();
        if (status == 403) {
            return accessDenied(what, key);
        }
        if (status == 0) {
            Throwable cause = transportCause(e);
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new StoreUnavailableException("cannot reach Vault at " + address + " to " + what + " " + mount + "/"
                    + key + ": " + (cause == null ? "no answer" : cause.getClass().getSimpleName()), cause);
        }
        if (status >= 500 || status == 412 || status == 429) {
            return new StoreUnavailableException("Vault at " + address + " answered HTTP " + status + " to " + what
                    + " " + mount + "/" + key, null);
        }
        return new IllegalStateException("Vault refused to " + what + " " + mount + "/" + key + ": HTTP " + status);
    }

    private static Throwable transportCause(Throwable e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof InterruptedException) {
                return cause;
            }
        }
        return null;
    }

    /** A missing key is 404 with no errors; 404 with errors means no KV engine serves the path at all. */
    private boolean isMissing(String what, String key, RestResponse response) {
        if (response.getStatus() != 404) {
            return false;
        }
        if (!errorsOf(response).isEmpty()) {
            throw new IllegalStateException("Vault has no route to " + what + " " + mount + "/" + key
                    + ": is a KV version 2 engine mounted at '" + mount + "' (rekey.worker.store.vault.mount)?");
        }
        return true;
    }

    private void requireSuccess(String what, String key, RestResponse response) {
        int status = response.getStatus();
        if (status == 200 || status == 204) {
            return;
        }
        if (status == 403) {
            throw accessDenied(what, key);
        }
        if (status == 404) {
            isMissing(what, key, response);
        }
        throw new IllegalStateException("Vault refused to " + what + " " + mount + "/" + key + ": HTTP " + status);
    }

    private VaultAccessDeniedException accessDenied(String what, String key) {
        return new VaultAccessDeniedException("Vault at " + address + " denied the request to " + what + " " + mount
                + "/" + key + " (HTTP 403): the token in rekey.worker.store.vault.token-file is missing, invalid, expired or revoked, or"
                + " its policies do not allow this on " + mount + "/");
    }

    private JsonObject dataOf(String what, String key, RestResponse response) {
        try {
            JsonValue data = Json.parse(new String(response.getBody(), StandardCharsets.UTF_8)).asObject().get("data");
            if (data != null && data.isObject()) {
                return data.asObject();
            }
        } catch (RuntimeException e) {
            // falls through: the body is not Vault's JSON, and its text is not repeated
        }
        throw new IllegalStateException("Vault's answer to " + what + " " + mount + "/" + key + " has no data object");
    }

    /** Vault's error messages, or an empty list when the body has none. */
    private static List<String> errorsOf(RestResponse response) {
        try {
            JsonValue errors = Json.parse(new String(response.getBody(), StandardCharsets.UTF_8)).asObject().get("errors");
            if (errors != null && errors.isArray()) {
                return errors.asArray().values().stream().filter(JsonValue::isString).map(JsonValue::asString).toList();
            }
        } catch (RuntimeException e) {
            // not Vault's JSON: no errors to report
        }
        return List.of();
    }

    @FunctionalInterface
    private interface DriverCall {
        LogicalResponse run() throws VaultException;
    }
}
