package io.rekey.store.postgres;

import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.StoreConflictException;
import io.rekey.store.StoreUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SecretStore} in PostgreSQL: values envelope-encrypted with {@link EnvelopeCipher}, versions and
 * labels in tables, every write a transaction that first locks the secret's row and checks CURRENT
 * (compare-and-set). Unlabelled (deprecated) versions beyond {@code maxVersions} are deleted on promotion.
 */
public final class PostgresSecretStore implements SecretStore {

    private static final String[] SCHEMA = {
            "CREATE TABLE IF NOT EXISTS rekey_secret ("
                    + " path TEXT PRIMARY KEY,"
                    + " created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            "CREATE TABLE IF NOT EXISTS rekey_secret_version ("
                    + " path TEXT NOT NULL REFERENCES rekey_secret(path) ON DELETE CASCADE,"
                    + " version_id TEXT NOT NULL,"
                    + " seq BIGSERIAL NOT NULL,"
                    + " ciphertext BYTEA NOT NULL,"
                    + " created_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
                    + " PRIMARY KEY (path, version_id))",
            "CREATE TABLE IF NOT EXISTS rekey_secret_label ("
                    + " path TEXT NOT NULL,"
                    + " label TEXT NOT NULL,"
                    + " version_id TEXT NOT NULL,"
                    + " PRIMARY KEY (path, label),"
                    + " FOREIGN KEY (path, version_id) REFERENCES rekey_secret_version(path, version_id) ON DELETE CASCADE)"
    };

    private final DataSource dataSource;
    private final EnvelopeCipher cipher;
    private final int maxVersions;

    public PostgresSecretStore(DataSource dataSource, EnvelopeCipher cipher, int maxVersions) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
        this.cipher = Objects.requireNonNull(cipher, "cipher must not be null");
        if (maxVersions < 3) {
            throw new IllegalArgumentException("rekey.worker.store.postgres.max-versions must be at least 3 (CURRENT, PENDING, PREVIOUS), was " + maxVersions);
        }
        this.maxVersions = maxVersions;
    }

