package io.rekey.store.vault;

import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.StoreConflictException;
import io.rekey.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * rekey's secrets in a Vault KV version 2 engine, through vault-java-driver ({@code engineVersion(2)}).
 *
 * <h2>Mapping</h2>
 * Every rekey version is a KV version. A secret at rekey path {@code p} is the KV key {@code <path-prefix>/p}
 * of the mount (its <em>main key</em>): CURRENT is the main key's latest version, PREVIOUS the one before it.
 * rekey's caller-chosen version ids are recorded in the key's {@code custom_metadata} as
 * {@code rekey-version-<kv version> = <id>} ({@link VersionIds}); writing metadata creates no version. Labels
 * are not stored: they follow from Vault's own version order, which no writer can leave inconsistent, so a
 * person's {@code vault kv put} moves CURRENT exactly as it moves what applications read (a manual write, as
 * in AWS) and its version is named {@code kv:<kv version>}. A version a person deleted or destroyed has no label.
 *
 * <h2>PENDING is written elsewhere</h2>
 * KV readers get the latest version unless they name another, and Vault Agent templates, External Secrets,
 * the CSI provider and {@code vault kv get} all default to it. A rotation's PENDING version is not valid at its
 * target until it is deployed and verified, so it is written ahead to a separate key, {@code <pending-prefix>/
 * <path-prefix>/p} (the <em>staging key</em>), and copied to the main key as a new version on promotion; the
 * staging copy is then destroyed, as is a discarded one. Applications therefore read Vault as usual:
 * <ul>
 *   <li>CURRENT: the latest version of the main key;</li>
 *   <li>PREVIOUS (during a grace period): {@code ?version=} the latest's version minus one;</li>
 *   <li>which rekey version they hold: {@code custom_metadata["rekey-version-<version>"]}, which Vault returns
 *       with every data read;</li>
 *   <li>never the pending prefix: their policies should not cover it (a policy on a whole mount does, unless it
 *       denies {@code <mount>/data/<pending-prefix>/*}: a path prefix for rekey's secrets avoids the question).</li>
 * </ul>
 * rekey's own token needs create, read and update on both keys' {@code data/} paths, read and update on their
 * {@code metadata/} paths and update on the staging key's {@code destroy/} path; read on {@code <mount>/config}
 * is optional (see below).
 *
 * <h2>Compare-and-set</h2>
 * Every data write carries {@code options.cas}, the key's current version as just read ({@code 0} for a new
 * key). Vault's 400 "check-and-set parameter did not match the current version" means someone wrote in
 * between: the operation looks again and decides again, so a race that does not change the answer (the same
 * write-ahead landing twice) succeeds and one that moved CURRENT is a {@link StoreConflictException}. Vault
 * cannot compare-and-set metadata: rekey relies on one writer per secret (one Kafka partition per secret) and
 * re-reads a key's metadata right before writing it, carrying over entries it does not own.
 *
 * <h2>Crashes</h2>
 * A data write and the metadata write recording its id are two requests. A latest version without an id is
 * taken as the interrupted write of the call that finds it only if it holds exactly that call's value
 * (compared in constant time); otherwise it is someone else's. An unrecorded staging version was never
 * acknowledged, so nothing was deployed with it: the next write-ahead replaces and destroys it.
 *
 * <h2>max_versions</h2>
 * Vault prunes the oldest versions beyond {@code max_versions} (the key's, else the mount's, else 10). CURRENT
 * and PREVIOUS are the two newest, so any limit of at least 2 keeps them; before a main write that a lower
 * limit would make prune PREVIOUS, the key's {@code max_versions} is raised to {@code rekey.worker.store.vault.max-versions}
 * (never lowered). A mount whose {@code config} the token may not read is assumed to keep Vault's default.
 *
 * <p>A value reaches the driver only as the data of a write and never an exception message or a log line;
 * neither does the token. The driver retries nothing: Vault out of reach or answering 5xx is a retryable
 * {@link StoreUnavailableException}, a 403 a {@link VaultAccessDeniedException}.
 */
public final class VaultKvSecretStore implements SecretStore {

    private static final Logger LOG = LoggerFactory.getLogger(VaultKvSecretStore.class);
    /** Reads and writes per call before a secret that keeps changing is reported as a conflict. */
    private static final int ATTEMPTS = 3;
    private static final int VAULT_DEFAULT_MAX_VERSIONS = 10;

    private final VaultKvSettings settings;
    private final KvClient kv;

    public VaultKvSecretStore(VaultKvSettings settings) {
        this(settings, Clock.systemUTC());
    }

    VaultKvSecretStore(VaultKvSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.kv = new KvClient(settings, clock);
    }

    @Override
    public Optional<SecretMetadata> describe(String path) {
        return view(keysOf(path)).metadata();
    }

    @Override
    public Optional<SecretValue> read(String path, String versionId) {
        Objects.requireNonNull(versionId, "versionId must not be null");
        Keys keys = keysOf(path);
        return valueOf(view(keys), keys, versionId);
    }

    /** One look at the labels, then one read of the value (the port's default would look twice). */
    @Override
    public Optional<SecretValue> read(String path, Label label) {
        Objects.requireNonNull(label, "label must not be null");
        Keys keys = keysOf(path);
        SecretView view = view(keys);
        return view.metadata().flatMap(m -> m.versionWith(label)).flatMap(versionId -> valueOf(view, keys, versionId));
    }

    private Optional<SecretValue> valueOf(SecretView view, Keys keys, String versionId) {
        OptionalLong version = view.mainVersionOf(versionId);
        if (version.isPresent()) {
            return kv.readValue(keys.main(), version.getAsLong());
        }
        return view.pending().filter(p -> p.versionId().equals(versionId))
                .flatMap(p -> kv.readValue(keys.staging(), p.kvVersion()));
    }

    @Override
    public void putCurrent(String path, String versionId, SecretValue value, String expectedCurrent) {
        VersionIds.requireValid(versionId);
        Objects.requireNonNull(value, "value must not be null");
        Keys keys = keysOf(path);
        untilDone(keys, view -> {
            if (view.isMainVersion(versionId)) {
                requireRetryOfSameWrite(view, keys, versionId, value);
                return true;
            }
            if (view.isPending(versionId)) {
                throw new IllegalStateException(versionId + " of " + path + " is PENDING: promote it rather than write it again");
            }
            if (adoptUnrecordedLatest(view, keys, versionId, value)) {
                return true;
            }
            requireCurrent(view, expectedCurrent);
            if (expectedCurrent == null && view.mainExists()) {
                throw new StoreConflictException(path + " already exists in Vault (all its versions may be deleted):"
                        + " a create must not overwrite it");
            }
            return writeMain(view, keys, versionId, value);
        });
    }

    @Override
    public void putPending(String path, String versionId, SecretValue value, String expectedCurrent) {
        VersionIds.requireValid(versionId);
        Objects.requireNonNull(value, "value must not be null");
        Keys keys = keysOf(path);
        untilDone(keys, view -> {
            if (view.isPending(versionId)) {
                return true; // the stored value wins: a resumed rotation never replaces it
            }
            if (view.isMainVersion(versionId)) {
                throw new IllegalStateException(versionId + " of " + path + " is already a version, not a write-ahead");
            }
            Optional<SecretView.Pending> other = view.pending();
            if (other.isPresent()) {
                throw new StoreConflictException("PENDING of " + path + " is " + other.get().versionId() + ", not " + versionId);
            }
            requireCurrent(view, expectedCurrent);
            OptionalLong unclaimed = view.unclaimedStaging();
            if (unclaimed.isPresent() && holds(keys.staging(), unclaimed.getAsLong(), value)) {
                recordId(keys.staging(), unclaimed.getAsLong(), versionId);
                return true;
            }
            OptionalLong written = kv.writeValue(keys.staging(), value, view.stagingCas());
            if (written.isEmpty()) {
                return false;
            }
            recordId(keys.staging(), written.getAsLong(), versionId);
            unclaimed.ifPresent(version -> destroyLeftover(keys, version, "a write-ahead no call acknowledged"));
            return true;
        });
    }

    @Override
    public void promote(String path, String versionId, String expectedCurrent) {
        Objects.requireNonNull(versionId, "versionId must not be null");
        Keys keys = keysOf(path);
        untilDone(keys, view -> {
            if (versionId.equals(view.currentId())) {
                view.unclaimedStaging().ifPresent(version -> destroyLeftover(keys, version, "the copy of a promoted version"));
                return true;
            }
            if (view.isPending(versionId) && view.unrecordedLatest().isPresent() && adoptInterruptedPromotion(view, keys)) {
                return true;
            }
            requireCurrent(view, expectedCurrent);
            SecretView.Pending pending = view.pending().filter(p -> p.versionId().equals(versionId))
                    .orElseThrow(() -> new IllegalStateException(versionId + " of " + path + " is not PENDING: nothing to promote"));
            Optional<SecretValue> staged = kv.readValue(keys.staging(), pending.kvVersion());
            if (staged.isEmpty()) {
                return false; // destroyed meanwhile: the next look tells what happened
            }
            try (SecretValue value = staged.get()) {
                if (!writeMain(view, keys, versionId, value)) {
                    return false;
                }
            }
            destroyLeftover(keys, pending.kvVersion(), "the copy of a promoted version");
            return true;
        });
    }

    @Override
    public void discardPending(String path, String versionId) {
        Objects.requireNonNull(versionId, "versionId must not be null");
        Keys keys = keysOf(path);
        SecretView view = view(keys);
        Optional<SecretView.Pending> pending = view.pending().filter(p -> p.versionId().equals(versionId));
        if (pending.isPresent()) {
            kv.destroy(keys.staging(), pending.get().kvVersion());
            return;
        }
        Set<Label> labels = view.labelsOf(versionId);
        if (!labels.isEmpty()) {
            throw new IllegalStateException("will not discard " + versionId + " of " + path + ": it is " + labels);
        }
        if (view.isMainVersion(versionId)) {
            throw new IllegalStateException("will not discard " + versionId + " of " + path + ": it is not PENDING but"
                    + " an earlier version");
        }
    }

    /** A version id already in the main key is fine only as the retry of the write that made it CURRENT. */
    private void requireRetryOfSameWrite(SecretView view, Keys keys, String versionId, SecretValue value) {
        OptionalLong version = view.mainVersionOf(versionId);
        if (!versionId.equals(view.currentId()) || !holds(keys.main(), version.getAsLong(), value)) {
            throw new IllegalStateException(view.path() + " already has a version " + versionId + " with another value"
                    + " or position: version ids are not reused");
        }
    }

    /** The latest main version holds exactly {@code value} but has no id: this write's own, interrupted. */
    private boolean adoptUnrecordedLatest(SecretView view, Keys keys, String versionId, SecretValue value) {
        OptionalLong latest = view.unrecordedLatest();
        if (latest.isEmpty() || !holds(keys.main(), latest.getAsLong(), value)) {
            return false;
        }
        LOG.warn("recording version id {} for version {} of {}: an earlier write of it was interrupted", versionId,
                latest.getAsLong(), keys.main());
        recordId(keys.main(), latest.getAsLong(), versionId);
        return true;
    }

    private boolean adoptInterruptedPromotion(SecretView view, Keys keys) {
        SecretView.Pending pending = view.pending().orElseThrow();
        Optional<SecretValue> staged = kv.readValue(keys.staging(), pending.kvVersion());
        if (staged.isEmpty()) {
            return false;
        }
        try (SecretValue value = staged.get()) {
            if (!adoptUnrecordedLatest(view, keys, pending.versionId(), value)) {
                return false;
            }
        }
        destroyLeftover(keys, pending.kvVersion(), "the copy of a promoted version");
        return true;
    }

    /**
     * Destroys a staging version the operation no longer needs. Its work is done when this runs, so a failure
     * is only logged: the next write-ahead or promotion of the secret destroys what is left.
     */
    private void destroyLeftover(Keys keys, long version, String what) {
        try {
            kv.destroy(keys.staging(), version);
        } catch (StoreUnavailableException e) {
            LOG.warn("could not destroy version {} of {} ({}), left for the next rotation: {}", version, keys.staging(),
                    what, e.getMessage());
        }
    }

    /**
     * One compare-and-set write to the main key and the record of its id; false if Vault's version had moved.
     * A key's first write cannot prune anything, so its limit is checked from its second write on.
     */
    private boolean writeMain(SecretView view, Keys keys, String versionId, SecretValue value) {
        Optional<Integer> raised = view.main().flatMap(this::raisedMaxVersions);
        if (raised.isPresent()) {
            LOG.info("raising max_versions of {} to {} so that Vault keeps CURRENT and PREVIOUS", keys.main(), raised.get());
            kv.writeMetadata(keys.main(), null, raised.get());
        }
        OptionalLong written = kv.writeValue(keys.main(), value, view.mainCas());
        if (written.isEmpty()) {
            return false;
        }
        recordId(keys.main(), written.getAsLong(), versionId);
        return true;
    }

    /** Records the id in the key's metadata as it is now, so that concurrent edits by others survive. */
    private void recordId(String key, long version, String versionId) {
        KvKey fresh = kv.readMetadata(key).orElseThrow(() -> new StoreConflictException(
                key + " was deleted while version " + versionId + " was being written"));
        kv.writeMetadata(key, VersionIds.record(fresh, version, versionId), null);
    }

    /**
     * The max_versions the main key needs if its effective limit (its own, else the mount's, else Vault's 10)
     * would prune PREVIOUS on the next write. A mount whose configuration the token may not read is taken to
     * have Vault's default.
     */
    private Optional<Integer> raisedMaxVersions(KvKey key) {
        if (key.maxVersions() >= VaultKvSettings.LABELLED_VERSIONS) {
            return Optional.empty();
        }
        int effective = key.maxVersions();
        if (effective == 0) {
            OptionalInt mount = kv.readMountMaxVersions();
            effective = mount.isPresent() && mount.getAsInt() > 0 ? mount.getAsInt() : VAULT_DEFAULT_MAX_VERSIONS;
        }
        return effective >= VaultKvSettings.LABELLED_VERSIONS ? Optional.empty() : Optional.of(settings.maxVersions());
    }

    private boolean holds(String key, long version, SecretValue value) {
        Optional<SecretValue> stored = kv.readValue(key, version);
        if (stored.isEmpty()) {
            return false;
        }
        try (SecretValue storedValue = stored.get()) {
            return storedValue.sameAs(value);
        }
    }

    private static void requireCurrent(SecretView view, String expectedCurrent) {
        String current = view.currentId();
        if (!Objects.equals(current, expectedCurrent)) {
            throw new StoreConflictException("CURRENT of " + view.path() + " is " + (current == null ? "none" : current)
                    + ", not " + (expectedCurrent == null ? "none" : expectedCurrent) + " as the caller last saw it");
        }
    }

    /**
     * Looks at the secret and runs {@code step}, which either finishes (true), throws, or lost a check-and-set
     * race (false): then it looks again, so a race that does not change the answer is no conflict.
     */
    private void untilDone(Keys keys, Predicate<SecretView> step) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (step.test(view(keys))) {
                return;
            }
        }
        throw new StoreConflictException(keys.path() + " changed in Vault during each of " + ATTEMPTS + " attempts to write it");
    }

    private SecretView view(Keys keys) {
        return SecretView.of(keys.path(), kv.readMetadata(keys.main()), kv.readMetadata(keys.staging()));
    }

    private Keys keysOf(String path) {
        Objects.requireNonNull(path, "path must not be null");
        if (!VaultKvSettings.PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("a secret path must be segments of letters, digits and ._~@+=,:-"
                    + " between single slashes, was '" + path + "'");
        }
        String main = settings.pathPrefix().isEmpty() ? path : settings.pathPrefix() + "/" + path;
        if (main.startsWith(settings.pendingPrefix() + "/")) {
            throw new IllegalArgumentException("secret path " + path + " lies under rekey.worker.store.vault.pending-prefix ('"
                    + settings.pendingPrefix() + "'), where rekey keeps PENDING versions");
        }
        return new Keys(path, main, settings.pendingPrefix() + "/" + main);
    }

    /** A rekey path and its two KV keys (below the mount). */
    private record Keys(String path, String main, String staging) {
    }
}
