package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The KV secrets engine, version 2, as documented in Vault's API reference ("KV Secrets Engine - Version 2")
 * and as its plugin behaves: versions with check-and-set, soft delete, destroy, key metadata with
 * {@code custom_metadata}, listing, and the oldest versions pruned beyond {@code max_versions}. Not modelled:
 * {@code delete_version_after} timers (the setting is stored and echoed), PATCH, subkeys, undelete's ACLs.
 */
final class KvV2Backend implements VaultBackend {

    static final String CAS_MISMATCH = "check-and-set parameter did not match the current version";
    static final String CAS_REQUIRED = "check-and-set parameter required for this call";
    private static final int DEFAULT_MAX_VERSIONS = 10;
    private static final int MAX_CUSTOM_METADATA_KEYS = 64;
    private static final int MAX_CUSTOM_METADATA_KEY_BYTES = 128;
    private static final int MAX_CUSTOM_METADATA_VALUE_BYTES = 512;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Clock clock;
    private final NavigableMap<String, Key> keys = new TreeMap<>();
    private int mountMaxVersions;
    private boolean mountCasRequired;
    private String mountDeleteVersionAfter = "0s";

    KvV2Backend(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized VaultReply handle(VaultRequest request) {
        String path = request.path();
        if (path.equals("config")) {
            return config(request);
        }
        if (path.equals("metadata") || path.startsWith("metadata/")) {
            return metadata(request, path.equals("metadata") ? "" : path.substring("metadata/".length()));
        }
        int slash = path.indexOf('/');
        String key = slash < 0 ? "" : path.substring(slash + 1);
        if (slash < 0 || key.isEmpty() || key.endsWith("/")) {
            return unsupportedPath();
        }
        return switch (path.substring(0, slash)) {
            case "data" -> data(request, key);
            case "delete", "undelete", "destroy" -> request.operation() == VaultRequest.Operation.UPDATE
                    ? versions(path.substring(0, slash), key, request.body()) : unsupportedOperation();
            default -> unsupportedPath();
        };
    }

    private VaultReply config(VaultRequest request) {
        switch (request.operation()) {
            case READ -> {
                ObjectNode data = JSON.objectNode();
                data.put("cas_required", mountCasRequired);
                data.put("delete_version_after", mountDeleteVersionAfter);
                data.put("max_versions", mountMaxVersions);
                return VaultReply.ok(data);
            }
            case UPDATE -> {
                JsonNode body = request.body();
                if (body.has("max_versions")) {
                    if (!body.get("max_versions").canConvertToInt() || body.get("max_versions").asInt() < 0) {
                        return VaultReply.badRequest("max_versions must be a non-negative integer");
                    }
                    mountMaxVersions = body.get("max_versions").asInt();
                }
                if (body.has("cas_required")) {
                    mountCasRequired = body.get("cas_required").asBoolean();
                }
                if (body.has("delete_version_after")) {
                    mountDeleteVersionAfter = body.get("delete_version_after").asText();
                }
                return VaultReply.noContent();
            }
            default -> {
                return unsupportedOperation();
            }
        }
    }

    private VaultReply data(VaultRequest request, String path) {
        return switch (request.operation()) {
            case READ -> readData(path, request.query().get("version"));
            case UPDATE -> writeData(path, request.body());
            case DELETE -> {
                Key key = keys.get(path);
                Version latest = key == null ? null : key.versions.get(key.currentVersion);
                if (latest != null && latest.isLive()) {
                    latest.deletionTime = clock.instant();
                }
                yield VaultReply.noContent();
            }
            case LIST -> unsupportedOperation();
        };
    }

    private VaultReply readData(String path, String versionParam) {
        Key key = keys.get(path);
        if (key == null) {
            return VaultReply.notFound();
        }
        long number = key.currentVersion;
        if (versionParam != null && !versionParam.isEmpty()) {
            try {
                long requested = Long.parseLong(versionParam);
                if (requested > 0) {
                    number = requested;
                }
            } catch (NumberFormatException e) {
                return VaultReply.badRequest("error converting input for field \"version\": invalid syntax");
            }
        }
        Version version = key.versions.get(number);
        if (version == null) {
            return VaultReply.notFound();
        }
        ObjectNode data = JSON.objectNode();
        data.set("data", version.isLive() ? version.data.deepCopy() : JSON.nullNode());
        data.set("metadata", versionMetadata(key, number, version));
        return version.isLive() ? VaultReply.ok(data) : VaultReply.notFound(data);
    }

    private VaultReply writeData(String path, JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            return VaultReply.badRequest("no data provided");
        }
        Key key = keys.get(path);
        long current = key == null ? 0 : key.currentVersion;
        JsonNode cas = body.path("options").get("cas");
        if (cas != null) {
            Long expected = cas.canConvertToLong() ? Long.valueOf(cas.asLong()) : parseLong(cas.asText());
            if (expected == null) {
                return VaultReply.badRequest("error parsing check-and-set parameter");
            }
            if (expected != current) {
                return VaultReply.badRequest(CAS_MISMATCH);
            }
        } else if (mountCasRequired || key != null && key.casRequired) {
            return VaultReply.badRequest(CAS_REQUIRED);
        }
        if (key == null) {
            key = new Key(clock.instant());
            keys.put(path, key);
        }
        long number = addVersion(key, new Version(clock.instant(), data.deepCopy()));
        return VaultReply.ok(versionMetadata(key, number, key.versions.get(number)));
    }

