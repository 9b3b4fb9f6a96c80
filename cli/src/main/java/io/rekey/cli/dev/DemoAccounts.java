package io.rekey.cli.dev;

import io.rekey.store.Label;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretValue;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The accounts the demo secrets ({@code lifecycle-service/demo/demo-secrets.json}) rotate, created on this machine's
 * services when missing: a PostgreSQL role, MariaDB's alternating pair of users, a Redis ACL user and two RabbitMQ
 * users, one of them the administrator the worker changes RabbitMQ passwords with. Accounts get a random password
 * nobody keeps (rekey replaces it with its first rotation), except the RabbitMQ administrator: the worker needs its
 * password before it can rotate anything there, so it goes into the secret store as {@code mq/admin}.
 *
 * <p>The machine's own accounts (postgres, root, Redis's default user, RabbitMQ's guest) are only used to create
 * these, never rotated. A service that is not there is reported and skipped: rotations of its demo secrets fail,
 * the rest of the demo works.
 */
final class DemoAccounts {

    static final String POSTGRES_ROLE = "rekey_demo_orders";
    static final String MARIADB_USER = "rekey_demo_billing";
    static final String MARIADB_ALTERNATE = MARIADB_USER + "_clone";
    static final String REDIS_USER = "rekey_demo_sessions";
    static final String RABBITMQ_USER = "rekey_demo_events";
    static final String RABBITMQ_ADMIN = "rekey_demo_admin";
    /** Where the seed file puts {@code mq/admin} in the store. */
    static final String RABBITMQ_ADMIN_STORE_PATH = "rekey/mq/admin";

    private static final String HOST = "127.0.0.1";
    private static final URI RABBITMQ_MANAGEMENT = URI.create("http://" + HOST + ":15672");
    private static final String RABBITMQ_BOOTSTRAP = basic("guest", "guest");
    private static final String FULL_PERMISSIONS = "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}";

    private DemoAccounts() {
    }

    /** Creates what is missing; returns one line per service that could not be prepared. */
    static List<String> prepare(SecretStore store, PrintStream out) {
        List<String> problems = new ArrayList<>();
        attempt("PostgreSQL role " + POSTGRES_ROLE, DemoAccounts::postgres, problems);
        attempt("MariaDB users " + MARIADB_USER + " and " + MARIADB_ALTERNATE, DemoAccounts::mariadb, problems);
        attempt("Redis ACL user " + REDIS_USER, DemoAccounts::redis, problems);
        attempt("RabbitMQ users " + RABBITMQ_USER + " and " + RABBITMQ_ADMIN, () -> rabbitmq(store), problems);
        problems.forEach(p -> out.println("demo: " + p));
        if (problems.isEmpty()) {
            out.println("demo accounts ready: PostgreSQL " + POSTGRES_ROLE + ", MariaDB " + MARIADB_USER + " and " + MARIADB_ALTERNATE
                    + ", Redis " + REDIS_USER + ", RabbitMQ " + RABBITMQ_USER + " and " + RABBITMQ_ADMIN);
        }
        return problems;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(String what, Step step, List<String> problems) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add(what + " not prepared: interrupted");
        } catch (Exception e) {
            problems.add(what + " not prepared (" + e.getMessage() + "); rotations of the secrets using them will fail");
        }
    }

    private static void postgres() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", DevPostgres.ADMIN);
        props.setProperty("loginTimeout", "5");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + DevPostgres.HOST + ":" + DevPostgres.PORT + "/postgres", props);
             Statement s = c.createStatement()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", POSTGRES_ROLE)) {
                s.execute("CREATE ROLE " + POSTGRES_ROLE + " LOGIN PASSWORD '" + throwAway() + "' IN ROLE rekey_managed");
            }
        }
    }

    private static void mariadb() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "root");
        props.setProperty("connectTimeout", "5000");
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + HOST + ":3306/", props); Statement s = c.createStatement()) {
            for (String user : List.of(MARIADB_USER, MARIADB_ALTERNATE)) {
                // Names are constants; the password is hex. The pair needs the same privileges.
                s.execute("CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY '" + throwAway() + "'");
                s.execute("GRANT SELECT ON test.* TO '" + user + "'@'%'");
            }
        }
    }

    private static void redis() {
        try (Jedis jedis = new Jedis(new HostAndPort(HOST, 6379), DefaultJedisClientConfig.builder()
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).connectionTimeoutMillis(5000).build())) {
            if (jedis.aclGetUser(REDIS_USER) == null) {
                jedis.aclSetUser(REDIS_USER, "on", ">" + throwAway(), "~sessions:*", "+@read", "+@write", "+@connection");
            }
        }
    }

    /**
     * The administrator first: created (or its password reset) through guest when the store holds no working
     * password for it, then the application user through it, as the worker will.
     */
    private static void rabbitmq(SecretStore store) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String adminAuth = store.read(RABBITMQ_ADMIN_STORE_PATH, Label.CURRENT)
                .map(value -> {
                    try (value) {
                        return basic(RABBITMQ_ADMIN, value.reveal());
                    }
                })
                .orElse(null);
        if (adminAuth == null || call(http, adminAuth, "GET", "/api/whoami", null) != 200) {
            String password = throwAway();
            require(call(http, RABBITMQ_BOOTSTRAP, "PUT", "/api/users/" + RABBITMQ_ADMIN,
                    "{\"password\":\"" + password + "\",\"tags\":\"administrator\"}"), "create " + RABBITMQ_ADMIN + " as guest");
            require(call(http, RABBITMQ_BOOTSTRAP, "PUT", "/api/permissions/%2F/" + RABBITMQ_ADMIN, FULL_PERMISSIONS),
                    "grant " + RABBITMQ_ADMIN + " the default virtual host");
            String current = store.describe(RABBITMQ_ADMIN_STORE_PATH).flatMap(m -> m.versionWith(Label.CURRENT)).orElse(null);
            try (SecretValue value = SecretValue.of(password)) {
                store.putCurrent(RABBITMQ_ADMIN_STORE_PATH, UUID.randomUUID().toString(), value, current);
            }
            adminAuth = basic(RABBITMQ_ADMIN, password);
        }
        if (call(http, adminAuth, "GET", "/api/users/" + RABBITMQ_USER, null) == 404) {
            require(call(http, adminAuth, "PUT", "/api/users/" + RABBITMQ_USER, "{\"password\":\"" + throwAway() + "\",\"tags\":\"\"}"),
                    "create " + RABBITMQ_USER);
            require(call(http, adminAuth, "PUT", "/api/permissions/%2F/" + RABBITMQ_USER, FULL_PERMISSIONS),
                    "grant " + RABBITMQ_USER + " the default virtual host");
        }
    }

    private static int call(HttpClient http, String authorization, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(RABBITMQ_MANAGEMENT.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.net.ConnectException e) {
            throw new IOException("no management API at " + RABBITMQ_MANAGEMENT
                    + "; enable it with: rabbitmq-plugins enable rabbitmq_management", e);
        }
    }

    private static void require(int status, String what) throws IOException {
        if (status / 100 != 2) {
            throw new IOException(what + ": HTTP " + status);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** 48 hex digits: safe inside SQL and JSON literals. */
    private static String throwAway() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
