package io.rekey.worker.target.mariadb;

import io.rekey.schema.TargetKind;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.account.AccountTarget;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;

/**
 * MariaDB (and MySQL 5.7) user accounts, SINGLE_USER or ALTERNATING_USERS (see {@link AccountTarget}): deploy
 * runs {@code ALTER USER}, verify logs in as the account with the new password, rollback restores the old state;
 * an alternating account is enabled with {@code ACCOUNT UNLOCK} and disabled with {@code ACCOUNT LOCK}.
 *
 * <p>By default ({@code passwordHashing=client}) the worker computes the {@code mysql_native_password} hash itself and
 * sends {@code IDENTIFIED BY PASSWORD '*...'}, so the plaintext never reaches the server's general or slow log;
 * logins use the challenge-response of that plugin, so the password does not cross the wire in verification either.
 * {@code passwordHashing=server} sends {@code IDENTIFIED BY '<password>'} as a bound parameter instead, for servers
 * without that plugin (MySQL 8.4 with caching_sha2_password): use it over TLS only. Account names are quoted as
 * backtick identifiers, in which no character but the backtick is special, whatever the SQL mode.
 *
 * <p>Target parameters: {@code host} (127.0.0.1), {@code port} (3306), {@code database} (none; verification's
 * default schema), {@code user} (required), {@code userHost} (the account's host part, {@code %}),
 * {@code alternateUser} ({@code <user>_clone}), {@code previousUser} ({@code keep} or {@code disable}),
 * {@code adminUser} (root), {@code adminSecretId} (absent: the admin has no password), {@code sslMode} (the
 * driver's: disable, trust, verify-ca, verify-full; default disable), {@code passwordHashing} (client).
 */
public final class MariadbUserTarget extends AccountTarget {

    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    /** Server errors that pass: too many connections, lock wait timeout, deadlock, shutdown, connection killed. */
    private static final Set<Integer> TRANSIENT_ERRORS = Set.of(1040, 1053, 1205, 1213, 1927, 2002, 2003, 2006, 2013);
    /** Refused logins: wrong password (1045), account locked (4151). The new credential did not work (yet). */
    private static final Set<Integer> LOGIN_REFUSED = Set.of(1045, 4151);

    @Override
    public TargetKind kind() {
        return TargetKind.MARIADB;
    }

    @Override
    protected String userParam() {
        return "user";
    }

    @Override
    protected String alternateParam() {
        return "alternateUser";
    }

    @Override
    protected int maxUserLength() {
        return 128;
    }

    @Override
    protected void validateConnection(TargetParams params) {
        params.port("port", 3306);
        params.name("userHost", "%", 255);
        params.name("adminUser", "root", 128);
        params.oneOf("sslMode", "disable", "disable", "trust", "verify-ca", "verify-full");
        params.oneOf("passwordHashing", "client", "client", "server");
    }

    @Override
    protected void setPassword(TargetContext context, String user, SecretValue password, boolean enableLogin, String operation) {
        String account = account(context, user);
        String unlock = enableLogin ? " ACCOUNT UNLOCK" : "";
        boolean serverHashing = context.parameters().optional("passwordHashing", "client").equals("server");
        String hash = serverHashing ? null : nativePasswordHash(password);
        SecretValue adminPassword = context.adminPassword();
        try (Connection connection = connect(context, context.param("adminUser", "root"), adminPassword, true)) {
            if (serverHashing) {
                try (PreparedStatement statement = connection.prepareStatement("ALTER USER " + account + " IDENTIFIED BY ?" + unlock)) {
                    statement.setString(1, password.reveal());
                    statement.execute();
                }
            } else {
                try (Statement statement = connection.createStatement()) {
                    // The hash is '*' and 40 hex digits: nothing in it needs quoting.
                    statement.execute("ALTER USER " + account + " IDENTIFIED BY PASSWORD '" + hash + "'" + unlock);
                }
            }
        } catch (SQLException e) {
            throw failure(operation + ": setting the password of " + user + " failed", e, false, hash, password, adminPassword);
        } finally {
            close(adminPassword);
        }
    }

