package io.rekey.testkit.vault;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The stand-in's expiration manager, as Vault's behaves: every secret issued with a lease is registered under a
 * lease id ({@code <path>/<random id>}); a renewal extends it by the increment asked for (the role's TTL when 0),
 * never beyond its max TTL; a lease is revoked when it is revoked explicitly, when a revoke-prefix covers it, or
 * when it expires (a background sweep, as Vault's expiration timers do). Revoking runs the backend's revocation.
 */
final class LeaseTable implements AutoCloseable {

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** How a backend revokes and renews what it issued. */
    interface Secret {
        void revoke();

        void renewed(Instant newExpiry);
    }

    /** One lease; times are Vault's issue_time, expire_time and last_renewal_time. */
    record Lease(String id, Instant issued, Instant expires, Instant lastRenewal, Duration ttl, Duration maxTtl, boolean renewable,
                 Secret secret) {
        Instant maxExpiry() {
            return maxTtl.isZero() ? Instant.MAX : issued.plus(maxTtl);
        }
    }

    /** Why a renewal was refused, in Vault's words. */
    static final class RenewRefused extends Exception {
        RenewRefused(String message) {
            super(message);
        }
    }

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Lease> leases = new TreeMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vault-stand-in-expiry");
        t.setDaemon(true);
        return t;
    });

    LeaseTable(Clock clock) {
        this.clock = clock;
        sweeper.scheduleWithFixedDelay(this::revokeExpired, 200, 200, TimeUnit.MILLISECONDS);
    }

    Instant now() {
        return clock.instant();
    }

    /** Registers a secret issued at {@code path}; returns its lease. */
    synchronized Lease issue(String path, Duration ttl, Duration maxTtl, Secret secret) {
        Instant now = clock.instant();
        Duration first = maxTtl.isZero() || ttl.compareTo(maxTtl) <= 0 ? ttl : maxTtl;
        Lease lease = new Lease(path + "/" + randomId(), now, now.plus(first), null, ttl, maxTtl, true, secret);
        leases.put(lease.id(), lease);
        return lease;
    }

    /** Vault's issue-time expiry for a secret about to be issued with {@code ttl}: for statements that need it first. */
    Instant expiryFor(Duration ttl) {
        return clock.instant().plus(ttl);
    }

    synchronized Optional<Lease> lookup(String id) {
        return Optional.ofNullable(leases.get(id));
    }

    /** A renewed lease, the time it was granted from now and whether its max TTL cut that short. */
    record Renewal(Lease lease, Duration granted, boolean capped) { }

    /** Extends a lease by {@code increment} (its TTL when zero), capped at its max TTL. */
    synchronized Renewal renew(String id, Duration increment) throws RenewRefused {
        Lease lease = leases.get(id);
        Instant now = clock.instant();
        if (lease == null) {
            throw new RenewRefused("lease not found or lease is not renewable");
        }
        if (lease.expires().isBefore(now)) {
            throw new RenewRefused("lease expired");
        }
        if (!lease.renewable()) {
            throw new RenewRefused("lease is not renewable");
        }
        Duration asked = increment.isZero() ? lease.ttl() : increment;
        Instant expires = now.plus(asked);
        boolean capped = expires.isAfter(lease.maxExpiry());
        if (capped) {
            expires = lease.maxExpiry();
        }
        Lease renewed = new Lease(id, lease.issued(), expires, now, lease.ttl(), lease.maxTtl(), lease.renewable(), lease.secret());
        lease.secret().renewed(expires);
        leases.put(id, renewed);
        return new Renewal(renewed, Duration.between(now, expires), capped);
    }

    /** Revokes one lease; an unknown one is already gone. */
    void revoke(String id) {
        Lease lease;
        synchronized (this) {
            lease = leases.remove(id);
        }
        if (lease != null) {
            lease.secret().revoke();
        }
    }

    /** Revokes every lease whose id starts with {@code prefix}. */
    void revokePrefix(String prefix) {
        List<Lease> gone = new ArrayList<>();
        synchronized (this) {
            leases.values().removeIf(l -> l.id().startsWith(prefix) && gone.add(l));
        }
        gone.forEach(l -> l.secret().revoke());
    }

    synchronized List<String> ids() {
        return List.copyOf(leases.keySet());
    }

    private void revokeExpired() {
        List<Lease> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            leases.values().removeIf(l -> !l.expires().isAfter(now) && expired.add(l));
        }
        for (Lease lease : expired) {
            try {
                lease.secret().revoke();
            } catch (RuntimeException e) {
                // Vault retries failed revocations; the stand-in just drops them.
            }
        }
    }

    private String randomId() {
        StringBuilder id = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
