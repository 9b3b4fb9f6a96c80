package io.rekey.store.vault;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionIdsTest {

    @Test
    void recordingKeepsOtherEntriesAndDropsIdsOfVersionsVaultNoLongerHolds() {
        KvKey key = key(Set.of(4L, 5L), Map.of("owner", "team-a", "rekey-version-3", "old", "rekey-version-4", "v4"));

        Map<String, String> custom = VersionIds.record(key, 5, "v5");

        assertThat(custom).isEqualTo(Map.of("owner", "team-a", "rekey-version-4", "v4", "rekey-version-5", "v5"));
    }

    @Test
    void keepsTheNewestIdsWithinVaultsLimitOf64Keys() {
        Map<String, String> custom = new HashMap<>();
        LongStream.rangeClosed(1, 40).forEach(v -> custom.put("rekey-version-" + v, "id-" + v));
        LongStream.rangeClosed(1, 50).forEach(i -> custom.put("team-" + i, "x"));
        KvKey key = key(LongStream.rangeClosed(1, 41).boxed().collect(Collectors.toSet()), custom);

        Map<String, String> recorded = VersionIds.record(key, 41, "id-41");

        assertThat(recorded).hasSize(64).containsEntry("rekey-version-41", "id-41").containsEntry("rekey-version-28", "id-28")
                .doesNotContainKey("rekey-version-27").containsEntry("team-50", "x");
    }

    @Test
    void refusesWhenOthersFillTheMetadata() {
        Map<String, String> custom = new HashMap<>();
        LongStream.rangeClosed(1, 64).forEach(i -> custom.put("team-" + i, "x"));

        assertThatThrownBy(() -> VersionIds.record(key(Set.of(1L), custom), 1, "v1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void unrecordedVersionsAreNamedByTheirKvVersion() {
        KvKey key = key(Set.of(1L, 2L), Map.of("rekey-version-2", "v2"));

        assertThat(VersionIds.idOf(key, 1)).isEqualTo("kv:1");
        assertThat(VersionIds.idOf(key, 2)).isEqualTo("v2");
        assertThatThrownBy(() -> VersionIds.requireValid("kv:7")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VersionIds.requireValid("x".repeat(513))).isInstanceOf(IllegalArgumentException.class);
    }

    private static KvKey key(Set<Long> versions, Map<String, String> custom) {
        TreeSet<Long> held = new TreeSet<>(versions);
        return new KvKey(held.last(), 0, held, held, custom);
    }
}
