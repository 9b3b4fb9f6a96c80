package io.rekey.store;

import io.rekey.store.SecretValue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A {@link SecretStore} in memory for engine tests; it passes {@link SecretStoreContract} like the real ones. */
public final class InMemorySecretStore implements SecretStore {

    private record Secret(Map<String, byte[]> versions, Map<Label, String> labels) { }

    private final Map<String, Secret> secrets = new HashMap<>();

    @Override
    public synchronized Optional<SecretMetadata> describe(String path) {
        Secret s = secrets.get(path);
        return s == null ? Optional.empty() : Optional.of(new SecretMetadata(path, new ArrayList<>(s.versions().keySet()), s.labels()));
    }

    @Override
    public synchronized Optional<SecretValue> read(String path, String versionId) {
        Secret s = secrets.get(path);
        return s == null || !s.versions().containsKey(versionId) ? Optional.empty() : Optional.of(SecretValue.ofUtf8(s.versions().get(versionId)));
    }

    @Override
    public synchronized void putCurrent(String path, String versionId, SecretValue value, String expectedCurrent) {
        Secret s = secretFor(path, expectedCurrent);
        if (s.versions().containsKey(versionId)) {
            throw new StoreConflictException("version exists");
        }
        s.versions().put(versionId, value.utf8());
        String current = s.labels().get(Label.CURRENT);
        if (current != null) {
            s.labels().put(Label.PREVIOUS, current);
        }
        s.labels().put(Label.CURRENT, versionId);
    }

    @Override
    public synchronized void putPending(String path, String versionId, SecretValue value, String expectedCurrent) {
        Secret s = secretFor(path, expectedCurrent);
        String pending = s.labels().get(Label.PENDING);
        if (versionId.equals(pending)) {
            return;
        }
        if (pending != null || s.versions().containsKey(versionId)) {
            throw new StoreConflictException("PENDING is on version " + pending);
        }
        s.versions().put(versionId, value.utf8());
        s.labels().put(Label.PENDING, versionId);
    }

    @Override
    public synchronized void promote(String path, String versionId, String expectedCurrent) {
        Secret s = secrets.get(path);
        if (s == null) {
            throw new StoreConflictException(path + " does not exist");
        }
        String current = s.labels().get(Label.CURRENT);
        if (versionId.equals(current)) {
            return;
        }
        if (!Objects.equals(current, expectedCurrent) || !versionId.equals(s.labels().get(Label.PENDING))) {
            throw new StoreConflictException("CURRENT of " + path + " is " + current + ", expected " + expectedCurrent);
        }
        s.labels().remove(Label.PENDING);
        if (current != null) {
            s.labels().put(Label.PREVIOUS, current);
        }
        s.labels().put(Label.CURRENT, versionId);
    }

    @Override
    public synchronized void discardPending(String path, String versionId) {
        Secret s = secrets.get(path);
        if (s == null || !s.versions().containsKey(versionId)) {
            return;
        }
        if (versionId.equals(s.labels().get(Label.CURRENT)) || versionId.equals(s.labels().get(Label.PREVIOUS))) {
            throw new IllegalStateException("version " + versionId + " is labelled");
        }
        s.versions().remove(versionId);
        s.labels().values().remove(versionId);
        if (s.versions().isEmpty()) {
            secrets.remove(path);
        }
    }

    /** Every stored value, for leak checks. */
    public synchronized List<String> allValues() {
        List<String> values = new ArrayList<>();
        secrets.values().forEach(s -> s.versions().values().forEach(v -> values.add(new String(v, java.nio.charset.StandardCharsets.UTF_8))));
        return values;
    }

    private Secret secretFor(String path, String expectedCurrent) {
        Secret s = secrets.get(path);
        if (s == null) {
            if (expectedCurrent != null) {
                throw new StoreConflictException(path + " does not exist");
            }
            s = new Secret(new LinkedHashMap<>(), new EnumMap<>(Label.class));
            secrets.put(path, s);
        }
        String current = s.labels().get(Label.CURRENT);
        if (!Objects.equals(current, expectedCurrent)) {
            throw new StoreConflictException("CURRENT of " + path + " is " + current + ", expected " + expectedCurrent);
        }
        return s;
    }
}
