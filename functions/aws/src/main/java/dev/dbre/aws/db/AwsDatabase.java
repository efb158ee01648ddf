package dev.dbre.aws.db;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.db.PasswordConnectionFactory;
import java.time.Clock;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * How the AWS functions reach PostgreSQL, built once from the environment: {@link DbSettings} plus
 * the login ({@code DBRE_DB_AUTH}: {@code iam}, the default, signs an RDS IAM token with the
 * function's own credentials; {@code none} sends no password).
 *
 * @param connections opens a new connection per call
 * @param tokens the IAM token cache, or null when DBRE_DB_AUTH=none
 */
public record AwsDatabase(ConnectionFactory connections, RdsIamTokenCache tokens) {
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
        if (settings.auth() == DbAuth.NONE) {
            return new AwsDatabase(new PasswordConnectionFactory(settings, null), null);
        }
        String region = env.required(AWS_REGION);
        RdsIamTokenCache tokens = RdsIamTokenCache.forRds(settings, Region.of(region), credentials, clock);
        return new AwsDatabase(new PasswordConnectionFactory(settings, tokens), tokens);
    }
}
