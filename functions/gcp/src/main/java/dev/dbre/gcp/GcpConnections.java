package dev.dbre.gcp;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.gcp.rotation.SecretManagerClients;
import java.time.Clock;

/**
 * The database login for the Google Cloud functions. With {@value CloudSqlConnector#INSTANCE} set,
 * through the Cloud SQL connector ({@code DBRE_DB_AUTH=iam}, the default: Cloud SQL IAM login;
 * {@code secret}: the password from Secret Manager). Without it, straight to {@code DBRE_DB_HOST}
 * over PgJDBC's TLS ({@code secret} or {@code none}; a direct connection needs the instance's server
 * CA in {@code DBRE_DB_SSLROOTCERT}: Cloud SQL's CAs are per instance, in no public trust store).
 */
final class GcpConnections {
    private GcpConnections() {}

    /**
     * @throws ConfigException naming the variable that is missing or wrong
     */
    static ConnectionFactory fromEnv(Env env, Clock clock) {
        CloudSqlConnector connector = CloudSqlConnector.fromEnv(env);
        if (connector != null) {
            return connector.connectionFactory(() -> SecretManagerClients.fromEnv(env, clock));
        }
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), null);
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null);
            case IAM ->
                throw new ConfigException(
                        CloudSqlConnector.INSTANCE,
                        "is required with " + DbSettings.AUTH
                                + "=iam: Cloud SQL IAM login goes through the Cloud SQL connector (set it to the"
                                + " instance connection name project:region:instance)");
            case SECRET -> new SecretConnectionFactory(settings, SecretManagerClients.fromEnv(env, clock));
        };
    }
}
