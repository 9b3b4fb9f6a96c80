package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database secrets engine for PostgreSQL, as Vault's API reference documents it ("Database secrets engine") and
 * its postgresql-database-plugin behaves, against a real PostgreSQL: {@code config/:name} (plugin_name,
 * connection_url with {@code {{username}}}/{@code {{password}}}, username, password, allowed_roles),
 * {@code roles/:name} (db_name, creation/revocation/renew statements with {@code {{name}}}, {@code {{password}}},
 * {@code {{expiration}}}, default_ttl, max_ttl) and {@code creds/:name}, which runs the creation statements and
 * answers {@code {"lease_id":"<mount>/creds/<role>/<id>","renewable":true,"lease_duration":N,"data":{"username",
 * "password"}}}. Leases live in the shared {@link LeaseTable}: renewing runs the renew statements (default
 * {@code ALTER ROLE ... VALID UNTIL}), revoking or expiry the revocation statements (default {@code DROP ROLE}).
 * Not modelled: static roles, root rotation, username templates, password policies beyond Vault's default shape.
 */
final class DatabaseBackend implements VaultBackend {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ").withZone(ZoneOffset.UTC);
    private static final Duration MOUNT_DEFAULT_TTL = Duration.ofHours(768);
    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String DIGITS = "0123456789";

    private record Config(String jdbcUrl, String username, String password, List<String> allowedRoles) { }

    private record Role(String dbName, List<String> creation, List<String> revocation, List<String> renew, Duration ttl, Duration maxTtl) { }

    private final String mount;
    private final LeaseTable leases;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Config> configs = new TreeMap<>();
    private final Map<String, Role> roles = new TreeMap<>();

    DatabaseBackend(String mount, LeaseTable leases) {
        this.mount = mount;
        this.leases = leases;
    }

    @Override
    public synchronized VaultReply handle(VaultRequest request) {
        String path = request.path();
        int slash = path.indexOf('/');
        String kind = slash < 0 ? path : path.substring(0, slash);
        String name = slash < 0 ? "" : path.substring(slash + 1);
        if (name.isEmpty() || name.contains("/")) {
            return VaultReply.error(404, "no handler for route \"" + mount + "/" + path + "\". route entry not found.");
        }
        return switch (kind) {
            case "config" -> request.operation() == VaultRequest.Operation.UPDATE ? config(name, request.body()) : unsupported();
            case "roles" -> switch (request.operation()) {
                case UPDATE -> role(name, request.body());
                case READ -> readRole(name);
                case DELETE -> {
                    roles.remove(name);
                    yield VaultReply.noContent();
                }
                default -> unsupported();
            };
            case "creds" -> request.operation() == VaultRequest.Operation.READ ? creds(name) : unsupported();
            default -> VaultReply.error(404, "no handler for route \"" + mount + "/" + path + "\". route entry not found.");
        };
    }

