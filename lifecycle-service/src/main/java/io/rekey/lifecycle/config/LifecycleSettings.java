package io.rekey.lifecycle.config;

import io.rekey.lifecycle.compliance.CompliancePolicy;
import io.rekey.lifecycle.registry.ValidationLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The service's own settings, validated at start-up (see {@code SettingsFactory} for keys, variables and defaults).
 *
 * @param issuerKeyFile        PEM PKCS#8 Ed25519 private key that signs rotation commands
 * @param issuerKeyId          id of that key, as the rotation worker trusts it
 * @param instanceId           stable id of this instance (transactional id, client ids)
 * @param schedulerPrincipal   requestedBy of scheduled commands and actor of time-driven events
 * @param schedulerGroup       consumer group that shares the secrets between instances
 * @param tickInterval         how often time-driven work runs
 * @param expiryLeadTimes      when to warn before expiry
 * @param recoveryWindow       how long a soft-deleted secret can be restored
 * @param purgeProtection      whether an admin may purge before the recovery window ends (false: may)
 * @param unansweredCommand    how long a command without any worker event counts as in flight
 * @param writeTimeout         how long an API write waits until the view shows it
 * @param historyLimit         lifecycle events kept per secret in memory
 * @param rotationLimit        rotations kept per secret in memory
 */
public record LifecycleSettings(Path issuerKeyFile, String issuerKeyId, String instanceId, String schedulerPrincipal,
                                String schedulerGroup, Duration tickInterval, List<Duration> expiryLeadTimes,
                                Duration recoveryWindow, boolean purgeProtection, Duration unansweredCommand,
                                Duration writeTimeout, int historyLimit, int rotationLimit, ValidationLimits limits,
                                CompliancePolicy compliance) {

    public LifecycleSettings {
        Objects.requireNonNull(issuerKeyFile, "issuerKeyFile must not be null");
        Objects.requireNonNull(issuerKeyId, "issuerKeyId must not be null");
        expiryLeadTimes = List.copyOf(expiryLeadTimes);
    }
}
