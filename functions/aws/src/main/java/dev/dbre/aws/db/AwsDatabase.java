package dev.dbre.aws.db;

import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.aws.rotation.SecretsManagerStore;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * How the AWS functions reach PostgreSQL, built once from the environment: {@link DbSettings} plus
 * the login ({@code DBRE_DB_AUTH}: {@code iam}, the default, signs an RDS IAM token with the
 * function's own credentials; {@code secret} reads user and password from the Secrets Manager secret
 * {@code DBRE_DB_SECRET_ID}, falling back to its previous/pending versions during a rotation;
 * {@code none} sends no password), behind a small pool that keeps a
 * connection across warm invocations ({@value #POOL_SIZE}, default 1: Lambda runs one invocation at
 * a time per environment). The pool opens nothing until first used, and {@link #close()} drops it
 * (SnapStart: before the snapshot and after a restore).
 *
 * @param connections the pool; each new physical connection gets a fresh password or token
 * @param tokens the IAM token cache, or null when DBRE_DB_AUTH=none
 */
public record AwsDatabase(PooledConnectionFactory connections, RdsIamTokenCache tokens) implements AutoCloseable {
    /** Connections kept open across invocations. */
    public static final String POOL_SIZE = PooledConnectionFactory.POOL_SIZE;

    /** The region Lambda runs in; it signs the IAM token. */
    public static final String AWS_REGION = "AWS_REGION";

    /**
     * @throws ConfigException naming the variable that is missing or wrong (with verify-ca or
     *     verify-full, DBRE_DB_SSLROOTCERT must name the RDS CA bundle: no package ships it)
     */
    public static AwsDatabase fromEnv(Env env, Clock clock) {
        return fromEnv(env, clock, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #fromEnv(Env, Clock)}, signing with {@code credentials}. */
    public static AwsDatabase fromEnv(Env env, Clock clock, AwsCredentialsProvider credentials) {
        return fromEnv(env, clock, credentials, DbTimeouts.fromEnv(env));
    }

    /**
     * For the schema migration: as {@link #fromEnv(Env, Clock)} but without a statement or socket
     * timeout ({@link DbTimeouts#forMigrations()}).
     */
    public static AwsDatabase forMigrations(Env env, Clock clock) {
        return fromEnv(
                env,
                clock,
                DefaultCredentialsProvider.builder().build(),
                DbTimeouts.fromEnv(env).forMigrations());
    }

    private static AwsDatabase fromEnv(Env env, Clock clock, AwsCredentialsProvider credentials, DbTimeouts timeouts) {
        // No default root: the RDS roots are in no public trust store and no package ships them.
        DbSettings settings = TlsRoots.resolve(DbSettings.fromEnv(env), null);
        int poolSize = env.integer(POOL_SIZE, 1, 1, PooledConnectionFactory.MAX_POOL_SIZE);
        return switch (settings.auth()) {
            case NONE ->
                new AwsDatabase(
                        new PooledConnectionFactory(
                                new PasswordConnectionFactory(settings, null, timeouts), poolSize, timeouts),
                        null);
            case SECRET ->
                new AwsDatabase(
                        new PooledConnectionFactory(
                                new SecretConnectionFactory(
                                        settings,
                                        new SecretsManagerStore(SecretsManagerClients.fromEnv(env, credentials)),
                                        timeouts),
                                poolSize,
                                timeouts),
                        null);
            case IAM -> {
                String region = env.required(AWS_REGION);
                RdsIamTokenCache tokens = RdsIamTokenCache.forRds(settings, Region.of(region), credentials, clock);
                yield new AwsDatabase(
                        new PooledConnectionFactory(
                                new PasswordConnectionFactory(settings, tokens, timeouts), poolSize, timeouts),
                        tokens);
            }
        };
    }

    /** Closes every pooled connection and forgets the cached token: nothing unique is left. */
    @Override
    public void close() {
        connections.close();
        if (tokens != null) {
            tokens.clear();
        }
    }
}