    private VaultReply config(String name, JsonNode body) {
        if (!"postgresql-database-plugin".equals(body.path("plugin_name").asText())) {
            return VaultReply.badRequest("the stand-in supports plugin_name postgresql-database-plugin only");
        }
        String url = body.path("connection_url").asText("");
        if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            return VaultReply.badRequest("connection_url must be postgresql://{{username}}:{{password}}@host:port/database");
        }
        String jdbc = "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3).replaceFirst("^[^@/]*@", "");
        configs.put(name, new Config(jdbc, body.path("username").asText(""), body.path("password").asText(""),
                strings(body.path("allowed_roles"))));
        return VaultReply.noContent();
    }

    private VaultReply role(String name, JsonNode body) {
        String dbName = body.path("db_name").asText("");
        List<String> creation = strings(body.path("creation_statements"));
        if (dbName.isEmpty() || creation.isEmpty()) {
            return VaultReply.badRequest(dbName.isEmpty() ? "empty database name attribute" : "creation_statements are required");
        }
        Duration ttl = duration(body.path("default_ttl"));
        Duration maxTtl = duration(body.path("max_ttl"));
        if (ttl == null || maxTtl == null) {
            return VaultReply.badRequest("default_ttl and max_ttl must be seconds or a duration such as 1h");
        }
        roles.put(name, new Role(dbName, creation, strings(body.path("revocation_statements")), strings(body.path("renew_statements")),
                ttl, maxTtl));
        return VaultReply.noContent();
    }

    private VaultReply readRole(String name) {
        Role role = roles.get(name);
        if (role == null) {
            return VaultReply.notFound();
        }
        ObjectNode data = JSON.objectNode();
        data.put("db_name", role.dbName());
        data.set("creation_statements", array(role.creation()));
        data.set("revocation_statements", array(role.revocation()));
        data.set("renew_statements", array(role.renew()));
        data.set("rollback_statements", JSON.arrayNode());
        data.put("default_ttl", role.ttl().toSeconds());
        data.put("max_ttl", role.maxTtl().toSeconds());
        return VaultReply.ok(data);
    }

    private VaultReply creds(String roleName) {
        Role role = roles.get(roleName);
        if (role == null) {
            return VaultReply.badRequest("unknown role: " + roleName);
        }
        Config config = configs.get(role.dbName());
        if (config == null) {
            return VaultReply.error(500, "error getting database connection: plugin \"" + role.dbName() + "\" not found");
        }
        if (!config.allowedRoles().contains("*") && !config.allowedRoles().contains(roleName)) {
            return VaultReply.badRequest("\"" + roleName + "\" is not an allowed role");
        }
        Duration ttl = role.ttl().isZero() ? MOUNT_DEFAULT_TTL : role.ttl();
        Duration first = role.maxTtl().isZero() || ttl.compareTo(role.maxTtl()) <= 0 ? ttl : role.maxTtl();
        String username = username(roleName);
        String password = password();
        try {
            run(config, role.creation(), username, password, leases.expiryFor(first));
        } catch (SQLException e) {
            return VaultReply.error(500, "failed to create user: " + e.getSQLState());
        }
        LeaseTable.Lease lease = leases.issue(mount + "/creds/" + roleName, ttl, role.maxTtl(), new LeaseTable.Secret() {
            @Override
            public void revoke() {
                List<String> statements = role.revocation().isEmpty() ? List.of("DROP ROLE IF EXISTS \"{{name}}\";") : role.revocation();
                try {
                    run(config, statements, username, null, null);
                } catch (SQLException e) {
                    throw new IllegalStateException("failed to revoke " + username + " (" + e.getSQLState() + ")", e);
                }
            }

            @Override
            public void renewed(Instant newExpiry) {
                List<String> statements = role.renew().isEmpty()
                        ? List.of("ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';") : role.renew();
                try {
                    run(config, statements, username, null, newExpiry);
                } catch (SQLException e) {
                    throw new IllegalStateException("failed to renew " + username + " (" + e.getSQLState() + ")", e);
                }
            }
        });
        ObjectNode envelope = JSON.objectNode();
        envelope.put("request_id", UUID.randomUUID().toString());
        envelope.put("lease_id", lease.id());
        envelope.put("renewable", true);
        envelope.put("lease_duration", first.toSeconds());
        ObjectNode data = envelope.putObject("data");
        data.put("username", username);
        data.put("password", password);
        envelope.putNull("wrap_info");
        envelope.putNull("warnings");
        envelope.putNull("auth");
        return new VaultReply(200, envelope);
    }

    private static void run(Config config, List<String> statements, String username, String password, Instant expiration) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.username());
        if (!config.password().isEmpty()) {
            props.setProperty("password", config.password());
        }
        try (Connection connection = DriverManager.getConnection(config.jdbcUrl(), props); Statement statement = connection.createStatement()) {
            for (String template : statements) {
                for (String sql : template.split(";")) {
                    if (sql.isBlank()) {
                        continue;
                    }
                    String filled = sql.replace("{{name}}", username).replace("{{username}}", username);
                    if (password != null) {
                        filled = filled.replace("{{password}}", password);
                    }
                    if (expiration != null) {
                        filled = filled.replace("{{expiration}}", EXPIRATION.format(expiration));
                    }
                    statement.execute(filled);
                }
            }
        }
    }

    /** Vault's default username template, {@code v-<display name>-<role>-<20 random>-<unix time>}, cut to 63 characters. */
    private String username(String role) {
        String name = "v-root-" + role + "-" + random(LOWER + UPPER + DIGITS, 20) + "-" + Instant.now().getEpochSecond();
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** Vault's default password policy: 20 characters with a lower-case letter, an upper-case letter, a digit and a dash. */
    private String password() {
        char[] chars = (random(LOWER, 1) + random(UPPER, 1) + random(DIGITS, 1) + "-" + random(LOWER + UPPER + DIGITS, 16)).toCharArray();
        for (int i = chars.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            char c = chars[i];
            chars[i] = chars[j];
            chars[j] = c;
        }
        return new String(chars);
    }

    private String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** A list of strings, or one string (Vault accepts both), or a comma-separated string for allowed_roles. */
    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isTextual() && !node.asText().isBlank()) {
            out.add(node.asText());
        }
        return out.size() == 1 && out.get(0).contains(",") && !out.get(0).contains(" ") ? List.of(out.get(0).split(",")) : out;
    }

    /** Seconds, or a duration string such as 90s, 30m, 1h, 2d; absent is zero. */
    private static Duration duration(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Duration.ZERO;
        }
        if (node.canConvertToLong()) {
            return Duration.ofSeconds(node.asLong());
        }
        Matcher m = DURATION.matcher(node.asText());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static VaultReply unsupported() {
        return VaultReply.error(405, "unsupported operation");
    }
}
