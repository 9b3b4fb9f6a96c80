package io.rekey.testkit.redis;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The machine's Redis (127.0.0.1:6379, {@code default} user without a password) for tests: throw-away ACL users with
 * unique names, deleted afterwards.
 */
public final class RedisAcl {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 6379;

    private RedisAcl() {
    }

    /** An enabled user with {@code password} and every permission; closing it deletes it. */
    public static TestUser createUser(String prefix, String password) {
        return createUser(prefix, password, "~*", "&*", "+@all");
    }

    /** An enabled user with {@code password} and only the permissions {@code rules} give; closing it deletes it. */
    public static TestUser createUser(String prefix, String password, String... rules) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<String> all = new ArrayList<>(List.of("on", ">" + password));
        all.addAll(List.of(rules));
        try (Jedis admin = admin()) {
            admin.aclSetUser(name, all.toArray(String[]::new));
        }
        return new TestUser(name);
    }

    /** Whether AUTH as {@code user} with {@code password} succeeds (AUTH alone: the user may have no other right). */
    public static boolean canAuth(String user, String password) {
        try (Jedis jedis = new Jedis(new HostAndPort(HOST, PORT), DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build())) {
            return "OK".equals(jedis.auth(user, password));
        } catch (JedisAccessControlException e) {
            return false;
        }
    }

    /** The SHA-256 password hashes Redis keeps for {@code user}. */
    public static List<String> passwordHashes(String user) {
        try (Jedis admin = admin()) {
            return admin.aclGetUser(user).getPasswords();
        }
    }

    /** Applies ACL rules to {@code user}, as an operator would. */
    public static void setUser(String user, String... rules) {
        try (Jedis admin = admin()) {
            admin.aclSetUser(user, rules);
        }
    }

    private static Jedis admin() {
        return new Jedis(new HostAndPort(HOST, PORT), DefaultJedisClientConfig.builder().clientSetInfoConfig(ClientSetInfoConfig.DISABLED).build());
    }

    /** A throw-away ACL user. */
    public record TestUser(String name) implements AutoCloseable {
        @Override
        public void close() {
            try (Jedis admin = admin()) {
                admin.aclDelUser(name);
            }
        }
    }
}
