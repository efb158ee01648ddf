package dev.dbre.restore;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.SecretStore;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How verification queries log in to a restored database. A restored database holds the source's
 * roles and passwords as of the target time, so the login is the one that works on the source: an
 * IAM token for a role granted IAM login there, or the source's password secret. Shared by the
 * three clouds; each supplies its token source and secret store ({@link #connect}).
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>{@value #AUTH}</td><td>{@code iam} (default, as every database login: RDS IAM token, Entra
 * token, Cloud SQL IAM), {@code secret} (the password in {@value #SECRET_ID}) or {@code none}</td></tr>
 * <tr><td>{@value #USER}</td><td>default: DBRE_DB_USER; required with iam and none if neither is set;
 * with secret the secret's {@code username} wins</td></tr>
 * <tr><td>{@value #SECRET_ID}</td><td>with secret, required: the secret holding the <em>source</em>
 * database's login (RDS secret JSON). CURRENT, then PREVIOUS, then PENDING are tried, so a password
 * rotated after the target time still logs in with the version before it.</td></tr>
 * <tr><td>{@value #SSLMODE}</td><td>default: DBRE_DB_SSLMODE, else verify-full</td></tr>
 * <tr><td>{@value #SSLROOTCERT}</td><td>default: DBRE_DB_SSLROOTCERT, else the cloud's default
 * ({@link TlsRoots}); with verification on and no root the function fails at start naming it</td></tr>
 * <tr><td>{@code DBRE_DB_*_TIMEOUT_SECONDS}</td><td>the function's own {@link DbTimeouts}</td></tr>
 * </table>
 */
public record RestoredDbLogin(
        String user, DbAuth auth, String secretId, String sslMode, String sslRootCert, DbTimeouts timeouts) {
    public static final String USER = "DBRE_RESTORE_DB_USER";
    public static final String AUTH = "DBRE_RESTORE_DB_AUTH";
    public static final String SECRET_ID = "DBRE_RESTORE_DB_SECRET_ID";
    public static final String SSLMODE = "DBRE_RESTORE_DB_SSLMODE";
    public static final String SSLROOTCERT = "DBRE_RESTORE_DB_SSLROOTCERT";

    private static final Set<String> SSL_MODES = Set.of("verify-full", "verify-ca", "require", "disable");

    /** A login without a secret, with {@link DbTimeouts#DEFAULTS}. */
    public RestoredDbLogin(String user, DbAuth auth, String sslMode, String sslRootCert) {
        this(user, auth, null, sslMode, sslRootCert);
    }

    /** With {@link DbTimeouts#DEFAULTS}. */
    public RestoredDbLogin(String user, DbAuth auth, String secretId, String sslMode, String sslRootCert) {
        this(user, auth, secretId, sslMode, sslRootCert, DbTimeouts.DEFAULTS);
    }

    /**
     * The login from the environment, TLS roots decided now ({@link TlsRoots}).
     *
     * @param defaultRoots the cloud's default root certificates ({@link DbSettings#SYSTEM_ROOTS} on
     *     Azure, null elsewhere)
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static RestoredDbLogin fromEnv(Env env, String defaultRoots) {
        String authText = env.string(AUTH, "iam").toLowerCase(Locale.ROOT);
        DbAuth auth = switch (authText) {
            case "iam" -> DbAuth.IAM;
            case "secret" -> DbAuth.SECRET;
            case "none" -> DbAuth.NONE;
            default -> throw new ConfigException(AUTH, "must be iam, secret or none, was '" + authText + "'");
        };
        String user = env.optional(USER);
        if (user == null) {
            user = env.optional(DbSettings.USER);
        }
        if (user == null && auth != DbAuth.SECRET) {
            throw new ConfigException(USER, "is required (or " + DbSettings.USER + ") to verify a restored database");
        }
        String secretId = env.optional(SECRET_ID);
        if (auth == DbAuth.SECRET && secretId == null) {
            throw new ConfigException(
                    SECRET_ID, "is required when " + AUTH + "=secret: the secret of the source database's login");
        }
        String sslMode = env.string(SSLMODE, env.string(DbSettings.SSLMODE, "verify-full"))
                .toLowerCase(Locale.ROOT);
        if (!SSL_MODES.contains(sslMode)) {
            throw new ConfigException(SSLMODE, "must be one of " + SSL_MODES + ", was '" + sslMode + "'");
        }
        if (sslMode.equals("disable") && auth != DbAuth.NONE) {
            throw new ConfigException(SSLMODE, "disable is allowed only with " + AUTH + "=none");
        }
        String root = env.optional(SSLROOTCERT);
        if (root == null) {
            root = env.optional(DbSettings.SSLROOTCERT);
        }
        // The function's own timeouts (DBRE_DB_*): a verification check longer than the socket
        // timeout needs it raised for the restore and drill functions.
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        RestoredDbLogin login = new RestoredDbLogin(user, auth, secretId, sslMode, root, timeouts);
        try {
            DbSettings resolved = TlsRoots.resolve(login.settings("restored", 5432, "postgres"), defaultRoots);
            return new RestoredDbLogin(user, auth, secretId, sslMode, resolved.sslRootCert(), timeouts);
        } catch (ConfigException e) {
            throw new ConfigException(SSLROOTCERT, "(or " + DbSettings.SSLROOTCERT + ") " + e.getMessage());
        }
    }

    /**
     * Connections to {@code database} on the restored {@code newName}, whose state is {@code
     * progress}, with this login.
     *
     * @param iamTokens for {@link DbAuth#IAM}: the token source for the given settings (RDS tokens
     *     are per host); may be null where the cloud logs in with IAM some other way
     * @param secrets for {@link DbAuth#SECRET}: the cloud's secret store, built on first use
     * @throws ProviderException BUSY (retryable), code NotAvailable, while {@code progress} is not AVAILABLE
     * @throws ConfigException naming {@value #AUTH} when this cloud cannot log in that way
     */
    public ConnectionFactory connect(
            String newName,
            RestoreProgress progress,
            String database,
            Function<DbSettings, Supplier<String>> iamTokens,
            Supplier<SecretStore> secrets) {
        requireAvailable(newName, progress);
        DbSettings settings = settings(progress.endpointHost(), progress.endpointPort(), database);
        return switch (auth) {
            case NONE -> new PasswordConnectionFactory(settings, null, timeouts);
            case IAM -> {
                if (iamTokens == null) {
                    throw new ConfigException(AUTH, "iam is not available for this provider's direct connections");
                }
                yield new PasswordConnectionFactory(settings, iamTokens.apply(settings), timeouts);
            }
            case SECRET -> new SecretConnectionFactory(settings, secrets.get(), timeouts);
        };
    }

    /** @throws ProviderException BUSY (retryable), code NotAvailable, while {@code progress} is not AVAILABLE */
    public static void requireAvailable(String newName, RestoreProgress progress) {
        if (progress.state() != RestoreProgress.State.AVAILABLE) {
            throw new ProviderException(
                    ProviderError.BUSY,
                    "NotAvailable",
                    newName + " is not available yet (" + progress.detail() + ")",
                    null);
        }
    }

    /** Settings for {@code database} on {@code host:port}. */
    public DbSettings settings(String host, int port, String database) {
        return new DbSettings(host, port, database, user, auth, secretId, sslMode, sslRootCert);
    }

    @Override
    public String toString() {
        return "RestoredDbLogin[" + user + ", " + auth + ", " + sslMode + "]";
    }
}
