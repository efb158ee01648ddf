package dev.dbre.aws.db;

import dev.dbre.aws.config.AwsEndpoints;
import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.TlsRoots;
import java.net.URI;

/**
 * How an AWS function reaches its own PostgreSQL, read once at cold start and validated: where and
 * how to log in ({@link DbSettings}, TLS roots decided now), the timeouts, the pool size, and what
 * the login needs from AWS (the Region signing IAM tokens and holding the secret, an optional
 * Secrets Manager endpoint). Nothing here opens a connection or builds a client.
 *
 * @param region {@code AWS_REGION}, or null when unset (needed only by iam and secret logins, which
 *     then fail at start naming it)
 * @param secretsEndpoint {@code DBRE_SECRETS_ENDPOINT}, or null for the SDK's; read only with
 *     {@code DBRE_DB_AUTH=secret} (no other login builds a Secrets Manager client)
 */
public record AwsDbConfig(DbSettings settings, DbTimeouts timeouts, int poolSize, String region, URI secretsEndpoint) {
    /** The region Lambda runs in; it signs the IAM token and holds the secret. */
    public static final String AWS_REGION = "AWS_REGION";

    /** Connections kept open across invocations. */
    public static final String POOL_SIZE = PooledConnectionFactory.POOL_SIZE;

    /** Flyway holds a second connection for its lock while it migrates. */
    static final int MIGRATION_POOL_SIZE = 3;

    /**
     * @throws ConfigException naming the variable that is missing or wrong (with verify-ca or
     *     verify-full, DBRE_DB_SSLROOTCERT must name the RDS CA bundle: no package ships it)
     */
    public static AwsDbConfig fromEnv(Env env) {
        // No default root: the RDS roots are in no public trust store and no package ships them.
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), null);
        return new AwsDbConfig(
                settings,
                DbTimeouts.fromEnv(env),
                env.integer(POOL_SIZE, 1, 1, PooledConnectionFactory.MAX_POOL_SIZE),
                env.optional(AWS_REGION),
                settings.auth() == DbAuth.SECRET ? AwsEndpoints.optional(env, SecretsManagerClients.ENDPOINT) : null);
    }

    /**
     * For the schema migration: no statement or socket timeout ({@link DbTimeouts#forMigrations()})
     * and up to 3 connections (Flyway's lock holds one).
     */
    public AwsDbConfig forMigrations() {
        return new AwsDbConfig(settings, timeouts.forMigrations(), MIGRATION_POOL_SIZE, region, secretsEndpoint);
    }

    /** @throws ConfigException naming {@value #AWS_REGION} when it is not set */
    public String requiredRegion() {
        if (region == null) {
            throw new ConfigException(AWS_REGION, "is required but not set");
        }
        return region;
    }
}
