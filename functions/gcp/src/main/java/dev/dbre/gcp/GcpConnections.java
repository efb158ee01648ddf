package dev.dbre.gcp;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.gcp.rotation.SecretManagerClients;
import dev.dbre.port.ConnectionFactory;
import java.time.Clock;

/**
 * The database login for the Google Cloud functions. With {@value CloudSqlConnector#INSTANCE} set,
 * through the Cloud SQL connector ({@code DBRE_DB_AUTH=iam}, the default: Cloud SQL IAM login;
 * {@code secret}: the password from Secret Manager). Without it, straight to {@code DBRE_DB_HOST}
 * over PgJDBC's TLS ({@code secret} or {@code none}; a direct connection needs the instance's server
 * CA in {@code DBRE_DB_SSLROOTCERT}: Cloud SQL's CAs are per instance, in no public trust store).
 *
 * <p>Behind a small pool ({@value PooledConnectionFactory#POOL_SIZE}, default {@value
 * #DEFAULT_POOL_SIZE}: a function instance serves one request at a time unless its concurrency is
 * raised), kept across warm invocations. Each new physical connection logs in again: through the
 * connector, with an IAM token the connector fetches for that connection.
 */
final class GcpConnections {
    /** Cloud Functions' default concurrency is one request per instance. */
    static final int DEFAULT_POOL_SIZE = 1;

    private GcpConnections() {}

    /**
     * @throws ConfigException naming the variable that is missing or wrong
     */
    static PooledConnectionFactory fromEnv(Env env, Clock clock) {
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        return pooled(env, physical(env, clock, timeouts), timeouts);
    }

    /**
     * {@code physical} behind the pool the environment asks for.
     *
     * @throws ConfigException naming {@value PooledConnectionFactory#POOL_SIZE} when out of range
     */
    static PooledConnectionFactory pooled(Env env, ConnectionFactory physical, DbTimeouts timeouts) {
        int poolSize = env.integer(
                PooledConnectionFactory.POOL_SIZE, DEFAULT_POOL_SIZE, 1, PooledConnectionFactory.MAX_POOL_SIZE);
        return new PooledConnectionFactory(physical, poolSize, timeouts);
    }

    private static ConnectionFactory physical(Env env, Clock clock, DbTimeouts timeouts) {
        CloudSqlConnector connector = CloudSqlConnector.fromEnv(env);
        if (connector != null) {
            return connector.connectionFactory(() -> SecretManagerClients.fromEnv(env, clock), timeouts);
        }
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), null);
        return switch (settings.auth()) {
            case NONE -> new PasswordConnectionFactory(settings, null, timeouts);
            case IAM ->
                throw new ConfigException(
                        CloudSqlConnector.INSTANCE,
                        "is required with " + DbSettings.AUTH
                                + "=iam: Cloud SQL IAM login goes through the Cloud SQL connector (set it to the"
                                + " instance connection name project:region:instance)");
            case SECRET -> new SecretConnectionFactory(settings, SecretManagerClients.fromEnv(env, clock), timeouts);
        };
    }
}