    @Override
    protected void disableLogin(TargetContext context, String user, String operation) {
        SecretValue adminPassword = context.adminPassword();
        try (Connection connection = connect(context, context.param("adminUser", "root"), adminPassword, true);
             Statement statement = connection.createStatement()) {
            statement.execute("ALTER USER " + account(context, user) + " ACCOUNT LOCK");
        } catch (SQLException e) {
            throw failure(operation + ": locking " + user + " failed", e, false, null, adminPassword);
        } finally {
            close(adminPassword);
        }
    }

    @Override
    protected void login(TargetContext context, String user, SecretValue password) {
        try (Connection connection = connect(context, user, password, false);
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT CURRENT_USER()")) {
            if (!rs.next() || !rs.getString(1).startsWith(user + "@")) {
                throw TargetException.permanent("verify: logged in but CURRENT_USER() is not " + user);
            }
        } catch (SQLException e) {
            throw failure("verify: login as " + user + " with the new password failed", e, true, null, password);
        }
    }

    /** {@code `user`@`host`}, each a backtick-quoted identifier. */
    private static String account(TargetContext context, String user) {
        return quote(user) + "@" + quote(context.parameters().optional("userHost", "%"));
    }

    static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw TargetException.permanent("account names must not contain NUL");
        }
        return "`" + identifier.replace("`", "``") + "`";
    }

    /** {@code mysql_native_password}: '*' followed by the upper-case hex of SHA1(SHA1(password)). */
    static String nativePasswordHash(SecretValue password) {
        byte[] utf8 = password.utf8();
        byte[] inner = null;
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            inner = sha1.digest(utf8);
            return "*" + HexFormat.of().withUpperCase().formatHex(sha1.digest(inner));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        } finally {
            Arrays.fill(utf8, (byte) 0);
            if (inner != null) {
                Arrays.fill(inner, (byte) 0);
            }
        }
    }

    private static Connection connect(TargetContext context, String user, SecretValue password, boolean admin) throws SQLException {
        TargetParams params = context.parameters();
        String url = "jdbc:mariadb://" + params.optional("host", "127.0.0.1") + ":" + params.port("port", 3306) + "/"
                + (admin ? "" : params.optional("database", ""));
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password.reveal());
        }
        props.setProperty("sslMode", params.optional("sslMode", "disable"));
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_MS));
        props.setProperty("socketTimeout", Integer.toString(SOCKET_TIMEOUT_MS));
        // Bound parameters are escaped by the driver; the server never sees a prepared statement it could log.
        props.setProperty("useServerPrepStmts", "false");
        props.setProperty("connectionAttributes", "program_name:rekey-rotation-worker");
        return DriverManager.getConnection(url, props);
    }

    private static void close(SecretValue value) {
        if (value != null) {
            value.close();
        }
    }

    /**
     * Connection trouble and server pressure pass, and so does a refused login in verification; a missing account
     * (1396), a refused privilege (1044, 1142, 1227) or anything else does not.
     */
    private static TargetException failure(String what, SQLException e, boolean verifying, String hash, SecretValue... secrets) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        String text = TargetException.scrubbed(e.getMessage(), secrets);
        if (hash != null) {
            text = text.replace(hash, "[redacted]");
        }
        String message = what + ": " + text + " (error " + code + (state.isEmpty() ? "" : ", SQLState " + state) + ")";
        boolean retryable = state.startsWith("08") || state.startsWith("40") || state.isEmpty() || TRANSIENT_ERRORS.contains(code)
                || (verifying && (LOGIN_REFUSED.contains(code) || state.startsWith("28")));
        return retryable ? TargetException.retryable(message) : TargetException.permanent(message);
    }
}
