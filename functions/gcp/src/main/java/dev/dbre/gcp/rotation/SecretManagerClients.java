package dev.dbre.gcp.rotation;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.GoogleCredentialsProvider;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.secretmanager.v1.SecretManagerServiceSettings;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Builds the Secret Manager store once per function instance, from the environment. */
public final class SecretManagerClients {
    /** Hours an unlabelled version stays enabled before a later rotation disables it; default 24. */
    public static final String GRACE_HOURS = "DBRE_SECRET_MANAGER_GRACE_HOURS";

    /** Optional endpoint (a regional or private endpoint), e.g. {@code https://secretmanager.europe-west1.rep.googleapis.com}. */
    public static final String ENDPOINT = "DBRE_SECRET_MANAGER_ENDPOINT";

    private SecretManagerClients() {}

    /** A store over Secret Manager with the function's service account (Application Default Credentials). */
    public static SecretManagerStore store(SecretManagerSettings settings, Clock clock) {
        CredentialsProvider credentials = GoogleCredentialsProvider.newBuilder()
                .setScopesToApply(List.of("https://www.googleapis.com/auth/cloud-platform"))
                .build();
        return new SecretManagerStore(client(settings.endpoint(), credentials), settings.grace(), clock);
    }

    /** @throws ConfigException naming {@value #GRACE_HOURS} */
    public static Duration grace(Env env) {
        return Duration.ofHours(env.integer(GRACE_HOURS, 24, 0, 8760));
    }

    /**
     * A client on the HTTP/JSON transport. Why not gRPC, the library's default: the tests exercise
     * this transport against a local server, so it is the one deployed; and it starts faster (no
     * Netty channel) in a function that makes a handful of calls per invocation.
     *
     * @param endpoint null for the global endpoint
     */
    public static SecretManagerServiceClient client(String endpoint, CredentialsProvider credentials) {
        try {
            SecretManagerServiceSettings.Builder b =
                    SecretManagerServiceSettings.newHttpJsonBuilder().setCredentialsProvider(credentials);
            if (endpoint != null) {
                b.setEndpoint(endpoint);
            }
            return SecretManagerServiceClient.create(b.build());
        } catch (IOException e) {
            throw new UncheckedIOException("could not build the Secret Manager client", e);
        }
    }
}
