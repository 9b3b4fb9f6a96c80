package io.rekey.worker.engine;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.worker.registry.Descriptors;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.worker.secret.Fingerprinter;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.StoreConflictException;
import io.rekey.store.StoreUnavailableException;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetRegistry;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The phases against the real world: the registry says where the secret lives and how to rotate it, the
 * {@link SecretStore} holds the versions, a {@link RotationTarget} applies them. Store and target failures
 * become {@link RotationFailure}s: a moved CURRENT is a CONFLICT (someone wrote the secret), unreachable
 * systems are RETRYABLE, a target that refuses for good is PERMANENT.
 */
public final class StoreTargetActions implements PhaseActions {

    private final Descriptors descriptors;
    private final SecretStore store;
    private final TargetRegistry targets;
    private final CredentialGenerator generator;
    private final Fingerprinter fingerprinter;

    public StoreTargetActions(Descriptors descriptors, SecretStore store, TargetRegistry targets,
                              CredentialGenerator generator, Fingerprinter fingerprinter) {
        this.descriptors = Objects.requireNonNull(descriptors, "descriptors must not be null");
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.targets = Objects.requireNonNull(targets, "targets must not be null");
        this.generator = Objects.requireNonNull(generator, "generator must not be null");
        this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter must not be null");
    }

    @Override
    public Prepared prepare(Rotation rotation) {
        SecretDescriptor descriptor = descriptors.find(rotation.secretId())
                .orElseThrow(() -> new RefusedException(rotation.secretId() + " is not registered"));
        if (descriptor.getDeletedAt() != null) {
            throw new RefusedException(rotation.secretId() + " was deleted at " + descriptor.getDeletedAt());
        }
        validate(descriptor);
        Optional<SecretMetadata> metadata = store(() -> store.describe(descriptor.getStorePath()));
        Optional<String> pending = metadata.flatMap(m -> m.versionWith(Label.PENDING));
        if (pending.isPresent() && !pending.get().equals(rotation.rotationId())) {
            throw new RefusedException("another rotation of " + rotation.secretId() + " is in flight in the store: PENDING is on version "
                    + pending.get());
        }
        String current = metadata.flatMap(m -> m.versionWith(Label.CURRENT)).orElse(null);
        if (rotation.rotationId().equals(current)) {
            // Promoted before a crash took the events since: the version it replaced is PREVIOUS now.
            current = metadata.flatMap(m -> m.versionWith(Label.PREVIOUS)).orElse(null);
        }
        return new Prepared(current, descriptor.getType(), descriptor.getCategory());
    }

    @Override
    public String generate(Rotation rotation) {
        SecretDescriptor descriptor = descriptor(rotation);
        String path = descriptor.getStorePath();
        Optional<SecretValue> stored = store(() -> store.read(path, rotation.rotationId()));
        if (stored.isEmpty()) {
            try (SecretValue fresh = newValue(rotation, descriptor)) {
                store(() -> {
                    store.putPending(path, rotation.rotationId(), fresh, rotation.previousVersionId());
                    return null;
                });
            }
            // Read back: after a race, the value that was stored first is the one this rotation uses.
            stored = store(() -> store.read(path, rotation.rotationId()));
        }
        try (SecretValue value = stored.orElseThrow(() -> RotationFailure.retryable("the PENDING version vanished after it was written"))) {
            return fingerprinter.fingerprint(value);
        }
    }

    @Override
    public void validateDryRun(Rotation rotation) {
        SecretDescriptor descriptor = descriptor(rotation);
        try {
            validate(descriptor);
        } catch (RefusedException e) {
            throw RotationFailure.permanent(e.getMessage());
        }
        CredentialPolicy policy = target(descriptor).credentialPolicy(descriptor);
        try (SecretValue sample = generator.generate(policy)) {
            if (!policy.admits(sample)) {
                throw RotationFailure.permanent("generated credential does not satisfy the target's policy");
            }
        }
    }

