package io.rekey.testkit.mariadb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The machine's MariaDB (127.0.0.1:3306, {@code root} without a password) for tests: throw-away users with unique
 * names, dropped afterwards. Passwords are checked for these users (unlike PostgreSQL, nothing is trusted).
 */
public final class Mariadb {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 3306;
    public static final String ADMIN = "root";

    private Mariadb() {
    }

    /** A user {@code 'name'@'%'} with {@code password}; closing it drops it. */
    public static TestUser createUser(String prefix, String password) {
        String name = prefix.toLowerCase() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = admin(); PreparedStatement s = c.prepareStatement("CREATE USER '" + name + "'@'%' IDENTIFIED BY ?")) {
            s.setString(1, password);
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create MariaDB user " + name + " (" + e.getErrorCode() + ")", e);
        }
        return new TestUser(name);
    }

    /** Whether {@code user} can log in with {@code password}; false when MariaDB refuses the login (wrong password, locked). */
    public static boolean canLogin(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10000");
        try (Connection ignored = DriverManager.getConnection(url(), props)) {
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1045 || e.getErrorCode() == 4151 || "28000".equals(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("cannot reach MariaDB at " + HOST + ":" + PORT + " (" + e.getErrorCode() + ")", e);
        }
    }

    /**
     * Sets {@code user}'s password as another administrator would, sending only its mysql_native_password hash (the
     * driver logs statements at DEBUG, and a test must not put a password in the log it checks).
     */
    public static void setPassword(String user, String password) {
        try {
            java.security.MessageDigest sha1 = java.security.MessageDigest.getInstance("SHA-1");
            String hash = "*" + java.util.HexFormat.of().withUpperCase().formatHex(sha1.digest(sha1.digest(
                    password.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            admin("ALTER USER '" + user + "'@'%' IDENTIFIED BY PASSWORD '" + hash + "'");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a statement as root. */
    public static void admin(String sql) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB admin statement failed (" + e.getErrorCode() + "): " + e.getMessage(), e);
        }
    }

    public static String url() {
        return "jdbc:mariadb://" + HOST + ":" + PORT + "/";
    }

    private static Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN);
        props.setProperty("password", "");
        return DriverManager.getConnection(url(), props);
    }

    /** A throw-away user. */
    public record TestUser(String name) implements AutoCloseable {
        @Override
        public void close() {
            admin("DROP USER IF EXISTS '" + name + "'@'%'");
        }
    }
}
