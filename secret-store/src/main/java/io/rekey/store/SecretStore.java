package io.rekey.store;

import io.rekey.store.SecretValue;

import java.util.Optional;

/**
 * Where credentials live, with versions and AWS-style labels (see {@link Label}). Version ids are chosen by
 * the caller: a rotation's new version id is its rotationId, so a retried or resumed rotation finds its own
 * write-ahead value again.
 *
 * <p>Every write is compare-and-set on the CURRENT version the caller last saw: if another writer moved
 * CURRENT meanwhile, the write fails with {@link StoreConflictException} and changes nothing. Failures
 * to reach the store are {@link StoreUnavailableException} (retryable). No method puts a value in an
 * exception message or a log line.
 */
public interface SecretStore {

    /** Versions and labels of the secret at {@code path}; empty if there is no such secret. */
    Optional<SecretMetadata> describe(String path);

    /** The value of one version; empty if the secret or the version does not exist. */
    Optional<SecretValue> read(String path, String versionId);

    /** The value of the version carrying {@code label}; empty if none does. */
    default Optional<SecretValue> read(String path, Label label) {
        return describe(path).flatMap(m -> m.versionWith(label)).flatMap(v -> read(path, v));
    }

    /**
     * Writes {@code value} as version {@code versionId} labelled CURRENT (a manual write or the first value of
     * a new secret); the old CURRENT becomes PREVIOUS. {@code expectedCurrent} is the CURRENT version the caller
     * saw, or {@code null} to create a secret that must not exist yet.
     */
    void putCurrent(String path, String versionId, SecretValue value, String expectedCurrent);

    /**
     * Write-ahead of a rotation: stores {@code value} as version {@code versionId} labelled PENDING, provided
     * CURRENT is still {@code expectedCurrent}. Calling it again for a version that already exists with the
     * PENDING label changes nothing (the stored value wins: a resumed rotation never replaces it). Fails if
     * PENDING is on another version. {@code expectedCurrent == null} means the secret has no CURRENT version
     * (it may not exist yet): the first rotation of a credential rekey never stored creates the secret with
     * only the PENDING version.
     */
    void putPending(String path, String versionId, SecretValue value, String expectedCurrent);

    /**
     * Moves CURRENT to {@code versionId} (which must carry PENDING), PREVIOUS to the version CURRENT leaves,
     * and removes PENDING, provided CURRENT is still {@code expectedCurrent} ({@code null}: there is no CURRENT,
     * and none becomes PREVIOUS). Does nothing if {@code versionId} is already CURRENT.
     */
    void promote(String path, String versionId, String expectedCurrent);

    /**
     * Rolls back a write-ahead: removes the PENDING version {@code versionId} and its value. Does nothing if it
     * does not exist; refuses to remove a version labelled CURRENT or PREVIOUS.
     */
    void discardPending(String path, String versionId);
}
