package io.rekey.lifecycle.compliance;

import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.SecretType;

import java.time.Instant;
import java.util.Objects;

/**
 * What the compliance report knows about one secret.
 *
 * @param overdueSince when the secret became overdue for its scheduled rotation (from the scheduler), or null
 */
public record ComplianceInput(String secretId, String owner, SecretType type, Criticality criticality, Category category,
                              LifecycleState state, boolean softDeleted, boolean honeytoken, Instant createdAt,
                              Instant lastRotatedAt, Instant lastAccessAt, Instant expiresAt, Instant overdueSince,
                              boolean rotationFailed, String failureReason) {

    public ComplianceInput {
        Objects.requireNonNull(secretId, "secretId must not be null");
        Objects.requireNonNull(createdAt, "createdAt must not be null");
    }

    /** When the current credential was made: the last rotation, or the registration. */
    public Instant credentialSince() {
        return lastRotatedAt != null && lastRotatedAt.isAfter(createdAt) ? lastRotatedAt : createdAt;
    }
}
