package io.rekey.worker.target;

import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import io.rekey.store.SecretValue;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a target operation works with.
 *
 * @param pending     the new credential (absent in generate and cleanup)
 * @param current     the credential services use now (absent for a credential rekey never stored)
 * @param previous    the credential CURRENT replaced: cleanup revokes it, rollback may restore it (absent elsewhere)
 * @param credentials looks up other secrets' CURRENT values, for an admin login named by {@code adminSecretId}
 * @param reason      why the rotation runs ({@code null} when unknown); an EMERGENCY may contain more than it rotates
 */
public record TargetContext(SecretDescriptor descriptor, String rotationId, Optional<SecretValue> pending,
                            Optional<SecretValue> current, Optional<SecretValue> previous, CredentialLookup credentials,
                            RotationReason reason) {

    public TargetContext(SecretDescriptor descriptor, String rotationId, Optional<SecretValue> pending,
                         Optional<SecretValue> current, Optional<SecretValue> previous, CredentialLookup credentials) {
        this(descriptor, rotationId, pending, current, previous, credentials, null);
    }

    public TargetContext {
        Objects.requireNonNull(descriptor, "descriptor must not be null");
        Objects.requireNonNull(pending, "pending must not be null");
        Objects.requireNonNull(current, "current must not be null");
        Objects.requireNonNull(previous, "previous must not be null");
        Objects.requireNonNull(credentials, "credentials must not be null");
    }

    /** Looks up the CURRENT value of another registered secret. */
    @FunctionalInterface
    public interface CredentialLookup {
        SecretValue current(String secretId);
    }

    public boolean emergency() {
        return reason == RotationReason.EMERGENCY;
    }

    public String secretId() {
        return descriptor.getSecretId();
    }

    /** The target parameters, with checked accessors. */
    public TargetParams parameters() {
        return TargetParams.of(descriptor);
    }

    /** The CURRENT value of the secret named by the {@code adminSecretId} parameter, or {@code null} if there is none. */
    public SecretValue adminPassword() {
        return parameters().optional("adminSecretId").map(credentials::current).orElse(null);
    }

    public Map<String, String> params() {
        return descriptor.getTarget().getParams();
    }

    /** A target parameter that must be present. */
    public String param(String name) {
        String value = params().get(name);
        if (value == null || value.isBlank()) {
            throw TargetException.permanent("target of " + descriptor.getSecretId() + " has no '" + name + "' parameter");
        }
        return value;
    }

    public String param(String name, String fallback) {
        String value = params().get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public SecretValue requirePending() {
        return pending.orElseThrow(() -> new IllegalStateException("no pending credential in this operation"));
    }
}
