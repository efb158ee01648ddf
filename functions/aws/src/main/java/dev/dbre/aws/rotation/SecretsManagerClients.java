package dev.dbre.aws.rotation;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Builds a Secrets Manager client (once per function instance, from its wiring's configuration). */
public final class SecretsManagerClients {
    /** The region Lambda runs in. */
    public static final String AWS_REGION = "AWS_REGION";

    /**
     * Optional endpoint URL (an interface VPC endpoint's DNS name, LocalStack); the AWS rotation
     * templates call the same setting {@code SECRETS_MANAGER_ENDPOINT}.
     */
    public static final String ENDPOINT = "DBRE_SECRETS_ENDPOINT";

    private SecretsManagerClients() {}

    /**
     * A client of {@code region}, at {@code endpoint} (null: the SDK's), signing with {@code
     * credentials}.
     */
    public static SecretsManagerClient of(String region, URI endpoint, AwsCredentialsProvider credentials) {
        var builder = SecretsManagerClient.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                // The JDK's HttpURLConnection: no Netty or Apache client to load at cold start.
                .httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }
}
