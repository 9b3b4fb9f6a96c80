package io.rekey.worker.target.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.rekey.store.SecretValue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pooled admin connections, one small pool per server and admin login: a password change then costs a statement,
 * not a new server process. Pools are keyed by a hash of the admin password too, so rotating the admin credential
 * opens a new pool; an unused pool closes its connections after a minute.
 */
final class AdminConnections implements AutoCloseable {

    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    Connection get(String url, String user, SecretValue password) throws SQLException {
        return pools.computeIfAbsent(key(url, user, password), k -> pool(url, user, password)).getConnection();
    }

    private static HikariDataSource pool(String url, String user, SecretValue password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("rekey-target-admin");
        config.setJdbcUrl(url);
        config.setUsername(user);
        if (password != null) {
            config.setPassword(password.reveal());
        }
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // Fail on first use, not at start-up: a target may be down when the worker starts.
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", "rekey-rotation-worker");
        return new HikariDataSource(config);
    }

    private static String key(String url, String user, SecretValue password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((url + "\n" + user + "\n").getBytes(StandardCharsets.UTF_8));
            if (password != null) {
                digest.update(password.utf8());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
