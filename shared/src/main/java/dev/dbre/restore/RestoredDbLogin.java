package dev.dbre.restore;

import dev.dbre.backup.ProviderException;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import java.util.Locale;
import java.util.Set;

/**
 * How verification queries log in to a restored database (it holds the source's users). Shared by
 * the cloud providers; each decides which {@link DbAuth} it supports (AWS: iam and none).
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><td>DBRE_RESTORE_DB_USER</td><td>default: DBRE_DB_USER; required if neither is set</td></tr>
 * <tr><td>DBRE_RESTORE_DB_AUTH</td><td>iam (default; AWS: an RDS IAM token, the restore enables IAM
 * authentication) or none</td></tr>
 * <tr><td>DBRE_RESTORE_DB_SSLMODE</td><td>default: DBRE_DB_SSLMODE, else verify-full</td></tr>
 * <tr><td>DBRE_RESTORE_DB_SSLROOTCERT</td><td>default: DBRE_DB_SSLROOTCERT</td></tr>
 * </table>
 */
public record RestoredDbLogin(String user, DbAuth auth, String sslMode, String sslRootCert) {
    public static final String USER = "DBRE_RESTORE_DB_USER";
    public static final String AUTH = "DBRE_RESTORE_DB_AUTH";
    public static final String SSLMODE = "DBRE_RESTORE_DB_SSLMODE";
    public static final String SSLROOTCERT = "DBRE_RESTORE_DB_SSLROOTCERT";

    private static final Set<String> SSL_MODES = Set.of("verify-full", "verify-ca", "require", "disable");

    /** @throws ConfigException naming the variable that is missing or wrong */
    public static RestoredDbLogin fromEnv(Env env) {
        return fromEnv(env, "iam");
    }

    /**
     * As {@link #fromEnv(Env)}, with {@value #AUTH} defaulting to {@code defaultAuth} (Azure and
     * Google Cloud: none, their IAM login to a restored server is not built yet).
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static RestoredDbLogin fromEnv(Env env, String defaultAuth) {
        String user = env.optional(USER);
        if (user == null) {
            user = env.optional(DbSettings.USER);
        }
        if (user == null) {
            throw new ConfigException(USER, "is required (or " + DbSettings.USER + ") to verify a restored database");
        }
        String authText = env.string(AUTH, defaultAuth).toLowerCase(Locale.ROOT);
        DbAuth auth = switch (authText) {
            case "iam" -> DbAuth.IAM;
            case "none" -> DbAuth.NONE;
            default -> throw new ConfigException(AUTH, "must be iam or none, was '" + authText + "'");
        };
        String sslMode = env.string(SSLMODE, env.string(DbSettings.SSLMODE, "verify-full"))
                .toLowerCase(Locale.ROOT);
        if (!SSL_MODES.contains(sslMode)) {
            throw new ConfigException(SSLMODE, "must be one of " + SSL_MODES + ", was '" + sslMode + "'");
        }
        if (sslMode.equals("disable") && auth != DbAuth.NONE) {
            throw new ConfigException(SSLMODE, "disable is allowed only with " + AUTH + "=none");
        }
        String root = env.optional(SSLROOTCERT);
        return new RestoredDbLogin(user, auth, sslMode, root != null ? root : env.optional(DbSettings.SSLROOTCERT));
    }

    /**
     * A password connection (no token) to {@code database} on the restored {@code newName}, whose
     * state is {@code progress}.
     *
     * @throws ProviderException NotAvailable (retryable) while {@code progress} is not AVAILABLE
     */
    public ConnectionFactory passwordConnection(String newName, RestoreProgress progress, String database) {
        if (progress.state() != RestoreProgress.State.AVAILABLE) {
            throw new ProviderException(
                    "NotAvailable", newName + " is not available (" + progress.detail() + ")", true, null);
        }
        return new PasswordConnectionFactory(
                settings(progress.endpointHost(), progress.endpointPort(), database), null);
    }

    /** Settings for {@code database} on {@code host:port}. */
    public DbSettings settings(String host, int port, String database) {
        return new DbSettings(host, port, database, user, auth, null, sslMode, sslRootCert);
    }
}
