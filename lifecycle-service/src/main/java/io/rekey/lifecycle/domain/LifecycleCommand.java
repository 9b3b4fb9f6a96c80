package io.rekey.lifecycle.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a person, the scheduler or the expiry watch asks of a secret's lifecycle. */
public sealed interface LifecycleCommand {

    Origin origin();

    /** Registers the secret (CREATED), and activates it at once unless {@code activate} is false. */
    record Register(Origin origin, boolean activate) implements LifecycleCommand { }

    /** Puts a CREATED secret in service, or reinstates a DEPRECATED or renewed EXPIRED one. */
    record Activate(Origin origin) implements LifecycleCommand { }

    /** Phases the secret out: still valid, no longer to be used for new work; no scheduled rotation. */
    record Deprecate(Origin origin) implements LifecycleCommand { }

    /** Declares the credential unsafe; irreversible. */
    record Revoke(Origin origin) implements LifecycleCommand { }

    /** Retires a deprecated, expired or revoked secret for good. */
    record Archive(Origin origin) implements LifecycleCommand { }

    /** The secret's expiry time has come. */
    record Expire(Origin origin) implements LifecycleCommand { }

    /** A successful read after the secret was activated or rotated (later reads only move last-access). */
    record MarkAccessed(Origin origin, Instant accessAt, String principal) implements LifecycleCommand {
        public MarkAccessed {
            Objects.requireNonNull(accessAt, "accessAt must not be null");
        }
    }

    /** Hides the secret; it can be restored until {@code recoveryWindow} has passed, then it is purged. */
    record SoftDelete(Origin origin, Duration recoveryWindow) implements LifecycleCommand {
        public SoftDelete {
            Objects.requireNonNull(recoveryWindow, "recoveryWindow must not be null");
        }
    }

    record Restore(Origin origin) implements LifecycleCommand { }

    /**
     * Removes a soft-deleted secret for good. Before its recovery window has passed only when
     * {@code purgeProtection} is off (an admin's explicit purge).
     */
    record Purge(Origin origin, Duration recoveryWindow, boolean purgeProtection) implements LifecycleCommand {
        public Purge {
            Objects.requireNonNull(recoveryWindow, "recoveryWindow must not be null");
        }
    }

    /** An expiry warning {@code leadTime} before {@code expiresAt}. */
    record WarnExpiry(Origin origin, Duration leadTime, Instant expiresAt) implements LifecycleCommand {
        public WarnExpiry {
            Objects.requireNonNull(leadTime, "leadTime must not be null");
            Objects.requireNonNull(expiresAt, "expiresAt must not be null");
        }
    }

    /** A person has looked at a failed rotation: scheduled rotation may resume. */
    record ClearRotationFailure(Origin origin) implements LifecycleCommand { }

    /** The descriptor changed; {@code changedFields} names what changed (never values of secrets: there are none). */
    record RecordUpdate(Origin origin, List<String> changedFields) implements LifecycleCommand {
        public RecordUpdate {
            changedFields = List.copyOf(changedFields);
        }
    }
}
