package io.rekey.worker.app;

import io.rekey.worker.target.jwks.JwksFiles;
import io.rekey.worker.target.vault.VaultLeases;

import java.time.Duration;
import java.util.Optional;

/**
 * What the adapters share with the running worker: the lifecycle-facts channel, and the configured JWKS directory and
 * Vault client (absent when not configured).
 */
record TargetServices(KafkaLifecycleFacts facts, Optional<JwksFiles> jwks, Optional<VaultLeases> vault,
                      Duration leaseCheckInterval, Duration leaseRefreshMargin) {
}
