package dev.dbre.azure.backup;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import dev.dbre.azure.identity.AzureCredentials;
import java.util.Map;

/** Builds the Flexible Server manager: ARM endpoint, subscription, and an authenticated pipeline. */
public final class ArmClients {
    private ArmClients() {}

    /** The public cloud with the function's managed identity (DefaultAzureCredential). */
    public static PostgreSqlManager standard(String subscription) {
        TokenCredential credential = AzureCredentials.DEFAULT.get();
        AzureProfile profile = new AzureProfile(null, subscription, AzureEnvironment.AZURE);
        return PostgreSqlManager.authenticate(credential, profile);
    }

    /** A manager over {@code pipeline} for {@code profile} (tests: a local ARM endpoint). */
    public static PostgreSqlManager manager(HttpPipeline pipeline, AzureProfile profile) {
        return PostgreSqlManager.authenticate(pipeline, profile);
    }

    /** A profile whose ARM endpoint is {@code resourceManagerEndpoint}. */
    public static AzureProfile profile(String resourceManagerEndpoint, String subscription) {
        String endpoint =
                resourceManagerEndpoint.endsWith("/") ? resourceManagerEndpoint : resourceManagerEndpoint + "/";
        AzureEnvironment env = new AzureEnvironment(Map.of(
                "resourceManagerEndpointUrl",
                endpoint,
                "activeDirectoryEndpointUrl",
                "https://login.microsoftonline.com/"));
        return new AzureProfile("00000000-0000-0000-0000-000000000000", subscription, env);
    }

    /**
     * A pipeline that sends a fixed bearer header over plain HTTP, without retries: the SDK's bearer
     * token policy refuses http:// URLs, which the local test endpoint is.
     */
    public static HttpPipeline testPipeline() {
        return new HttpPipelineBuilder()
                .policies((context, next) -> {
                    context.getHttpRequest()
                            .setHeader(
                                    com.azure.core.http.HttpHeaderName.AUTHORIZATION, "Bearer test-token-not-a-secret");
                    return next.process();
                })
                .build();
    }
}
