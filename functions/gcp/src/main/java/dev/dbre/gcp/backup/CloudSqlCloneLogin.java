package dev.dbre.gcp.backup;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.gcp.db.CloudSqlConnector;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.RestoredDbLogin;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * How the Google Cloud restore and drill functions log in to a restored clone, by the rules the
 * function uses for its own database ({@link GcpConnections}), with {@code DBRE_RESTORE_DB_AUTH}:
 *
 * <ul>
 *   <li>{@code iam} (default): always through the Cloud SQL connector, to the clone's instance
 *       connection name, with {@code enableIamAuth} and {@value CloudSqlConnector#IP_TYPES}. The
 *       user ({@code DBRE_RESTORE_DB_USER}, else {@code DBRE_DB_USER}) is an IAM database user of
 *       the source; the clone has it, and the source's {@code cloudsql.iam_authentication} flag.
 *   <li>{@code secret}: through the connector too when the function reaches its own database that
 *       way ({@value CloudSqlConnector#INSTANCE} set); else straight to the clone's IP address over
 *       PgJDBC's TLS ({@code DBRE_RESTORE_DB_SSLMODE}, {@code DBRE_RESTORE_DB_SSLROOTCERT}). The
 *       password is the source's, from Secret Manager ({@code DBRE_RESTORE_DB_SECRET_ID}).
 *   <li>{@code none}: straight to the IP address, no password.
 * </ul>
 */
public final class CloudSqlCloneLogin implements CloneLogin {
    /**
     * How to log in to a clone, read once at start.
     *
     * @param connector the connector settings without an instance (each clone is its own), or null:
     *     straight to the clone's IP address
     */
    public record Settings(RestoredDbLogin login, CloudSqlConnector connector) {
        /** @throws ConfigException naming the variable that is missing or wrong */
        public static Settings fromEnv(Env env) {
            String auth = env.string(RestoredDbLogin.AUTH, "iam").toLowerCase(Locale.ROOT);
            boolean viaConnector =
                    auth.equals("iam") || (auth.equals("secret") && env.optional(CloudSqlConnector.INSTANCE) != null);
            // Through the connector PgJDBC's TLS is off (the connector's socket is TLS, verified by the
            // connector): no root certificate is used, so none may be demanded at start. A direct
            // connection needs the clone's server CA (Cloud SQL's are in no public trust store).
            RestoredDbLogin login = RestoredDbLogin.fromEnv(env, viaConnector ? DbSettings.SYSTEM_ROOTS : null);
            if (!viaConnector) {
                return new Settings(login, null);
            }
            if (login.auth() == DbAuth.IAM) {
                CloudSqlConnector.requireIamUser(
                        env.optional(RestoredDbLogin.USER) != null ? RestoredDbLogin.USER : DbSettings.USER,
                        login.user());
            }
            return new Settings(
                    login,
                    new CloudSqlConnector(
                            null, null, login.user(), login.auth(), login.secretId(), CloudSqlConnector.ipTypes(env)));
        }
    }

    private final RestoredDbLogin login;
    private final CloudSqlConnector connector; // null: straight to the IP address
    private final Supplier<? extends SecretStore> secrets;

    /** @param secrets the Secret Manager store, asked on the first secret login only (build it lazily) */
    public CloudSqlCloneLogin(Settings settings, Supplier<? extends SecretStore> secrets) {
        this.login = settings.login();
        this.connector = settings.connector();
        this.secrets = secrets;
    }

    /**
     * @param secrets the Secret Manager store, asked on the first secret login only (build it lazily)
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static CloudSqlCloneLogin fromEnv(Env env, Supplier<? extends SecretStore> secrets) {
        return new CloudSqlCloneLogin(Settings.fromEnv(env), secrets);
    }

    @Override
    public ConnectionFactory connect(String newName, String connectionName, RestoreProgress progress, String database) {
        if (connector == null) {
            return CloneLogin.direct(login, secrets).connect(newName, connectionName, progress, database);
        }
        RestoredDbLogin.requireAvailable(newName, progress);
        return connector(connectionName, database).connectionFactory(secrets, login.timeouts());
    }

    /** The connector settings for {@code database} on the clone, or null for a direct login. */
    CloudSqlConnector connector(String connectionName, String database) {
        return connector == null ? null : connector.forInstance(connectionName, database);
    }

    /** The login as read from the environment. */
    RestoredDbLogin login() {
        return login;
    }

    @Override
    public String toString() {
        return "CloudSqlCloneLogin[" + login + (connector == null ? ", direct" : ", connector") + "]";
    }
}
