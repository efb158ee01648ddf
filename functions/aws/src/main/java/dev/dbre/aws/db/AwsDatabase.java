package dev.dbre.aws.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DatabaseConnections;
import dev.dbre.db.PooledConnectionFactory;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How the AWS functions reach PostgreSQL: the one pooled factory of every cloud ({@link
 * DatabaseConnections#pooled}) with AWS's login ({@code DBRE_DB_AUTH}: {@code iam}, the default,
 * signs an RDS IAM token with the function's own credentials; {@code secret} reads user and password
 * from the Secrets Manager secret {@code DBRE_DB_SECRET_ID}, falling back to its previous/pending
 * versions during a rotation; {@code none} sends no password). The pool keeps a connection across
 * warm invocations ({@code DBRE_DB_POOL_SIZE}, default 1: Lambda runs one invocation at a time per
 * environment), opens nothing until first used, and {@link #close()} drops it (SnapStart: before the
 * snapshot and after a restore).
 *
 * @param connections the pool; each new physical connection gets a fresh password or token
 * @param tokens the IAM token cache, or null unless DBRE_DB_AUTH=iam
 */
public record AwsDatabase(PooledConnectionFactory connections, RdsIamTokenCache tokens) implements AutoCloseable {
    /** Connections kept open across invocations. */
    public static final String POOL_SIZE = AwsDbConfig.POOL_SIZE;

    /** The region Lambda runs in; it signs the IAM token. */
    public static final String AWS_REGION = AwsDbConfig.AWS_REGION;

    /**
     * The pool for {@code config}, signing IAM tokens with {@code credentials} at {@code clock}'s time.
     *
     * @throws ConfigException naming AWS_REGION when the login needs it and it is not set
     */
    public static AwsDatabase open(AwsDbConfig config, Clock clock, AwsCredentialsProvider credentials) {
        AwsCloudLogin login = new AwsCloudLogin(config, credentials, clock);
        PooledConnectionFactory pool =
                DatabaseConnections.pooled(config.settings(), config.timeouts(), config.poolSize(), login);
        return new AwsDatabase(pool, login.tokens());
    }

    /**
     * As {@link #open} with the configuration read from {@code env} and the default credentials.
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static AwsDatabase fromEnv(Env env, Clock clock) {
        return fromEnv(env, clock, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #open} with the configuration read from {@code env}. */
    public static AwsDatabase fromEnv(Env env, Clock clock, AwsCredentialsProvider credentials) {
        return open(AwsDbConfig.fromEnv(env), clock, credentials);
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
