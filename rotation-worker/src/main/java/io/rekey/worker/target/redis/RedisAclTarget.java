package io.rekey.worker.target.redis;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.Hashes;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.AccessControlUser;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Redis ACL user (Redis 6+). Passwords are sent as their SHA-256 ({@code ACL SETUSER user #<hash>}), the form
 * Redis stores them in, so the plaintext crosses the wire only in the verifying {@code AUTH}. Every change reads
 * {@code ACL GETUSER} first and applies only what is missing, so repeating a step changes nothing; a user that does
 * not exist is refused (ACL SETUSER would silently create it).
 *
 * <p><b>GRACE_PERIOD</b>: deploy adds the new password next to the old one (Redis accepts any of a user's
 * passwords), cleanup removes the old one when the grace period ends, rollback removes the new one. <b>SINGLE_USER</b>:
 * deploy replaces every password of the user with the new one ({@code resetpass}), rollback puts CURRENT back the
 * same way. Taking over a user whose password rekey never stored (no CURRENT) is SINGLE_USER in both strategies: a
 * password rekey does not hold cannot be given a grace period or removed later, so only the new one is left (store the
 * current password as the first version to get a grace period on the first rotation).
 *
 * <p>ACL changes live in memory; {@code persist} decides whether they survive a Redis restart (which would otherwise
 * bring the old password back): {@code auto} (default) runs {@code ACL SAVE} when Redis has an {@code aclfile} and
 * warns otherwise, {@code config-rewrite} runs {@code CONFIG REWRITE} (users defined in redis.conf), {@code none}.
 * Replicas and cluster nodes keep their own ACLs: register one secret per node, or use an aclfile shared by
 * configuration management.
 *
 * <p>Target parameters: {@code host} (127.0.0.1), {@code port} (6379), {@code tls} (false), {@code user} (required),
 * {@code adminUser} (default), {@code adminSecretId} (absent: the admin has no password), {@code persist} (auto).
 */
public final class RedisAclTarget implements RotationTarget {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAclTarget.class);
    private static final int TIMEOUT_MS = 10_000;
    /** 40 letters and digits: about 238 bits, and nothing Redis's ACL syntax or a redis:// URL treats specially. */
    private static final CredentialPolicy POLICY = new CredentialPolicy(40, CredentialPolicy.ALPHANUMERIC);

    @Override
    public TargetKind kind() {
        return TargetKind.REDIS;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return POLICY;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.GRACE_PERIOD, RotationStrategy.SINGLE_USER);
        TargetParams params = TargetParams.of(descriptor);
        user(params);
        params.port("port", 6379);
        params.flag("tls", false);
        params.oneOf("persist", "auto", "auto", "config-rewrite", "none");
        params.name("adminUser", "default", 256);
    }

    @Override
    public void deploy(TargetContext context) {
        String pending = hash(context.requirePending());
        if (singleUser(context) || context.current().isEmpty()) {
            change(context, "deploy", existing -> existing.equals(List.of(pending)) ? List.of() : List.of("resetpass", "#" + pending));
        } else {
            change(context, "deploy", existing -> existing.contains(pending) ? List.of() : List.of("#" + pending));
        }
    }

    @Override
    public void verify(TargetContext context) {
        TargetParams params = context.parameters();
        String user = user(params);
        SecretValue pending = context.requirePending();
        // AUTH is the one command every user may run: an application user allowed only, say, GET on its keys cannot
        // run PING or ACL WHOAMI, so the login itself is the proof. The connection names no user and sends nothing
        // before AUTH (a server may have disabled the default user).
        try (Jedis jedis = new Jedis(new HostAndPort(params.optional("host", "127.0.0.1"), params.port("port", 6379)),
                DefaultJedisClientConfig.builder().ssl(params.flag("tls", false)).connectionTimeoutMillis(TIMEOUT_MS)
                        .socketTimeoutMillis(TIMEOUT_MS).clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build())) {
            String reply = jedis.auth(user, pending.reveal());
            if (!"OK".equals(reply)) {
                throw TargetException.permanent("verify: AUTH as " + user + " answered " + reply);
            }
        } catch (JedisException e) {
            throw failure("verify: AUTH as " + user + " with the new password failed", e, true);
        }
    }

    @Override
    public void rollback(TargetContext context) {
        SecretValue current = context.current().orElseThrow(() ->
                TargetException.permanent("rollback: no CURRENT credential to restore for Redis user " + user(context.parameters())));
        String currentHash = hash(current);
        if (singleUser(context)) {
            change(context, "rollback", existing -> existing.equals(List.of(currentHash)) ? List.of() : List.of("resetpass", "#" + currentHash));
            return;
        }
        Optional<String> pending = context.pending().map(RedisAclTarget::hash);
        change(context, "rollback", existing -> {
            List<String> rules = new ArrayList<>();
            pending.filter(p -> existing.contains(p) && !p.equals(currentHash)).ifPresent(p -> rules.add("!" + p));
            if (!existing.contains(currentHash)) {
                rules.add("#" + currentHash);
            }
            return rules;
        });
    }

    @Override
    public void cleanup(TargetContext context) {
        if (singleUser(context) || context.previous().isEmpty()) {
            return; // SINGLE_USER: deploy already removed it
        }
        String previous = hash(context.previous().get());
        Optional<String> current = context.current().map(RedisAclTarget::hash);
        if (current.isPresent() && current.get().equals(previous)) {
            return;
        }
        change(context, "cleanup", existing -> existing.contains(previous) ? List.of("!" + previous) : List.of());
    }

    private interface Rules {
        /** The ACL SETUSER rules that bring the user's password hashes from {@code existing} to the wanted state. */
        List<String> given(List<String> existing);
    }

    private void change(TargetContext context, String operation, Rules rules) {
        TargetParams params = context.parameters();
        String user = user(params);
        SecretValue adminPassword = context.adminPassword();
        try (Jedis jedis = connect(params, params.optional("adminUser", "default"), adminPassword)) {
            AccessControlUser acl = jedis.aclGetUser(user);
            if (acl == null) {
                throw TargetException.permanent(operation + ": Redis user " + user + " does not exist (rekey does not create users)");
            }
            List<String> wanted = rules.given(acl.getPasswords() == null ? List.of() : acl.getPasswords());
            if (wanted.isEmpty()) {
                return;
            }
            jedis.aclSetUser(user, wanted.toArray(String[]::new));
            persist(jedis, params, user);
        } catch (JedisException e) {
            throw failure(operation + ": changing the passwords of Redis user " + user + " failed", e, false);
        } finally {
            if (adminPassword != null) {
                adminPassword.close();
            }
        }
    }

    private static void persist(Jedis jedis, TargetParams params, String user) {
        switch (params.optional("persist", "auto")) {
            case "none" -> { }
            case "config-rewrite" -> jedis.configRewrite();
            default -> {
                Map<String, String> aclfile = jedis.configGet("aclfile");
                if (aclfile.values().stream().anyMatch(v -> v != null && !v.isBlank())) {
                    jedis.aclSave();
                } else {
                    LOG.warn("Redis at {}:{} has no aclfile: the new passwords of user {} live in memory only, and a restart of Redis "
                            + "brings back the ones it was started with (set persist=config-rewrite or configure an aclfile)",
                            params.optional("host", "127.0.0.1"), params.port("port", 6379), user);
                }
            }
        }
    }

    private static Jedis connect(TargetParams params, String user, SecretValue password) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .user(user)
                .ssl(params.flag("tls", false))
                .connectionTimeoutMillis(TIMEOUT_MS)
                .socketTimeoutMillis(TIMEOUT_MS)
                .clientName("rekey-rotation-worker")
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (password != null) {
            config.password(password.reveal());
        }
        Jedis jedis = new Jedis(new HostAndPort(params.optional("host", "127.0.0.1"), params.port("port", 6379)), config.build());
        jedis.ping(); // connects and authenticates now, inside the caller's error handling
        return jedis;
    }

    private static boolean singleUser(TargetContext context) {
        return context.descriptor().getStrategy() == RotationStrategy.SINGLE_USER;
    }

    private static String user(TargetParams params) {
        return params.name("user", null, 256);
    }

    /** The lower-case hex SHA-256 Redis keeps of a password. */
    static String hash(SecretValue password) {
        return Hashes.sha256Hex(password);
    }

    /**
     * Connection trouble passes, and so does a refused AUTH in verification; a refused command (NOPERM), a refused
     * admin login and errors from the server do not. Redis echoes a failing ACL rule (a password hash) in its error,
     * so only the exception type and Redis's error code are kept.
     */
    private static TargetException failure(String what, JedisException e, boolean verifying) {
        String code = e.getMessage() == null ? "" : e.getMessage().split(" ", 2)[0];
        String reason = e.getClass().getSimpleName() + (code.matches("[A-Z]{3,12}") ? " " + code : "");
        if (e instanceof JedisConnectionException) {
            return TargetException.retryable(what + ": " + reason);
        }
        if (verifying && e instanceof JedisAccessControlException) {
            return TargetException.retryable(what + ": " + reason);
        }
        return TargetException.permanent(what + ": " + reason);
    }
}
