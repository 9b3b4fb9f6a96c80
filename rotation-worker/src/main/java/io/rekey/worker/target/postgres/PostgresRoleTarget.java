package io.rekey.worker.target.postgres;

import io.rekey.schema.TargetKind;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.account.AccountTarget;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Properties;

/**
 * PostgreSQL login roles, SINGLE_USER or ALTERNATING_USERS (see {@link AccountTarget}): deploy sets the password
 * through an admin connection, verify logs in as the role with the new password, rollback sets the old state back;
 * an alternating role is enabled with {@code LOGIN} and disabled with {@code NOLOGIN}.
 *
 * <p>The password is set with pgjdbc's {@code alterUserPassword}, which computes the SCRAM-SHA-256 verifier
 * on this side: the plaintext never travels to the server, so it cannot land in the server's statement log.
 * Role names are quoted by the driver, so no name can inject SQL.
 *
 * <p>Target parameters: {@code host} (127.0.0.1), {@code port} (5432), {@code database} (postgres),
 * {@code role} (required), {@code alternateRole} ({@code <role>_clone}, ALTERNATING_USERS), {@code previousUser}
 * ({@code keep} or {@code disable}, ALTERNATING_USERS), {@code adminUser} (postgres), {@code adminSecretId} (a
 * registered secret holding the admin's password; absent when the admin connects without one), {@code sslmode}
 * (prefer).
 */
public final class PostgresRoleTarget extends AccountTarget implements AutoCloseable {

    private static final int LOGIN_TIMEOUT_SECONDS = 10;
    private static final int SOCKET_TIMEOUT_SECONDS = 30;

    private final AdminConnections admins = new AdminConnections();

    @Override
    public TargetKind kind() {
        return TargetKind.POSTGRESQL;
    }

    @Override
    protected String userParam() {
        return "role";
    }

    @Override
    protected String alternateParam() {
        return "alternateRole";
    }

    @Override
    protected void validateConnection(TargetParams params) {
        params.port("port", 5432);
        params.oneOf("sslmode", "prefer", "disable", "allow", "prefer", "require", "verify-ca", "verify-full");
        params.name("adminUser", "postgres", 63);
    }

    @Override
    protected void login(TargetContext context, String role, SecretValue password) {
        try (Connection connection = connect(context, role, password);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT current_user")) {
            if (!rs.next() || !role.equals(rs.getString(1))) {
                throw TargetException.permanent("verify: logged in but current_user is not " + role);
            }
        } catch (SQLException e) {
            throw failure("verify: login as " + role + " with the new password failed", e, password);
        }
    }

    @Override
    protected void setPassword(TargetContext context, String role, SecretValue password, boolean enableLogin, String operation) {
        SecretValue adminPassword = context.adminPassword();
        char[] chars = password.asChars();
        try (Connection connection = admin(context, adminPassword)) {
            connection.setAutoCommit(false);
            PGConnection pg = connection.unwrap(PGConnection.class);
            pg.alterUserPassword(role, chars, "scram-sha-256");
            if (enableLogin) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER ROLE " + pg.escapeIdentifier(role) + " LOGIN");
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw failure(operation + ": setting the password of role " + role + " failed", e, password, adminPassword);
        } finally {
            Arrays.fill(chars, '\0');
            close(adminPassword);
        }
    }

    @Override
    protected void disableLogin(TargetContext context, String role, String operation) {
        SecretValue adminPassword = context.adminPassword();
        try (Connection connection = admin(context, adminPassword);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + connection.unwrap(PGConnection.class).escapeIdentifier(role) + " NOLOGIN");
        } catch (SQLException e) {
            throw failure(operation + ": disabling login of role " + role + " failed", e, adminPassword);
        } finally {
            close(adminPassword);
        }
    }

    /** A pooled admin connection: a password change then costs a statement, not a new server process. */
    private Connection admin(TargetContext context, SecretValue adminPassword) throws SQLException {
        return admins.get(url(context), context.param("adminUser", "postgres"), adminPassword);
    }

    /** A fresh login, as verification needs: a pooled connection would prove nothing about the new password. */
    private static Connection connect(TargetContext context, String user, SecretValue password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password.reveal());
        }
        props.setProperty("ApplicationName", "rekey-rotation-worker");
        return DriverManager.getConnection(url(context), props);
    }

    private static String url(TargetContext context) {
        TargetParams params = context.parameters();
        return "jdbc:postgresql://" + params.optional("host", "127.0.0.1") + ":" + params.port("port", 5432)
                + "/" + params.optional("database", "postgres") + "?sslmode=" + params.optional("sslmode", "prefer")
                + "&loginTimeout=" + LOGIN_TIMEOUT_SECONDS + "&socketTimeout=" + SOCKET_TIMEOUT_SECONDS;
    }

    @Override
    public void close() {
        admins.close();
    }

    private static void close(SecretValue value) {
        if (value != null) {
            value.close();
        }
    }

    /** Connection trouble, server pressure and refused logins pass; a missing role or a refused privilege does not. */
    private static TargetException failure(String what, SQLException e, SecretValue... secrets) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = what + ": " + TargetException.scrubbed(e.getMessage(), secrets) + (state.isEmpty() ? "" : " (SQLState " + state + ")");
        boolean retryable = state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("28")
                || state.isEmpty();
        return retryable ? TargetException.retryable(message) : TargetException.permanent(message);
    }
}
