package dev.dbre.gcp.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Lazy;
import dev.dbre.db.CloudLogin;
import dev.dbre.db.DatabaseConnections;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.gcp.rotation.SecretManagerClients;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretStore;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The database connections of the Google Cloud functions: always pooled ({@link GcpDatabaseConfig#poolSize},
 * kept across warm invocations), logging in as {@link GcpDatabaseConfig} says. A direct login goes
 * through the one {@link DatabaseConnections} switch with Google Cloud's {@link CloudLogin} (Secret
 * Manager; IAM only through the connector). The Cloud SQL connector opens its own sockets and
 * fetches its own IAM token for each new physical connection, so it keeps its own physical factory
 * ({@link CloudSqlConnector#connectionFactory}) behind the same pool.
 */
public final class GcpConnections {
    private GcpConnections() {}

    /** The pool, with Secret Manager built on first need (at start for a {@code secret} login). */
    public static PooledConnectionFactory pooled(GcpDatabaseConfig config, Clock clock) {
        return pooled(config, Lazy.of(() -> SecretManagerClients.store(config.secretManager(), clock)));
    }

    /**
     * The pool, with the secrets of a {@code secret} login in {@code secrets}.
     *
     * @throws ConfigException naming the variable when this login cannot be used
     */
    public static PooledConnectionFactory pooled(GcpDatabaseConfig config, Supplier<? extends SecretStore> secrets) {
        if (config.connector() != null) {
            return pooled(config, config.connector().connectionFactory(secrets, config.timeouts()));
        }
        return DatabaseConnections.pooled(config.direct(), config.timeouts(), config.poolSize(), login(secrets));
    }

    /** {@code physical} behind the pool {@code config} asks for. */
    static PooledConnectionFactory pooled(GcpDatabaseConfig config, ConnectionFactory physical) {
        return new PooledConnectionFactory(physical, config.poolSize(), config.timeouts());
    }

    /** What Google Cloud lends a direct login: its secret store; no IAM token (that is the connector's). */
    static CloudLogin login(Supplier<? extends SecretStore> secrets) {
        return new CloudLogin() {
            @Override
            public Supplier<String> iamTokens(DbSettings settings) {
                throw iamNeedsTheConnector();
            }

            @Override
            public SecretStore secrets() {
                return secrets.get();
            }
        };
    }

    static ConfigException iamNeedsTheConnector() {
        return new ConfigException(
                CloudSqlConnector.INSTANCE,
                "is required with " + DbSettings.AUTH
                        + "=iam: Cloud SQL IAM login goes through the Cloud SQL connector (set it to the"
                        + " instance connection name project:region:instance)");
    }
}
