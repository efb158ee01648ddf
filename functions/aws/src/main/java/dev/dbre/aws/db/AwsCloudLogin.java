package dev.dbre.aws.db;

import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.aws.rotation.SecretsManagerStore;
import dev.dbre.db.CloudLogin;
import dev.dbre.db.DbSettings;
import dev.dbre.port.SecretStore;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What AWS lends the one connection factory ({@link dev.dbre.db.DatabaseConnections}): RDS IAM
 * tokens signed with the function's credentials (cached, {@link RdsIamTokenCache}) and the Secrets
 * Manager store. Each is built only when {@code DBRE_DB_AUTH} asks for it. The token cache it made is
 * kept, so that SnapStart can clear it after a restore.
 */
final class AwsCloudLogin implements CloudLogin {
    private final AwsDbConfig config;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private RdsIamTokenCache tokens;

    AwsCloudLogin(AwsDbConfig config, AwsCredentialsProvider credentials, Clock clock) {
        this.config = config;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** @throws dev.dbre.config.ConfigException naming AWS_REGION when it is not set */
    @Override
    public synchronized Supplier<String> iamTokens(DbSettings settings) {
        if (tokens == null) {
            tokens = RdsIamTokenCache.forRds(settings, Region.of(config.requiredRegion()), credentials, clock);
        }
        return tokens;
    }

    /** @throws dev.dbre.config.ConfigException naming AWS_REGION when it is not set */
    @Override
    public SecretStore secrets() {
        return new SecretsManagerStore(
                SecretsManagerClients.of(config.requiredRegion(), config.secretsEndpoint(), credentials));
    }

    /** The IAM token cache, or null when no IAM login was asked for. */
    synchronized RdsIamTokenCache tokens() {
        return tokens;
    }
}
