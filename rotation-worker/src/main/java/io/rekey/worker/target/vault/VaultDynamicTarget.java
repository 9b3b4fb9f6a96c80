package io.rekey.worker.target.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.LifecycleFacts;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.UserCredential;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Dynamic credentials from a Vault secrets engine (the database engine, or any engine answering
 * {@code <mount>/creds/<role>} with a username and password under a lease), run through rekey's phases:
 *
 * <ul>
 *   <li>generate: Vault issues a lease; the stored value is
 *       {@code {"lease_id","lease_duration","renewable","issued_at","username","password"}}, so consumers get the lease
 *       with the credential. In an EMERGENCY rotation, unless {@code revokePrefixOnEmergency=false}, every lease of the
 *       role is revoked first ({@code sys/leases/revoke-prefix/<mount>/creds/<role>/}): containment when it is unknown
 *       which of them leaked, including leases issued outside rekey. Consumers of CURRENT then lose access until they
 *       reload the new value (SecretChanged);</li>
 *   <li>deploy: nothing, Vault created the user;</li>
 *   <li>verify: a real login to the database with the new credential ({@code verifyJdbcUrl});</li>
 *   <li>rollback: the new lease is revoked (revoke on failure); CURRENT's lease is untouched;</li>
 *   <li>cleanup, after the grace period: the previous lease is revoked.</li>
 * </ul>
 * CURRENT's lease is renewed before it expires by the {@link LeaseKeeper}. Issued, renewed and revoked leases are
 * recorded as LEASE_* lifecycle events. A lease issued by a generate step that crashed before the value was stored is
 * not known to rekey: it ends at its TTL (or at the next emergency containment).
 *
 * <p>Target parameters: {@code role} (required), {@code mount} (database), {@code verifyJdbcUrl} (required, a
 * {@code jdbc:postgresql:} or {@code jdbc:mariadb:} URL without credentials), {@code renewIncrement}
 * (seconds asked for at renewal; 0, the role's default TTL), {@code revokePrefixOnEmergency} (true).
 */
public final class VaultDynamicTarget implements RotationTarget {

    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern MOUNT = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");
    private static final Pattern JDBC = Pattern.compile("jdbc:(postgresql|mariadb)://[^?;]+([?;].*)?");
    private static final int LOGIN_TIMEOUT_SECONDS = 10;

    private final VaultLeases vault;
    private final LifecycleFacts facts;
    private final Clock clock;

    public VaultDynamicTarget(VaultLeases vault, LifecycleFacts facts, Clock clock) {
        this.vault = Objects.requireNonNull(vault, "vault must not be null");
        this.facts = Objects.requireNonNull(facts, "facts must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    @Override
    public TargetKind kind() {
        return TargetKind.VAULT_DYNAMIC;
    }

    /** Vault makes the password; this only bounds what a dry run generates. */
    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return CredentialPolicy.DATABASE_PASSWORD;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.GRACE_PERIOD, RotationStrategy.SINGLE_USER);
        TargetParams params = TargetParams.of(descriptor);
        params.matching("role", null, ROLE, "a Vault role name");
        mount(params);
        String url = params.matching("verifyJdbcUrl", null, JDBC, "a jdbc:postgresql: or jdbc:mariadb: URL");
        if (url.toLowerCase().contains("password")) {
            throw TargetException.permanent("target parameter 'verifyJdbcUrl' of " + descriptor.getSecretId() + " must not carry credentials");
        }
        params.integer("renewIncrement", 0, 0, Integer.MAX_VALUE);
        params.flag("revokePrefixOnEmergency", true);
    }

    @Override
    public SecretValue generate(TargetContext context, CredentialGenerator generator) {
        TargetParams params = context.parameters();
        String mount = mount(params);
        String role = params.required("role");
        if (context.emergency() && params.flag("revokePrefixOnEmergency", true)) {
            String prefix = prefix(mount, role);
            vault.revokePrefix(prefix);
            facts.record(context.secretId(), LifecycleEventType.LEASE_REVOKED, context.rotationId(),
                    "emergency containment: every lease of role " + role + " revoked", Map.of("leasePrefix", prefix));
        }
        VaultLeases.Lease lease = vault.issue(mount, role);
        Instant issuedAt = clock.instant();
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("lease_id", lease.leaseId());
        extra.put("lease_duration", lease.leaseDurationSeconds());
        extra.put("renewable", lease.renewable());
        extra.put("issued_at", issuedAt.toString());
        facts.record(context.secretId(), LifecycleEventType.LEASE_ISSUED, context.rotationId(), "dynamic credentials issued",
                Map.of("leaseId", lease.leaseId(), "leaseDurationSeconds", Long.toString(lease.leaseDurationSeconds()),
                        "renewable", Boolean.toString(lease.renewable()),
                        "expiresAt", issuedAt.plusSeconds(lease.leaseDurationSeconds()).toString()));
        try (UserCredential credential = new UserCredential(lease.username(), lease.password())) {
            return credential.toSecretValue(extra);
        }
    }

    @Override
    public void deploy(TargetContext context) {
        // Vault created the database user when it issued the lease.
    }

    @Override
    public void verify(TargetContext context) {
        String url = context.param("verifyJdbcUrl");
        try (UserCredential pending = UserCredential.parseJson(context.requirePending()).credential()) {
            Properties props = new Properties();
            props.setProperty("user", pending.username());
            props.setProperty("password", pending.password().reveal());
            props.setProperty(url.startsWith("jdbc:postgresql:") ? "loginTimeout" : "connectTimeout",
                    url.startsWith("jdbc:postgresql:") ? Integer.toString(LOGIN_TIMEOUT_SECONDS) : Integer.toString(LOGIN_TIMEOUT_SECONDS * 1000));
            try (Connection connection = DriverManager.getConnection(url, props); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
            } catch (SQLException e) {
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                String message = "verify: login as " + pending.username() + " with the issued credential failed: "
                        + TargetException.scrubbed(e.getMessage(), pending.password()) + (state.isEmpty() ? "" : " (SQLState " + state + ")");
                boolean retryable = state.isEmpty() || state.startsWith("08") || state.startsWith("28") || state.startsWith("53")
                        || state.startsWith("57");
                throw retryable ? TargetException.retryable(message) : TargetException.permanent(message);
            }
        }
    }

    @Override
    public void rollback(TargetContext context) {
        context.pending().map(VaultDynamicTarget::leaseId).ifPresent(lease -> {
            if (context.current().map(VaultDynamicTarget::leaseId).filter(lease::equals).isEmpty()) {
                revoke(context, lease, "rotation rolled back: its lease is revoked");
            }
        });
    }

    @Override
    public void cleanup(TargetContext context) {
        Optional<String> current = context.current().map(VaultDynamicTarget::leaseId);
        context.previous().map(VaultDynamicTarget::leaseId).filter(lease -> current.isEmpty() || !current.get().equals(lease))
                .ifPresent(lease -> revoke(context, lease, "grace period over: the previous lease is revoked"));
    }

    private void revoke(TargetContext context, String leaseId, String reason) {
        vault.revoke(leaseId);
        facts.record(context.secretId(), LifecycleEventType.LEASE_REVOKED, context.rotationId(), reason, Map.of("leaseId", leaseId));
    }

    /** The lease id of a stored value; a bare password (no lease) has none to revoke. */
    static String leaseId(SecretValue value) {
        return lease(value).map(l -> l.path("lease_id").asText("")).filter(id -> !id.isEmpty()).orElse(null);
    }

    /** The non-secret fields of a stored value (lease_id, lease_duration, renewable, issued_at, username). */
    static Optional<JsonNode> lease(SecretValue value) {
        try {
            UserCredential.Parsed parsed = UserCredential.parseJson(value);
            parsed.credential().close();
            return Optional.of(parsed.extra());
        } catch (TargetException e) {
            return Optional.empty();
        }
    }

    static String mount(TargetParams params) {
        String mount = params.matching("mount", "database", MOUNT, "a Vault mount path such as database or team/db");
        if (mount.equals("sys") || mount.startsWith("sys/") || mount.equals("auth") || mount.startsWith("auth/")) {
            throw TargetException.permanent("target parameter 'mount' must name a secrets engine, was '" + mount + "'");
        }
        return mount;
    }

    /** Leases of one role; the trailing slash keeps role {@code app} from matching {@code app2}'s leases. */
    static String prefix(String mount, String role) {
        return mount + "/creds/" + role + "/";
    }
}