    @Override
    public void deploy(Rotation rotation) {
        withContext(rotation, (target, context) -> target.deploy(context));
    }

    @Override
    public void verify(Rotation rotation) {
        withContext(rotation, (target, context) -> target.verify(context));
    }

    @Override
    public Promoted promote(Rotation rotation) {
        SecretDescriptor descriptor = descriptor(rotation);
        store(() -> {
            store.promote(descriptor.getStorePath(), rotation.rotationId(), rotation.previousVersionId());
            return null;
        });
        return new Promoted(defaultGracePeriod(descriptor));
    }

    @Override
    public void cleanup(Rotation rotation) {
        SecretDescriptor descriptor = descriptor(rotation);
        if (rotation.previousVersionId() == null) {
            return; // nothing was there before this rotation
        }
        Optional<SecretValue> previous = store(() -> store.read(descriptor.getStorePath(), rotation.previousVersionId()));
        Optional<SecretValue> current = store(() -> store.read(descriptor.getStorePath(), Label.CURRENT));
        TargetContext context = new TargetContext(descriptor, rotation.rotationId(), Optional.empty(), current,
                previous, this::currentValueOf, rotation.reason());
        try {
            target(descriptor, target -> target.cleanup(context));
        } finally {
            previous.ifPresent(SecretValue::close);
            current.ifPresent(SecretValue::close);
        }
    }

    @Override
    public void rollback(Rotation rotation) {
        SecretDescriptor descriptor = descriptor(rotation);
        String path = descriptor.getStorePath();
        Optional<SecretMetadata> metadata = store(() -> store.describe(path));
        Optional<String> current = metadata.flatMap(m -> m.versionWith(Label.CURRENT));
        if (current.isEmpty()) {
            // A credential rekey never stored: there is nothing to restore at the target, and the PENDING value may be
            // what the target now has, so it is kept (the next attempt reuses it; if the rotation fails for good a
            // person recovers it from the store).
            return;
        }
        Optional<SecretValue> pending = store(() -> store.read(path, rotation.rotationId()));
        Optional<SecretValue> currentValue = store(() -> store.read(path, current.get()));
        Optional<SecretValue> previousValue = store(() -> store.read(path, Label.PREVIOUS));
        TargetContext context = new TargetContext(descriptor, rotation.rotationId(), pending, currentValue, previousValue,
                this::currentValueOf, rotation.reason());
        try {
            target(descriptor, target -> target.rollback(context));
        } finally {
            pending.ifPresent(SecretValue::close);
            currentValue.ifPresent(SecretValue::close);
            previousValue.ifPresent(SecretValue::close);
        }
        store(() -> {
            store.discardPending(path, rotation.rotationId());
            return null;
        });
    }

    /** Grace periods by strategy when neither the command nor the rotation policy sets one. */
    static Duration defaultGracePeriod(SecretDescriptor descriptor) {
        Long seconds = descriptor.getRotationPolicy().getGracePeriodSeconds();
        if (seconds != null) {
            return Duration.ofSeconds(seconds);
        }
        RotationStrategy strategy = descriptor.getStrategy();
        if (strategy == RotationStrategy.DUAL_KEY) {
            return Duration.ofHours(1);
        }
        if (strategy == RotationStrategy.GRACE_PERIOD) {
            return Duration.ofHours(24);
        }
        return Duration.ZERO;
    }

    private interface TargetOperation {
        void apply(RotationTarget target, TargetContext context);
    }

