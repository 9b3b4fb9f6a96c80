package io.rekey.worker.app;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code rekey.worker.*}: how the rotation worker behaves. Checked at start-up by {@link WorkerFactory}.
 *
 * @param instanceId          unique per worker instance; the transactional id derives from it, so a restarted
 *                            instance fences its previous incarnation
 * @param concurrency         rotations running at once
 * @param maxAttempts         attempts before a rotation fails for good and the secret is marked FAILED
 * @param retryBaseDelay      backoff before the first retry (doubles per attempt, with jitter)
 * @param retryMaxDelay       longest backoff
 * @param phaseTimeout        longest a single phase may take
 * @param rotationTimeout     longest an attempt may take before promotion
 * @param recentRotationGuard a secret promoted within this window is rotated again only when the command forces it
 * @param maxGracePeriod      longest grace period a command may ask for
 * @param rebuildLookback     how far back rotation events are read on start-up; must exceed maxGracePeriod plus
 *                            rotationTimeout so no pending cleanup or in-flight rotation is missed
 * @param commandMaxAge       commands issued longer ago are refused (replay window)
 * @param clockSkew           tolerated clock difference with command issuers
 * @param trustedIssuersDir   directory of issuer public keys, one PEM file {@code <keyId>.pub} each
 * @param revokedIssuers      key ids whose commands are refused even if their key file is still there
 * @param fingerprintKeyFile  file with at least 32 random bytes keying the HMAC fingerprints of credentials
 * @param sessionTimeout      how long a worker that stopped answering keeps its partitions (static group membership)
 */
@ConfigurationProperties("rekey.worker")
public record WorkerSettings(
        String instanceId,
        int concurrency,
        int maxAttempts,
        Duration retryBaseDelay,
        Duration retryMaxDelay,
        Duration phaseTimeout,
        Duration rotationTimeout,
        Duration recentRotationGuard,
        Duration maxGracePeriod,
        Duration rebuildLookback,
        Duration commandMaxAge,
        Duration clockSkew,
        @Nullable Path trustedIssuersDir,
        @Nullable List<String> revokedIssuers,
        @Nullable Path fingerprintKeyFile,
        Duration sessionTimeout) {
}