    /** Creates the tables if they do not exist. */
    public void migrate() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // Two workers starting together must not race on CREATE TABLE IF NOT EXISTS.
            s.execute("SELECT pg_advisory_xact_lock(727365)");
            for (String ddl : SCHEMA) {
                s.execute(ddl);
            }
        } catch (SQLException e) {
            throw unavailable("creating the secret store tables", e);
        }
    }

    @Override
    public Optional<SecretMetadata> describe(String path) {
        try (Connection c = dataSource.getConnection()) {
            return metadata(c, path);
        } catch (SQLException e) {
            throw unavailable("reading " + path, e);
        }
    }

    @Override
    public Optional<SecretValue> read(String path, String versionId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT ciphertext FROM rekey_secret_version WHERE path = ? AND version_id = ?")) {
            ps.setString(1, path);
            ps.setString(2, versionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] plaintext = cipher.decrypt(rs.getBytes(1), path, versionId);
                try {
                    return Optional.of(SecretValue.ofUtf8(plaintext));
                } finally {
                    Arrays.fill(plaintext, (byte) 0);
                }
            }
        } catch (SQLException e) {
            throw unavailable("reading " + path, e);
        }
    }

    @Override
    public void putCurrent(String path, String versionId, SecretValue value, String expectedCurrent) {
        inTransaction(path, c -> {
            SecretMetadata before = lockOrCreate(c, path, expectedCurrent == null);
            String current = before.versionWith(Label.CURRENT).orElse(null);
            if (!Objects.equals(current, expectedCurrent)) {
                throw conflict(path, expectedCurrent, current);
            }
            if (before.hasVersion(versionId)) {
                throw new StoreConflictException("version " + versionId + " of " + path + " already exists");
            }
            insertVersion(c, path, versionId, value);
            if (current != null) {
                setLabel(c, path, Label.PREVIOUS, current);
            }
            setLabel(c, path, Label.CURRENT, versionId);
        });
    }

    @Override
    public void putPending(String path, String versionId, SecretValue value, String expectedCurrent) {
        inTransaction(path, c -> {
            SecretMetadata before = lockOrCreate(c, path, expectedCurrent == null);
            String current = before.versionWith(Label.CURRENT).orElse(null);
            if (!Objects.equals(current, expectedCurrent)) {
                throw conflict(path, expectedCurrent, current);
            }
            Optional<String> pending = before.versionWith(Label.PENDING);
            if (pending.isPresent() && pending.get().equals(versionId)) {
                return; // write-ahead already done: the stored value wins
            }
            if (pending.isPresent()) {
                throw new StoreConflictException("another rotation is in flight for " + path + ": PENDING is on version " + pending.get());
            }
            if (before.hasVersion(versionId)) {
                throw new StoreConflictException("version " + versionId + " of " + path + " already exists and is not PENDING");
            }
            insertVersion(c, path, versionId, value);
            setLabel(c, path, Label.PENDING, versionId);
        });
    }

    @Override
    public void promote(String path, String versionId, String expectedCurrent) {
        inTransaction(path, c -> {
            SecretMetadata before = lock(c, path).orElseThrow(() -> new StoreConflictException(path + " does not exist"));
            String current = before.versionWith(Label.CURRENT).orElse(null);
            if (versionId.equals(current)) {
                return; // already promoted
            }
            if (!Objects.equals(current, expectedCurrent)) {
                throw conflict(path, expectedCurrent, current);
            }
            if (!before.versionWith(Label.PENDING).map(versionId::equals).orElse(false)) {
                throw new StoreConflictException("version " + versionId + " of " + path + " is not PENDING");
            }
            deleteLabel(c, path, Label.PENDING);
            if (current != null) {
                setLabel(c, path, Label.PREVIOUS, current);
            }
            setLabel(c, path, Label.CURRENT, versionId);
            pruneDeprecated(c, path, current == null ? 1 : 2);
        });
    }

    @Override
    public void discardPending(String path, String versionId) {
        inTransaction(path, c -> {
            Optional<SecretMetadata> before = lock(c, path);
            if (before.isEmpty() || !before.get().hasVersion(versionId)) {
                return;
            }
            var labels = before.get().labelsOf(versionId);
            if (labels.contains(Label.CURRENT) || labels.contains(Label.PREVIOUS)) {
                throw new IllegalStateException("version " + versionId + " of " + path + " is " + labels + ", not a PENDING version");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rekey_secret_version WHERE path = ? AND version_id = ?")) {
                ps.setString(1, path);
                ps.setString(2, versionId);
                ps.executeUpdate();
            }
            if (before.get().versionIds().size() == 1) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM rekey_secret WHERE path = ?")) {
                    ps.setString(1, path);
                    ps.executeUpdate();
                }
            }
        });
    }

    private interface Work {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(String path, Work work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new StoreConflictException("concurrent write to " + path);
            }
            throw unavailable("writing " + path, e);
        }
    }

    /** Locks the secret's row for this transaction; creating it first when allowed. */
    private Optional<SecretMetadata> lock(Connection c, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT path FROM rekey_secret WHERE path = ? FOR UPDATE")) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return metadata(c, path);
    }

    private SecretMetadata lockOrCreate(Connection c, String path, boolean mayCreate) throws SQLException {
        if (mayCreate) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rekey_secret(path) VALUES (?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, path);
                ps.executeUpdate();
            }
        }
        return lock(c, path).orElseThrow(() -> new StoreConflictException(path + " does not exist"));
    }

    private static Optional<SecretMetadata> metadata(Connection c, String path) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version_id FROM rekey_secret_version WHERE path = ? ORDER BY seq")) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(rs.getString(1));
                }
            }
        }
        Map<Label, String> labels = new EnumMap<>(Label.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT label, version_id FROM rekey_secret_label WHERE path = ?")) {
            ps.setString(1, path);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    labels.put(Label.valueOf(rs.getString(1)), rs.getString(2));
                }
            }
        }
        if (versions.isEmpty() && labels.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM rekey_secret WHERE path = ?")) {
                ps.setString(1, path);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of(new SecretMetadata(path, versions, labels));
    }

    private void insertVersion(Connection c, String path, String versionId, SecretValue value) throws SQLException {
        byte[] plaintext = value.utf8();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rekey_secret_version(path, version_id, ciphertext) VALUES (?, ?, ?)")) {
            ps.setString(1, path);
            ps.setString(2, versionId);
            ps.setBytes(3, cipher.encrypt(plaintext, path, versionId));
            ps.executeUpdate();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private static void setLabel(Connection c, String path, Label label, String versionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO rekey_secret_label(path, label, version_id) VALUES (?, ?, ?) "
                + "ON CONFLICT (path, label) DO UPDATE SET version_id = EXCLUDED.version_id")) {
            ps.setString(1, path);
            ps.setString(2, label.name());
            ps.setString(3, versionId);
            ps.executeUpdate();
        }
    }

    private static void deleteLabel(Connection c, String path, Label label) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM rekey_secret_label WHERE path = ? AND label = ?")) {
            ps.setString(1, path);
            ps.setString(2, label.name());
            ps.executeUpdate();
        }
    }

    /** Deletes the oldest unlabelled versions beyond {@code maxVersions} in all: deprecated material is not kept forever. */
    private void pruneDeprecated(Connection c, String path, int labelled) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM rekey_secret_version v WHERE v.path = ? AND v.version_id IN ("
                        + " SELECT version_id FROM rekey_secret_version x WHERE x.path = ?"
                        + " AND NOT EXISTS (SELECT 1 FROM rekey_secret_label l WHERE l.path = x.path AND l.version_id = x.version_id)"
                        + " ORDER BY seq DESC OFFSET ?)")) {
            ps.setString(1, path);
            ps.setString(2, path);
            ps.setInt(3, Math.max(0, maxVersions - labelled));
            ps.executeUpdate();
        }
    }

    private static StoreConflictException conflict(String path, String expected, String actual) {
        return new StoreConflictException("CURRENT of " + path + " is " + (actual == null ? "absent" : "version " + actual)
                + ", expected " + (expected == null ? "absent" : "version " + expected));
    }

    private static StoreUnavailableException unavailable(String what, SQLException e) {
        return new StoreUnavailableException("secret store (PostgreSQL) failed " + what + ": " + e.getMessage()
                + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"), e);
    }
}
