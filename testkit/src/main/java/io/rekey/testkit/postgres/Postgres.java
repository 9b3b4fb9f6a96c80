package io.rekey.testkit.postgres;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * The machine's PostgreSQL (127.0.0.1:5432, admin user {@code postgres}) for tests: throw-away databases and
 * login roles with unique names, dropped afterwards so runs do not collide.
 */
public final class Postgres {

    public static final String HOST = "127.0.0.1";
    public static final int PORT = 5432;
    public static final String ADMIN = "postgres";
    /** Group role whose members must log in with their password (scripts/postgres-require-passwords.sh). */
    public static final String MANAGED_GROUP = "rekey_managed";

    private Postgres() {
    }

    /** A new empty database; closing it drops it. */
    public static TestDatabase createDatabase(String prefix) {
        String name = uniqueName(prefix);
        admin("CREATE DATABASE " + name);
        return new TestDatabase(name);
    }

    /** A login role in {@link #MANAGED_GROUP} with {@code password}; closing it drops it. */
    public static TestRole createManagedRole(String prefix, String password) {
        String name = uniqueName(prefix);
        admin("CREATE ROLE " + name + " LOGIN PASSWORD '" + password.replace("'", "''") + "' IN ROLE " + MANAGED_GROUP);
        return new TestRole(name);
    }

    /** Whether {@code role} can log in with {@code password} over TCP on 127.0.0.1. */
    public static boolean canLogin(String role, String password) {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("loginTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(url("postgres"), props)) {
            return true;
        } catch (SQLException e) {
            if ("28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState())) {
                return false;
            }
            throw new IllegalStateException("cannot reach PostgreSQL at " + HOST + ":" + PORT + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless PostgreSQL checks passwords for managed roles: with trust authentication a login proves
     * nothing, and a test asserting "the old password no longer works" would pass for the wrong reason.
     */
    public static void requirePasswordAuthentication() {
        try (TestRole probe = createManagedRole("rekey_probe", "the-right-password")) {
            if (canLogin(probe.name(), "a-wrong-password")) {
                throw new IllegalStateException("PostgreSQL accepts any password for members of " + MANAGED_GROUP
                        + " (trust authentication): run scripts/postgres-require-passwords.sh as root first (.ci/run does)");
            }
        }
    }

    public static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /** Runs a statement as the admin user in the postgres database. */
    public static void admin(String sql) {
        Properties props = new Properties();
        props.setProperty("user", ADMIN);
        try (Connection c = DriverManager.getConnection(url("postgres"), props); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL admin statement failed (" + e.getSQLState() + "): " + e.getMessage(), e);
        }
    }

    private static String uniqueName(String prefix) {
        return prefix.toLowerCase() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** A throw-away database. */
    public record TestDatabase(String name) implements AutoCloseable {
        public DataSource dataSource() {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setServerNames(new String[] {HOST});
            ds.setPortNumbers(new int[] {PORT});
            ds.setDatabaseName(name);
            ds.setUser(ADMIN);
            return ds;
        }

        public String url() {
            return Postgres.url(name);
        }

        @Override
        public void close() {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** A throw-away login role. */
    public record TestRole(String name) implements AutoCloseable {
        @Override
        public void close() {
            admin("DROP ROLE IF EXISTS " + name);
        }
    }
}