    /** Vault's sliding window: once more than max_versions exist, the oldest are removed for good. */
    private long addVersion(Key key, Version version) {
        key.currentVersion++;
        key.versions.put(key.currentVersion, version);
        key.updatedTime = version.createdTime;
        int maxVersions = key.maxVersions != 0 ? key.maxVersions
                : mountMaxVersions > 0 ? mountMaxVersions : DEFAULT_MAX_VERSIONS;
        if (key.currentVersion - key.oldestVersion >= maxVersions) {
            long newestToDelete = key.currentVersion - maxVersions;
            key.versions.headMap(newestToDelete, true).clear();
            key.oldestVersion = newestToDelete + 1;
        }
        return key.currentVersion;
    }

    private VaultReply metadata(VaultRequest request, String path) {
        if (request.operation() == VaultRequest.Operation.LIST) {
            return list(path);
        }
        if (path.isEmpty() || path.endsWith("/")) {
            return unsupportedPath();
        }
        return switch (request.operation()) {
            case READ -> keys.containsKey(path) ? VaultReply.ok(keyMetadata(keys.get(path))) : VaultReply.notFound();
            case UPDATE -> writeMetadata(path, request.body());
            case DELETE -> {
                keys.remove(path);
                yield VaultReply.noContent();
            }
            case LIST -> throw new AssertionError("handled above");
        };
    }

    private VaultReply list(String path) {
        String folder = path.isEmpty() || path.endsWith("/") ? path : path + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String key : keys.tailMap(folder, true).keySet()) {
            if (!key.startsWith(folder)) {
                break;
            }
            String rest = key.substring(folder.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        if (names.isEmpty()) {
            return VaultReply.notFound();
        }
        ObjectNode data = JSON.objectNode();
        names.forEach(data.putArray("keys")::add);
        return VaultReply.ok(data);
    }

    /** Sets what the body names and keeps the rest, like Vault; custom_metadata is replaced as a whole. */
    private VaultReply writeMetadata(String path, JsonNode body) {
        JsonNode maxVersions = body.get("max_versions");
        JsonNode casRequired = body.get("cas_required");
        JsonNode deleteVersionAfter = body.get("delete_version_after");
        JsonNode customMetadata = body.get("custom_metadata");
        if (maxVersions == null && casRequired == null && deleteVersionAfter == null && customMetadata == null) {
            return VaultReply.noContent();
        }
        if (maxVersions != null && (!maxVersions.canConvertToInt() || maxVersions.asInt() < 0)) {
            return VaultReply.badRequest("max_versions must be a non-negative integer");
        }
        Map<String, String> custom = null;
        if (customMetadata != null) {
            if (!customMetadata.isObject()) {
                return VaultReply.badRequest("custom_metadata validation failed: expected a map of strings");
            }
            custom = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> entry : customMetadata.properties()) {
                custom.put(entry.getKey(), entry.getValue().isNull() ? "" : entry.getValue().asText());
            }
            List<String> errors = validateCustomMetadata(custom);
            if (!errors.isEmpty()) {
                return VaultReply.error(400, errors.toArray(String[]::new));
            }
        }
        Key key = keys.computeIfAbsent(path, p -> new Key(clock.instant()));
        if (maxVersions != null) {
            key.maxVersions = maxVersions.asInt();
        }
        if (casRequired != null) {
            key.casRequired = casRequired.asBoolean();
        }
        if (deleteVersionAfter != null) {
            key.deleteVersionAfter = deleteVersionAfter.asText();
        }
        if (custom != null) {
            key.customMetadata = custom;
        }
        key.updatedTime = clock.instant();
        return VaultReply.noContent();
    }

