package io.rekey.cli.dev;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretStores;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The machine's PostgreSQL as the dev stack uses it: the secret store's database, and logins for the roles rekey
 * rotates made to need passwords: members of {@code rekey_managed} must log in with their password
 * ({@code scripts/postgres-require-passwords.sh}).
 */
final class DevPostgres {

    static final String HOST = "127.0.0.1";
    static final int PORT = 5432;
    static final String ADMIN = "postgres";
    /** The store database of the default dev stack. */
    static final String STORE_DATABASE = "rekey_dev";

    private DevPostgres() {
    }

    static String storeUrl(String database) {
        return url(database);
    }

    /** A dev stack's secret store, as the worker opens it. */
    static SecretStore store(String database, DevKeys keys) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(storeUrl(database));
        dataSource.setUser(ADMIN);
        return SecretStores.postgres(dataSource, keys.storeKeyset(), "the dev stack's store keyset", 10);
    }

    /** Checks PostgreSQL is there, requires passwords for managed roles, and creates (or with fresh, recreates) the store database. */
    static void prepare(Path home, String database, boolean fresh, PrintStream out) {
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            if (fresh) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                s.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            throw new CliException(RekeyCli.EXIT_UNREACHABLE, "PostgreSQL at " + HOST + ":" + PORT + " is not usable as user "
                    + ADMIN + " (" + e.getMessage() + "): start it (pg_ctlcluster <version> main start) and retry");
        }
        requirePasswords(home, out);
    }


    private static void requirePasswords(Path home, PrintStream out) {
        Path script = home.resolve("scripts").resolve("postgres-require-passwords.sh");
        try {
            Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                out.println("warning: could not make PostgreSQL require passwords for rekey-managed roles (" + output
                        + "); rotations cannot prove a new password works while PostgreSQL trusts every login");
            } else if (!output.isEmpty()) {
                out.println(output);
            }
        } catch (IOException e) {
            out.println("warning: " + script + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    private static Connection admin(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", ADMIN);
        props.setProperty("loginTimeout", "5");
        return DriverManager.getConnection(url(database), props);
    }

    private static String url(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }
}
