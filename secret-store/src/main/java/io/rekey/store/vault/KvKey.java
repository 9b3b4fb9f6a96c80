package io.rekey.store.vault;

import java.util.Map;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * What Vault's {@code GET <mount>/metadata/<path>} says about one KV v2 key: the version Vault serves as
 * latest, the versions it still holds (pruned ones are gone; deleted and destroyed ones remain, not live),
 * the key's own {@code max_versions} (0: the mount's setting) and its {@code custom_metadata}.
 */
record KvKey(long currentVersion, int maxVersions, NavigableSet<Long> versions, Set<Long> live,
             Map<String, String> customMetadata) {

    KvKey {
        versions = new TreeSet<>(versions);
        live = Set.copyOf(live);
        customMetadata = Map.copyOf(customMetadata);
        if (!versions.containsAll(live)) {
            throw new IllegalArgumentException("live versions must be held versions");
        }
    }

    boolean isLive(long version) {
        return live.contains(version);
    }

    /** The latest version, if a reader of the key would get a value from it. */
    OptionalLong liveLatest() {
        return isLive(currentVersion) ? OptionalLong.of(currentVersion) : OptionalLong.empty();
    }
}