    private static List<String> validateCustomMetadata(Map<String, String> custom) {
        String prefix = "custom_metadata validation failed: ";
        if (custom.size() > MAX_CUSTOM_METADATA_KEYS) {
            return List.of(prefix + "payload must contain at most " + MAX_CUSTOM_METADATA_KEYS + " keys, provided "
                    + custom.size());
        }
        List<String> errors = new ArrayList<>();
        custom.forEach((name, value) -> {
            int keyLength = name.getBytes(StandardCharsets.UTF_8).length;
            int valueLength = value.getBytes(StandardCharsets.UTF_8).length;
            if (keyLength == 0 || keyLength > MAX_CUSTOM_METADATA_KEY_BYTES) {
                errors.add(prefix + "length of key \"" + name + "\" is " + keyLength + " but must be 0 < len(key) <= "
                        + MAX_CUSTOM_METADATA_KEY_BYTES);
            }
            if (valueLength == 0 || valueLength > MAX_CUSTOM_METADATA_VALUE_BYTES) {
                errors.add(prefix + "length of value for key \"" + name + "\" is " + valueLength
                        + " but must be 0 < len(value) <= " + MAX_CUSTOM_METADATA_VALUE_BYTES);
            }
            if (!printable(name) || !printable(value)) {
                errors.add(prefix + "key \"" + name + "\" or its value contains unprintable characters");
            }
        });
        return errors;
    }

    private static boolean printable(String text) {
        return text.codePoints().noneMatch(Character::isISOControl);
    }

    /** delete, undelete and destroy: the versions named in the body; unknown versions are ignored. */
    private VaultReply versions(String action, String path, JsonNode body) {
        JsonNode requested = body.get("versions");
        if (requested == null || !requested.isArray() || requested.isEmpty()) {
            return VaultReply.badRequest("no version number provided");
        }
        Key key = keys.get(path);
        if (key == null) {
            return VaultReply.noContent();
        }
        for (JsonNode number : requested) {
            Version version = key.versions.get(number.asLong());
            if (version == null || version.destroyed) {
                continue;
            }
            switch (action) {
                case "delete" -> version.deletionTime = version.deletionTime == null ? clock.instant() : version.deletionTime;
                case "undelete" -> version.deletionTime = null;
                default -> {
                    version.destroyed = true;
                    version.data = null;
                }
            }
        }
        return VaultReply.noContent();
    }

    private ObjectNode keyMetadata(Key key) {
        ObjectNode versions = JSON.objectNode();
        key.versions.forEach((number, version) -> {
            ObjectNode entry = versions.putObject(Long.toString(number));
            entry.put("created_time", version.createdTime.toString());
            entry.put("deletion_time", version.deletionTime == null ? "" : version.deletionTime.toString());
            entry.put("destroyed", version.destroyed);
        });
        ObjectNode data = JSON.objectNode();
        data.put("cas_required", key.casRequired);
        data.put("created_time", key.createdTime.toString());
        data.put("current_version", key.currentVersion);
        data.set("custom_metadata", customMetadata(key));
        data.put("delete_version_after", key.deleteVersionAfter);
        data.put("max_versions", key.maxVersions);
        data.put("oldest_version", key.oldestVersion);
        data.put("updated_time", key.updatedTime.toString());
        data.set("versions", versions);
        return data;
    }

    private static ObjectNode versionMetadata(Key key, long number, Version version) {
        ObjectNode metadata = JSON.objectNode();
        metadata.put("created_time", version.createdTime.toString());
        metadata.set("custom_metadata", customMetadata(key));
        metadata.put("deletion_time", version.deletionTime == null ? "" : version.deletionTime.toString());
        metadata.put("destroyed", version.destroyed);
        metadata.put("version", number);
        return metadata;
    }

    /** Vault answers null until custom_metadata was first set. */
    private static JsonNode customMetadata(Key key) {
        if (key.customMetadata == null) {
            return JSON.nullNode();
        }
        ObjectNode custom = JSON.objectNode();
        key.customMetadata.forEach(custom::put);
        return custom;
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static VaultReply unsupportedPath() {
        return VaultReply.error(404, "unsupported path");
    }

    private static VaultReply unsupportedOperation() {
        return VaultReply.error(405, "unsupported operation");
    }

    /** A key's metadata: Vault keeps it apart from the versions' data. */
    private static final class Key {
        final Instant createdTime;
        Instant updatedTime;
        long currentVersion;
        long oldestVersion;
        int maxVersions;
        boolean casRequired;
        String deleteVersionAfter = "0s";
        Map<String, String> customMetadata;
        final NavigableMap<Long, Version> versions = new TreeMap<>();

        Key(Instant createdTime) {
            this.createdTime = createdTime;
            this.updatedTime = createdTime;
        }
    }

    private static final class Version {
        final Instant createdTime;
        Instant deletionTime;
        boolean destroyed;
        JsonNode data;

        Version(Instant createdTime, JsonNode data) {
            this.createdTime = createdTime;
            this.data = data;
        }

        boolean isLive() {
            return deletionTime == null && !destroyed;
        }
    }
}
