package dev.dbre.aws.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import dev.dbre.db.PooledConnectionFactory;
import java.time.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * How the AWS functions reach PostgreSQL, built once from the environment: {@link DbSettings} plus
 * the login ({@code DBRE_DB_AUTH}: {@code iam}, the default, signs an RDS IAM token with the
 * function's own credentials; {@code none} sends no password), behind a small pool that keeps a
 * connection across warm invocations ({@value #POOL_SIZE}, default 1: Lambda runs one invocation at
 * a time per environment). The pool opens nothing until first used, and {@link #close()} drops it
 * (SnapStart: before the snapshot and after a restore).
 *
 * @param connections the pool; each new physical connection gets a fresh password or token
 * @param tokens the IAM token cache, or null when DBRE_DB_AUTH=none
 */
public record AwsDatabase(PooledConnectionFactory connections, RdsIamTokenCache tokens) implements AutoCloseable {
    /** Connections kept open across invocations. */
    public static final String POOL_SIZE = "DBRE_DB_POOL_SIZE";

    private static final Logger LOG = LoggerFactory.getLogger(AwsDatabase.class);

    /** The region Lambda runs in; it signs the IAM token. */
    public static final String AWS_REGION = "AWS_REGION";

    /**
     * @throws ConfigException naming the variable that is missing or wrong; for DBRE_DB_AUTH=secret,
     *     which arrives with the secret rotation issue
     */
    public static AwsDatabase fromEnv(Env env, Clock clock) {
        return fromEnv(env, clock, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #fromEnv(Env, Clock)}, signing with {@code credentials}. */
    public static AwsDatabase fromEnv(Env env, Clock clock, AwsCredentialsProvider credentials) {
        // Checked before DbSettings so the error names DBRE_DB_AUTH, not the secret id it would need.
        if ("secret".equals(env.string(DbSettings.AUTH, "iam").toLowerCase(Locale.ROOT))) {
            throw new ConfigException(
                    DbSettings.AUTH,
                    "secret is not supported yet: password-secret login comes with the secret rotation issue;"
                            + " use iam (the default) or none");
        }
        DbSettings settings = DbSettings.fromEnv(env);
        if (settings.sslMode().startsWith("verify") && settings.sslRootCert() == null) {
            // No CA bundle ships with the function: PgJDBC then reads ~/.postgresql/root.crt, which a
            // Lambda does not have, and every connection would fail certificate verification.
            LOG.warn(
                    "{} is not set: with {}={} PgJDBC looks for ~/.postgresql/root.crt; point {} at the RDS CA"
                            + " bundle (global-bundle.pem) shipped in the function or a layer",
                    DbSettings.SSLROOTCERT,
                    DbSettings.SSLMODE,
                    settings.sslMode(),
                    DbSettings.SSLROOTCERT);
        }
        int poolSize = env.integer(POOL_SIZE, 1, 1, 20);
        if (settings.auth() == DbAuth.NONE) {
            return new AwsDatabase(
                    new PooledConnectionFactory(new PasswordConnectionFactory(settings, null), poolSize), null);
        }
        String region = env.required(AWS_REGION);
        RdsIamTokenCache tokens = RdsIamTokenCache.forRds(settings, Region.of(region), credentials, clock);
        return new AwsDatabase(
                new PooledConnectionFactory(new PasswordConnectionFactory(settings, tokens), poolSize), tokens);
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