    /** Runs a target operation with the PENDING and CURRENT values, after checking nobody moved CURRENT meanwhile. */
    private void withContext(Rotation rotation, TargetOperation operation) {
        SecretDescriptor descriptor = descriptor(rotation);
        String path = descriptor.getStorePath();
        String current = store(() -> store.describe(path)).flatMap(m -> m.versionWith(Label.CURRENT)).orElse(null);
        // CURRENT is either what PREPARE saw or, for a rotation resumed after its own promotion, this rotation's version.
        if (!Objects.equals(current, rotation.previousVersionId()) && !rotation.rotationId().equals(current)) {
            throw RotationFailure.conflict("someone else wrote " + rotation.secretId() + " during the rotation: CURRENT is now "
                    + (current == null ? "absent" : "version " + current) + ", was "
                    + (rotation.previousVersionId() == null ? "absent" : "version " + rotation.previousVersionId()));
        }
        Optional<SecretValue> pending = store(() -> store.read(path, rotation.rotationId()));
        if (pending.isEmpty()) {
            throw RotationFailure.permanent("PENDING version " + rotation.rotationId() + " of " + rotation.secretId() + " is missing from the store");
        }
        Optional<SecretValue> currentValue = current == null ? Optional.empty() : store(() -> store.read(path, current));
        TargetContext context = new TargetContext(descriptor, rotation.rotationId(), pending, currentValue, Optional.empty(),
                this::currentValueOf, rotation.reason());
        try {
            target(descriptor, target -> operation.apply(target, context));
        } finally {
            pending.get().close();
            currentValue.ifPresent(SecretValue::close);
        }
    }

    /** The new value from the target's generator, given the CURRENT value this rotation started from. */
    private SecretValue newValue(Rotation rotation, SecretDescriptor descriptor) {
        String path = descriptor.getStorePath();
        Optional<SecretValue> current = rotation.previousVersionId() == null ? Optional.empty()
                : store(() -> store.read(path, rotation.previousVersionId()));
        TargetContext context = new TargetContext(descriptor, rotation.rotationId(), Optional.empty(), current, Optional.empty(),
                this::currentValueOf, rotation.reason());
        try {
            SecretValue[] created = new SecretValue[1];
            target(descriptor, target -> created[0] = target.generate(context, generator));
            return Objects.requireNonNull(created[0], "the target generated no value");
        } finally {
            current.ifPresent(SecretValue::close);
        }
    }

    /** Refuses, before anything changes, a secret its adapter cannot rotate (strategy, parameters). */
    private void validate(SecretDescriptor descriptor) {
        try {
            target(descriptor).validate(descriptor);
        } catch (TargetException e) {
            throw new RefusedException(e.getMessage());
        }
    }

    /** CURRENT value of another registered secret (an admin login). */
    private SecretValue currentValueOf(String secretId) {
        SecretDescriptor other = descriptors.find(secretId)
                .orElseThrow(() -> TargetException.permanent("admin credential " + secretId + " is not registered"));
        return store(() -> store.read(other.getStorePath(), Label.CURRENT))
                .orElseThrow(() -> TargetException.permanent("admin credential " + secretId + " has no CURRENT value in the store"));
    }

    private SecretDescriptor descriptor(Rotation rotation) {
        return descriptors.find(rotation.secretId())
                .orElseThrow(() -> RotationFailure.permanent(rotation.secretId() + " is no longer registered"));
    }

    private RotationTarget target(SecretDescriptor descriptor) {
        return targets.forKind(descriptor.getTarget().getKind()).orElseThrow(() ->
                new RefusedException("no adapter for target kind " + descriptor.getTarget().getKind() + " of " + descriptor.getSecretId()));
    }

    private void target(SecretDescriptor descriptor, java.util.function.Consumer<RotationTarget> call) {
        try {
            call.accept(target(descriptor));
        } catch (TargetException e) {
            throw e.retryable() ? RotationFailure.retryable(e.getMessage()) : RotationFailure.permanent(e.getMessage());
        }
    }

    private static <T> T store(Supplier<T> call) {
        try {
            return call.get();
        } catch (StoreConflictException e) {
            throw RotationFailure.conflict(e.getMessage());
        } catch (StoreUnavailableException e) {
            throw RotationFailure.retryable(e.getMessage());
        }
    }
}
