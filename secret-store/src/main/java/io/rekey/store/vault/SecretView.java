package io.rekey.store.vault;

import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * One rekey secret read from its two KV keys, without values: the main key, whose versions are the secret's
 * CURRENT, PREVIOUS and older versions, and the staging key, whose latest live version (if its id is recorded
 * and not already a main version) is PENDING. Labels follow from Vault's own version order: CURRENT is the
 * main key's latest version, PREVIOUS the one before it; each only while Vault still serves its value.
 */
final class SecretView {

    private final String path;
    private final KvKey main;
    private final KvKey staging;
    /** Live main versions and their ids, oldest first. */
    private final NavigableMap<Long, String> mainIds = new TreeMap<>();
    private final Pending pending;

    /** The version a rotation wrote ahead: its rekey id and its version in the staging key. */
    record Pending(String versionId, long kvVersion) {
    }

    private SecretView(String path, KvKey main, KvKey staging) {
        this.path = path;
        this.main = main;
        this.staging = staging;
        if (main != null) {
            main.live().forEach(version -> mainIds.put(version, VersionIds.idOf(main, version)));
        }
        this.pending = pendingOf(staging);
    }

    static SecretView of(String path, Optional<KvKey> main, Optional<KvKey> staging) {
        return new SecretView(path, main.orElse(null), staging.orElse(null));
    }

    private Pending pendingOf(KvKey staging) {
        if (staging == null || staging.liveLatest().isEmpty()) {
            return null;
        }
        String id = VersionIds.recorded(staging).get(staging.currentVersion());
        return id == null || isMainVersion(id) ? null : new Pending(id, staging.currentVersion());
    }

    /** Empty when Vault has neither a version of the secret nor a pending one. */
    Optional<SecretMetadata> metadata() {
        if (!mainExists() && pending == null) {
            return Optional.empty();
        }
        List<String> versionIds = new ArrayList<>(mainIds.values());
        Map<Label, String> labels = new EnumMap<>(Label.class);
        current().ifPresent(version -> labels.put(Label.CURRENT, mainIds.get(version)));
        previous().ifPresent(version -> labels.put(Label.PREVIOUS, mainIds.get(version)));
        if (pending != null) {
            versionIds.add(pending.versionId());
            labels.put(Label.PENDING, pending.versionId());
        }
        return Optional.of(new SecretMetadata(path, versionIds, labels));
    }

    String path() {
        return path;
    }

    /** The id of the CURRENT version, or null if there is none. */
    String currentId() {
        return current().isPresent() ? mainIds.get(current().getAsLong()) : null;
    }

    Set<Label> labelsOf(String versionId) {
        Set<Label> labels = EnumSet.noneOf(Label.class);
        OptionalLong version = mainVersionOf(versionId);
        if (version.isPresent() && version.equals(current())) {
            labels.add(Label.CURRENT);
        }
        if (version.isPresent() && version.equals(previous())) {
            labels.add(Label.PREVIOUS);
        }
        if (pending != null && pending.versionId().equals(versionId)) {
            labels.add(Label.PENDING);
        }
        return labels;
    }

    /** The live main version with this id. */
    OptionalLong mainVersionOf(String versionId) {
        return mainIds.entrySet().stream().filter(e -> e.getValue().equals(versionId))
                .mapToLong(Map.Entry::getKey).findFirst();
    }

    boolean isMainVersion(String versionId) {
        return mainVersionOf(versionId).isPresent();
    }

    Optional<Pending> pending() {
        return Optional.ofNullable(pending);
    }

    boolean isPending(String versionId) {
        return pending != null && pending.versionId().equals(versionId);
    }

    /** Whether the main key has ever had a version: a create-only write would be refused. */
    boolean mainExists() {
        return main != null && main.currentVersion() > 0;
    }

    /** The check-and-set version for the next main write: Vault's current version, 0 if the key is new. */
    long mainCas() {
        return main == null ? 0 : main.currentVersion();
    }

    long stagingCas() {
        return staging == null ? 0 : staging.currentVersion();
    }

    Optional<KvKey> main() {
        return Optional.ofNullable(main);
    }

    /** The latest main version if Vault serves it but no id was recorded for it: a foreign or interrupted write. */
    OptionalLong unrecordedLatest() {
        if (main == null || main.liveLatest().isEmpty()
                || VersionIds.recorded(main).containsKey(main.currentVersion())) {
            return OptionalLong.empty();
        }
        return main.liveLatest();
    }

    /**
     * The latest staging version if Vault serves it but it is not PENDING: written ahead by a call that never
     * returned (its id is unrecorded), or left behind by a promotion that already copied it.
     */
    OptionalLong unclaimedStaging() {
        if (staging == null || staging.liveLatest().isEmpty() || pending != null) {
            return OptionalLong.empty();
        }
        return staging.liveLatest();
    }

    private OptionalLong current() {
        return main == null ? OptionalLong.empty() : main.liveLatest();
    }

    /** The version CURRENT left when it last moved: every move of CURRENT is a new KV version. */
    private OptionalLong previous() {
        if (main == null || main.currentVersion() < 2 || !main.isLive(main.currentVersion() - 1)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(main.currentVersion() - 1);
    }
}
