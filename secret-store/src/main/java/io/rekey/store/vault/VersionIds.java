package io.rekey.store.vault;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * rekey's version ids in a KV key's {@code custom_metadata}: {@code rekey-version-<kv version>} = version id.
 * A version whose id was never recorded (written by a person or another tool) is called {@code kv:<kv version>}.
 * Vault allows 64 custom_metadata keys of 128 bytes with values of 512 bytes, and keeps keys it was not sent
 * only if they are sent back: so entries rekey does not own are always carried over, and rekey keeps ids for
 * the newest {@value #MAX_RECORDED} versions at most.
 */
final class VersionIds {

    static final String KEY_PREFIX = "rekey-version-";
    static final String UNRECORDED_PREFIX = "kv:";
    static final int MAX_RECORDED = 32;
    private static final int VAULT_MAX_KEYS = 64;
    private static final int VAULT_MAX_VALUE_BYTES = 512;

    private VersionIds() {
    }

    /** Refuses ids Vault cannot store, and the names rekey gives versions it did not write. */
    static void requireValid(String versionId) {
        Objects.requireNonNull(versionId, "versionId must not be null");
        if (versionId.isBlank() || versionId.getBytes(StandardCharsets.UTF_8).length > VAULT_MAX_VALUE_BYTES
                || versionId.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a version id must be 1 to " + VAULT_MAX_VALUE_BYTES
                    + " bytes of printable text, was '" + versionId + "'");
        }
        if (versionId.startsWith(UNRECORDED_PREFIX)) {
            throw new IllegalArgumentException("version ids starting with '" + UNRECORDED_PREFIX
                    + "' name KV versions rekey did not write; choose another id than '" + versionId + "'");
        }
    }

    /** The ids recorded for versions Vault still holds, oldest first. */
    static NavigableMap<Long, String> recorded(KvKey key) {
        NavigableMap<Long, String> ids = new TreeMap<>();
        key.customMetadata().forEach((name, id) -> versionOfKey(name).ifPresent(version -> {
            if (key.versions().contains(version)) {
                ids.put(version, id);
            }
        }));
        return ids;
    }

    /** The id of a held version: recorded, or its {@code kv:} name. */
    static String idOf(KvKey key, long version) {
        return key.customMetadata().getOrDefault(KEY_PREFIX + version, UNRECORDED_PREFIX + version);
    }

    /**
     * The key's custom_metadata with {@code versionId} recorded for {@code version}: entries rekey does not own
     * are kept as they are; ids of versions Vault no longer holds, and the oldest beyond the limit, are dropped.
     */
    static Map<String, String> record(KvKey key, long version, String versionId) {
        Map<String, String> custom = new LinkedHashMap<>();
        key.customMetadata().forEach((name, value) -> {
            if (versionOfKey(name).isEmpty()) {
                custom.put(name, value);
            }
        });
        NavigableMap<Long, String> ids = recorded(key);
        ids.values().remove(versionId);
        ids.put(version, versionId);
        int room = Math.min(MAX_RECORDED, VAULT_MAX_KEYS - custom.size());
        if (room < 1) {
            throw new IllegalStateException("custom_metadata has " + custom.size() + " entries that are not rekey's;"
                    + " Vault allows " + VAULT_MAX_KEYS + " and rekey needs one to record version " + versionId);
        }
        ids.descendingMap().entrySet().stream().limit(room)
                .forEach(entry -> custom.put(KEY_PREFIX + entry.getKey(), entry.getValue()));
        return custom;
    }

    private static OptionalLong versionOfKey(String name) {
        return name.startsWith(KEY_PREFIX) ? parse(name.substring(KEY_PREFIX.length())) : OptionalLong.empty();
    }

    private static OptionalLong parse(String digits) {
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(digits));
    }
}
