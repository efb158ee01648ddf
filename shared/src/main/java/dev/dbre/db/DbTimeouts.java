package dev.dbre.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Properties;

/**
 * How long any one database wait may take, so that no invocation hangs on a database that stopped
 * answering or on a lock held by an abandoned transaction: each bound ends the wait with an error,
 * which the callers classify as transient ({@link SqlStates}).
 *
 * <table>
 * <caption>Environment variables (whole seconds)</caption>
 * <tr><td>{@value #CONNECT}</td><td>TCP connect, and the whole login (TLS, authentication): PgJDBC's
 * {@code connectTimeout} and {@code loginTimeout}</td></tr>
 * <tr><td>{@value #STATEMENT}</td><td>PostgreSQL's {@code statement_timeout}: the server cancels a
 * statement running longer (SQLSTATE 57014)</td></tr>
 * <tr><td>{@value #LOCK}</td><td>PostgreSQL's {@code lock_timeout}: the server ends a statement
 * waiting longer for a lock, e.g. a record key held by another session (SQLSTATE 55P03)</td></tr>
 * <tr><td>{@value #SOCKET}</td><td>PgJDBC's {@code socketTimeout}: the client gives up a read that
 * long (a server or network that went silent); must be longer than the statement timeout, so that
 * the server's cancel comes first and the connection stays usable</td></tr>
 * </table>
 *
 * <p>The defaults ({@link #DEFAULTS}) fit a 60-second function timeout (Cloud Functions' default;
 * give Lambda and Azure Functions at least as much): a login within 10 s, a lock within 10 s, a
 * statement within 40 s, a silent socket noticed after 50 s. The two server settings travel as the
 * startup parameter {@code options} ({@code -c statement_timeout=... -c lock_timeout=...}), so they
 * hold from the first statement with no extra round trip; a pooler in front of the database
 * (PgBouncer) must pass {@code options} on.
 *
 * @param connectSeconds TCP connect and login
 * @param statementSeconds statement_timeout; 0 for none (migrations)
 * @param lockSeconds lock_timeout
 * @param socketSeconds read timeout; 0 for none (only with no statement timeout)
 */
public record DbTimeouts(int connectSeconds, int statementSeconds, int lockSeconds, int socketSeconds) {
    public static final String CONNECT = "DBRE_DB_CONNECT_TIMEOUT_SECONDS";
    public static final String STATEMENT = "DBRE_DB_STATEMENT_TIMEOUT_SECONDS";
    public static final String LOCK = "DBRE_DB_LOCK_TIMEOUT_SECONDS";
    public static final String SOCKET = "DBRE_DB_SOCKET_TIMEOUT_SECONDS";

    /** For the functions' own database: fits a 60-second function timeout. */
    public static final DbTimeouts DEFAULTS = new DbTimeouts(10, 40, 10, 50);

    /**
     * For the rotation's logins to the secret's database: AWS's rotation templates connect within 5
     * s; the rotation's statements are short.
     */
    public static final DbTimeouts ROTATION_DEFAULTS = new DbTimeouts(5, 20, 5, 30);

    private static final int MAX_SECONDS = 3600;

    public DbTimeouts {
        if (connectSeconds < 1 || statementSeconds < 0 || lockSeconds < 1 || socketSeconds < 0) {
            throw new IllegalArgumentException("timeouts must be positive (statement and socket may be 0): "
                    + connectSeconds + ", " + statementSeconds + ", " + lockSeconds + ", " + socketSeconds);
        }
    }

    /**
     * The timeouts from the environment, {@link #DEFAULTS} where unset.
     *
     * @throws ConfigException naming the variable that is not a whole number of seconds in range, or
     *     {@value #SOCKET} when it is not longer than {@value #STATEMENT}
     */
    public static DbTimeouts fromEnv(Env env) {
        return fromEnv(env, DEFAULTS);
    }

    /**
     * The timeouts from the environment, {@code defaults} where unset.
     *
     * @throws ConfigException as {@link #fromEnv(Env)}
     */
    public static DbTimeouts fromEnv(Env env, DbTimeouts defaults) {
        int connect = env.integer(CONNECT, defaults.connectSeconds, 1, MAX_SECONDS);
        int statement = env.integer(STATEMENT, defaults.statementSeconds, 1, MAX_SECONDS);
        int lock = env.integer(LOCK, defaults.lockSeconds, 1, MAX_SECONDS);
        int socket = env.integer(SOCKET, defaults.socketSeconds, 1, MAX_SECONDS);
        if (socket <= statement) {
            throw new ConfigException(
                    SOCKET,
                    "must be longer than " + STATEMENT + " (" + statement + " s), so that the server cancels a slow"
                            + " statement before the client drops the connection; was " + socket);
        }
        return new DbTimeouts(connect, statement, lock, socket);
    }

    /**
     * The same connect and lock timeouts without a statement or socket timeout: a schema migration
     * may rebuild an index for longer than any invocation, but must not queue behind a lock (every
     * later query would queue behind the migration).
     */
    public DbTimeouts forMigrations() {
        return new DbTimeouts(connectSeconds, 0, lockSeconds, 0);
    }

    /** Sets PgJDBC's connect, login and socket timeouts and the server's timeouts in {@code p}. */
    public Properties applyTo(Properties p) {
        p.setProperty("connectTimeout", Integer.toString(connectSeconds));
        p.setProperty("loginTimeout", Integer.toString(connectSeconds));
        p.setProperty("socketTimeout", Integer.toString(socketSeconds));
        p.setProperty("options", serverOptions());
        return p;
    }

    /** The startup {@code options}: the server-side timeouts, in milliseconds. */
    public String serverOptions() {
        return "-c statement_timeout=" + statementSeconds * 1000L + " -c lock_timeout=" + lockSeconds * 1000L;
    }
}
