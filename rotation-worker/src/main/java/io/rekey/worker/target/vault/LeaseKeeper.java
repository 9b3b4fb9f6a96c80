package io.rekey.worker.target.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretStore;
import io.rekey.worker.target.LifecycleFacts;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps the CURRENT lease of every VAULT_DYNAMIC secret this worker owns alive: each {@link #tick()} renews a lease
 * once it is within the refresh margin of its expiry (the margin is capped at half the lease's duration, so a short
 * lease is not renewed on every tick). Renewals are recorded as LEASE_RENEWED. A lease Vault will not extend to the
 * requested length (its max TTL is near) or not renew at all (expired, revoked) is reported once as an EXPIRY_WARNING
 * and in the log: only a rotation issues a new lease, so the rotation interval must stay below the role's max TTL.
 *
 * <p>Only CURRENT is renewed: a previous lease still in its grace period simply runs out at its TTL if that comes
 * first. When each lease expires is known from the stored {@code issued_at} and {@code lease_duration}, then from
 * each renewal; after a restart the first renewal of a lease happens at that estimate.
 */
public final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private record Known(Instant expiresAt, long durationSeconds) { }

    private final Supplier<Collection<SecretDescriptor>> registry;
    private final Predicate<String> owned;
    private final SecretStore store;
    private final VaultLeases vault;
    private final LifecycleFacts facts;
    private final Clock clock;
    private final Duration refreshMargin;
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public LeaseKeeper(Supplier<Collection<SecretDescriptor>> registry, Predicate<String> owned, SecretStore store, VaultLeases vault,
                       LifecycleFacts facts, Clock clock, Duration refreshMargin) {
        this.registry = Objects.requireNonNull(registry, "registry must not be null");
        this.owned = Objects.requireNonNull(owned, "owned must not be null");
        this.store = Objects.requireNonNull(store, "store must not be null");
        this.vault = Objects.requireNonNull(vault, "vault must not be null");
        this.facts = Objects.requireNonNull(facts, "facts must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        if (refreshMargin == null || refreshMargin.isNegative() || refreshMargin.isZero()) {
            throw new IllegalArgumentException("rekey.worker.targets.vault.lease-refresh-margin must be positive, was " + refreshMargin);
        }
        this.refreshMargin = refreshMargin;
    }

    /** One pass over the owned VAULT_DYNAMIC secrets; failures are logged and the next pass tries again. */
    public synchronized void tick() {
        Set<String> seen = new HashSet<>();
        for (SecretDescriptor descriptor : registry.get()) {
            if (descriptor.getTarget().getKind() != TargetKind.VAULT_DYNAMIC || descriptor.getDeletedAt() != null
                    || !owned.test(descriptor.getSecretId())) {
                continue;
            }
            try {
                keep(descriptor).ifPresent(seen::add);
            } catch (RuntimeException e) {
                LOG.warn("lease of {}: {}", descriptor.getSecretId(), describe(e));
            }
        }
        known.keySet().retainAll(seen);
        warned.retainAll(seen);
    }

    private Optional<String> keep(SecretDescriptor descriptor) {
        Optional<JsonNode> lease;
        try (SecretValue current = store.read(descriptor.getStorePath(), Label.CURRENT).orElse(null)) {
            lease = current == null ? Optional.empty() : VaultDynamicTarget.lease(current);
        }
        if (lease.isEmpty() || lease.get().path("lease_id").asText("").isEmpty()) {
            return Optional.empty();
        }
        String leaseId = lease.get().path("lease_id").asText();
        if (!lease.get().path("renewable").asBoolean(false) || warned.contains(leaseId) && known.get(leaseId) == null) {
            return Optional.of(leaseId);
        }
        Known state = known.computeIfAbsent(leaseId, id -> fromStored(lease.get()));
        Instant now = clock.instant();
        Duration margin = min(refreshMargin, Duration.ofSeconds(state.durationSeconds() / 2));
        if (now.isBefore(state.expiresAt().minus(margin))) {
            return Optional.of(leaseId);
        }
        String secretId = descriptor.getSecretId();
        long increment = TargetParams.of(descriptor).integer("renewIncrement", 0, 0, Integer.MAX_VALUE);
        try {
            VaultLeases.Renewal renewal = vault.renew(leaseId, increment);
            Instant expiresAt = now.plusSeconds(renewal.leaseDurationSeconds());
            known.put(leaseId, new Known(expiresAt, Math.max(renewal.leaseDurationSeconds(), 1)));
            facts.record(secretId, LifecycleEventType.LEASE_RENEWED, null, "lease renewed before it expired",
                    Map.of("leaseId", leaseId, "leaseDurationSeconds", Long.toString(renewal.leaseDurationSeconds()),
                            "expiresAt", expiresAt.toString()));
            if ((renewal.capped() || renewal.leaseDurationSeconds() <= margin.toSeconds()) && warned.add(leaseId)) {
                LOG.warn("lease {} of {} reaches its max TTL at {}: rotate {} before then", leaseId, secretId, expiresAt, secretId);
                facts.record(secretId, LifecycleEventType.EXPIRY_WARNING, null, "the lease reaches its max TTL: rotate before it expires",
                        Map.of("leaseId", leaseId, "expiresAt", expiresAt.toString()));
            }
        } catch (VaultLeases.LeaseGoneException e) {
            known.remove(leaseId);
            if (warned.add(leaseId)) {
                LOG.warn("CURRENT lease {} of {} can no longer be renewed ({}): rotate {}", leaseId, secretId, e.getMessage(), secretId);
                facts.record(secretId, LifecycleEventType.EXPIRY_WARNING, null, "the CURRENT lease can no longer be renewed: rotate the secret",
                        Map.of("leaseId", leaseId));
            }
        }
        return Optional.of(leaseId);
    }

    private static Known fromStored(JsonNode lease) {
        long duration = Math.max(lease.path("lease_duration").asLong(0), 1);
        Instant issued;
        try {
            issued = Instant.parse(lease.path("issued_at").asText(""));
        } catch (DateTimeParseException e) {
            issued = Instant.EPOCH; // unknown: renew at once
        }
        return new Known(issued.plusSeconds(duration), duration);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String describe(RuntimeException e) {
        return e instanceof TargetException ? e.getMessage() : e.getClass().getSimpleName();
    }
}
