package dev.dbre.aws.rotation;

import dev.dbre.aws.config.AwsEndpoints;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Builds the Secrets Manager client once per function instance, from the environment. */
public final class SecretsManagerClients {
    /** The region Lambda runs in. */
    public static final String AWS_REGION = "AWS_REGION";

    /**
     * Optional endpoint URL (an interface VPC endpoint's DNS name, LocalStack); the AWS rotation
     * templates call the same setting {@code SECRETS_MANAGER_ENDPOINT}.
     */
    public static final String ENDPOINT = "DBRE_SECRETS_ENDPOINT";

    private SecretsManagerClients() {}

    /** @throws ConfigException naming {@value #AWS_REGION} or {@value #ENDPOINT} when missing or wrong */
    public static SecretsManagerClient fromEnv(Env env) {
        return fromEnv(env, DefaultCredentialsProvider.builder().build());
    }

    /** As {@link #fromEnv(Env)}, with {@code credentials}. */
    public static SecretsManagerClient fromEnv(Env env, AwsCredentialsProvider credentials) {
        return of(env.required(AWS_REGION), AwsEndpoints.optional(env, ENDPOINT), credentials);
    }

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
