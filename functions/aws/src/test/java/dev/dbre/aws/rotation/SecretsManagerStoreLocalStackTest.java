package dev.dbre.aws.rotation;

import dev.dbre.port.SecretStore;
import dev.dbre.rotation.SecretStoreContract;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The same contract against LocalStack's Secrets Manager. Skips itself where no Docker engine
 * answers (as on the build machines here); it has therefore not been run here.
 */
@Testcontainers(disabledWithoutDocker = true)
class SecretsManagerStoreLocalStackTest extends SecretStoreContract {
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer("localstack/localstack:4.4").withServices("secretsmanager");

    private static SecretsManagerClient client;
    private final String prefix = "t-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @BeforeAll
    static void connect() {
        client = SecretsManagerClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected SecretStore store() {
        return new SecretsManagerStore(client);
    }

    /** Each test gets its own names: the container lives for the whole class. */
    @Override
    protected String secretId(String name) {
        return prefix + name;
    }

    @Override
    protected String createSecret(String secretId, String value, boolean rotationEnabled) {
        String version =
                client.createSecret(b -> b.name(secretId).secretString(value)).versionId();
        if (rotationEnabled) {
            // RotateImmediately=false only records the schedule: no Lambda has to exist.
            client.rotateSecret(b -> b.secretId(secretId)
                    .rotationLambdaARN("arn:aws:lambda:us-east-1:000000000000:function:dbre-rotation")
                    .rotationRules(r -> r.automaticallyAfterDays(30L))
                    .rotateImmediately(false));
        }
        return version;
    }

    @Override
    protected boolean hasGenerator() {
        return true;
    }
}
