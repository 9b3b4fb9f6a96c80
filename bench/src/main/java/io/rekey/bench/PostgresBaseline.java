package io.rekey.bench;

import io.rekey.testkit.postgres.Postgres;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * The floor a rotation adds overhead to: set a role's password over one admin connection (the same client-side SCRAM
 * call the worker uses) and log in as the role with it, sequentially.
 */
final class PostgresBaseline {

    private PostgresBaseline() {
    }

    /** One password change plus login per role, in order; returns each round trip's duration. */
    static List<Duration> alterAndLogin(List<String> roles) throws SQLException {
        List<Duration> times = new ArrayList<>();
        Properties admin = new Properties();
        admin.setProperty("user", Postgres.ADMIN);
        try (Connection connection = DriverManager.getConnection(Postgres.url("postgres"), admin)) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            for (String role : roles) {
                String password = UUID.randomUUID().toString();
                long start = System.nanoTime();
                pg.alterUserPassword(role, password.toCharArray(), "scram-sha-256");
                Properties login = new Properties();
                login.setProperty("user", role);
                login.setProperty("password", password);
                try (Connection ignored = DriverManager.getConnection(Postgres.url("postgres"), login)) {
                    times.add(Duration.ofNanos(System.nanoTime() - start));
                }
            }
        }
        return times;
    }
}
