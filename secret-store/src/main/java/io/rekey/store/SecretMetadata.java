package io.rekey.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The versions of one secret and their labels, without any value.
 *
 * @param versionIds oldest first
 * @param labels     which version carries each label
 */
public record SecretMetadata(String path, List<String> versionIds, Map<Label, String> labels) {

    public SecretMetadata {
        Objects.requireNonNull(path, "path must not be null");
        versionIds = List.copyOf(versionIds);
        labels = Map.copyOf(labels);
        for (String versionId : labels.values()) {
            if (!versionIds.contains(versionId)) {
                throw new IllegalArgumentException("label on unknown version " + versionId + " of " + path);
            }
        }
    }

    public Optional<String> versionWith(Label label) {
        return Optional.ofNullable(labels.get(label));
    }

    public Set<Label> labelsOf(String versionId) {
        return labels.entrySet().stream().filter(e -> e.getValue().equals(versionId)).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public boolean hasVersion(String versionId) {
        return versionIds.contains(versionId);
    }
}
