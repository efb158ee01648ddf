package dev.dbre.azure.ingest;

import com.azure.core.credential.TokenCredential;
import dev.dbre.azure.db.AzureConnections;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the Azure ingest functions share, built once per worker process from {@link IngestConfig}.
 *
 * <p>The Java worker creates a new function object per invocation, so the functions' no-argument
 * constructors take this from {@link #SHARED}; tests and run-local build their own with {@link
 * #fromEnv}.
 */
public record AzureIngestRuntime(
        IngestConfig config, IngestService ingest, HttpIngest http, MetricsPublisher metrics, Clock clock) {

    /**
     * The process-wide instance, built from the app settings on first use. A configuration error
     * fails every invocation with the same message, naming the setting (the build is tried again).
     */
    static final Lazy<AzureIngestRuntime> SHARED =
            Lazy.of(() -> of(IngestConfig.fromEnv(Env.system()), Clock.systemUTC(), AzureCredentials.DEFAULT));

    /** @throws dev.dbre.config.ConfigException naming the first setting that is missing or wrong */
    public static AzureIngestRuntime fromEnv(Env env, Clock clock) {
        return of(IngestConfig.fromEnv(env), clock, AzureCredentials.DEFAULT);
    }

    /** The runtime over {@code config}, signing in to the database with {@code credential} when it logs in with Entra. */
    public static AzureIngestRuntime of(IngestConfig config, Clock clock, Supplier<TokenCredential> credential) {
        IngestService service = new IngestService(
                AzureConnections.pooled(config.db(), clock, credential),
                config.parseLimits(),
                config.metricStore(),
                clock);
        HttpIngest http = new HttpIngest(service::ingest, config.httpLimits(), clock);
        return new AzureIngestRuntime(config, service, http, new LogMetricsPublisher(System.out, clock), clock);
    }
}
