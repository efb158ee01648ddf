package dev.dbre.gcp.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.gcp.rotation.SecretManagerSettings;

/**
 * How a Google Cloud function reaches its own database, read once at start. With {@value
 * CloudSqlConnector#INSTANCE} set, through the Cloud SQL connector ({@code DBRE_DB_AUTH=iam}, the
 * default: Cloud SQL IAM login; {@code secret}: the password from Secret Manager). Without it,
 * straight to {@code DBRE_DB_HOST} over PgJDBC's TLS ({@code secret} or {@code none}; a direct
 * connection needs the instance's server CA in {@code DBRE_DB_SSLROOTCERT}: Cloud SQL's CAs are per
 * instance, in no public trust store).
 *
 * @param connector the connector login, or null for a direct one
 * @param direct the direct login's settings (TLS roots resolved), or null through the connector
 * @param poolSize connections kept across warm invocations ({@value PooledConnectionFactory#POOL_SIZE},
 *     default {@value #DEFAULT_POOL_SIZE})
 * @param secretManager where a {@code secret} login's secret is read
 */
public record GcpDatabaseConfig(
        CloudSqlConnector connector,
        DbSettings direct,
        DbTimeouts timeouts,
        int poolSize,
        SecretManagerSettings secretManager) {
    /** Cloud Functions' default concurrency is one request per instance. */
    public static final int DEFAULT_POOL_SIZE = 1;

    /**
     * @throws ConfigException naming the variable that is missing or wrong ({@value
     *     CloudSqlConnector#INSTANCE} for {@code DBRE_DB_AUTH=iam} without it)
     */
    public static GcpDatabaseConfig fromEnv(Env env) {
        DbTimeouts timeouts = DbTimeouts.fromEnv(env);
        CloudSqlConnector connector = CloudSqlConnector.fromEnv(env);
        DbSettings direct = connector != null ? null : TlsRoots.resolve(DbSettings.fromEnv(env), null);
        if (direct != null && direct.auth() == DbAuth.IAM) {
            throw GcpConnections.iamNeedsTheConnector();
        }
        int poolSize = env.integer(
                PooledConnectionFactory.POOL_SIZE, DEFAULT_POOL_SIZE, 1, PooledConnectionFactory.MAX_POOL_SIZE);
        return new GcpDatabaseConfig(connector, direct, timeouts, poolSize, SecretManagerSettings.fromEnv(env));
    }
}
