package io.rekey.store.postgres;

import io.rekey.testkit.postgres.Postgres;
import io.rekey.store.SecretValue;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PostgreSQL store against the machine's PostgreSQL, in a database of its own. */
class PostgresSecretStoreIT extends SecretStoreContract {

    private static Postgres.TestDatabase database;
    private static PostgresSecretStore store;
    private static final String KEYSET = EnvelopeCipher.newKeysetJson();

    @BeforeAll
    static void createStore() {
        database = Postgres.createDatabase("rekey_store");
        store = new PostgresSecretStore(database.dataSource(), EnvelopeCipher.fromKeysetJson(KEYSET), 10);
        store.migrate();
        store.migrate(); // idempotent
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Override
    protected SecretStore store() {
        return store;
    }

    @Test
    void valuesAreEncryptedAtRest() throws SQLException {
        String path = "at-rest/" + UUID.randomUUID();
        store.putCurrent(path, "v1", SecretValue.of("plain-text-canary-4711"), null);

        byte[] stored = ciphertext(path, "v1");

        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("plain-text-canary-4711");
        assertThat(stored.length).isGreaterThan("plain-text-canary-4711".length());
    }

    @Test
    void aCiphertextMovedToAnotherVersionIsRefused() throws SQLException {
        String path = "swap/" + UUID.randomUUID();
        store.putCurrent(path, "v1", SecretValue.of("value-one-Ab3"), null);
        store.putPending(path, "r2", SecretValue.of("value-two-Cd4"), "v1");

        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE rekey_secret_version SET ciphertext = ? WHERE path = ? AND version_id = 'r2'")) {
            ps.setBytes(1, ciphertext(path, "v1"));
            ps.setString(2, path);
            ps.executeUpdate();
        }

        assertThatThrownBy(() -> store.read(path, "r2"))
                .hasMessageContaining("cannot be decrypted").hasMessageNotContaining("value-");
    }

    @Test
    void anotherKeysetCannotReadTheValues() {
        String path = "other-kek/" + UUID.randomUUID();
        store.putCurrent(path, "v1", SecretValue.of("value-one-Ef5"), null);
        PostgresSecretStore otherKey = new PostgresSecretStore(database.dataSource(),
                EnvelopeCipher.fromKeysetJson(EnvelopeCipher.newKeysetJson()), 10);

        assertThatThrownBy(() -> otherKey.read(path, "v1")).hasMessageContaining("wrong key-encryption keyset");
    }

    @Test
    void anInvalidKeysetIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> EnvelopeCipher.fromKeysetJson("{\"primaryKeyId\": 1, \"key\": \"sekrit-material\"}"))
                .hasMessageContaining("not a valid Tink AEAD keyset").hasMessageNotContaining("sekrit");
    }

    @Test
    void deprecatedVersionsBeyondTheLimitAreDeleted() {
        String path = "prune/" + UUID.randomUUID();
        store.putCurrent(path, "v0", SecretValue.of("value-zero-Gh6"), null);
        String current = "v0";
        for (int i = 1; i <= 12; i++) {
            store.putPending(path, "v" + i, SecretValue.of("value-number-" + i + "-Ij7"), current);
            store.promote(path, "v" + i, current);
            current = "v" + i;
        }

        assertThat(store.describe(path).orElseThrow().versionIds()).hasSize(10).endsWith("v11", "v12");
    }

    private static byte[] ciphertext(String path, String version) throws SQLException {
        try (Connection c = database.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT ciphertext FROM rekey_secret_version WHERE path = ? AND version_id = ?")) {
            ps.setString(1, path);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        }
    }
}
