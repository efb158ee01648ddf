package dev.dbre.azure.ingest;

import dev.dbre.azure.db.AzureConnections;
import dev.dbre.config.Env;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngest;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;

/**
 * What the Azure ingest functions share, built once per worker process from the app settings.
 *
 * <p>The Java worker creates a new function object per invocation, so the functions' no-argument
 * constructors take this from {@link #shared()}; tests build their own with {@link #fromEnv}.
 */
public final class AzureIngestRuntime {
    /**
     * Event Hubs namespace used in the batch source when the host's PartitionContext does not name
     * one (Event Hubs extension 4.x and older).
     */
    static final String EVENTHUB_NAMESPACE = "DBRE_EVENTHUB_NAMESPACE";

    /**
     * How many times the host retries an Event Hubs batch that failed because of a bug before the
     * function gives up on it (logs its range and lets the host checkpoint past it); default 10,
     * about 18 minutes with the function's back-off. Transient faults are retried without a bound.
     */
    static final String MAX_BUG_RETRIES = "DBRE_EVENTHUB_MAX_BUG_RETRIES";

    private static volatile AzureIngestRuntime shared;

    final IngestService ingest;
    final HttpIngest http;
    final MetricsPublisher metrics;
    final Clock clock;
    final String namespaceFallback;
    final int maxBugRetries;

    private AzureIngestRuntime(
            IngestService ingest,
            HttpIngest http,
            MetricsPublisher metrics,
            Clock clock,
            String namespaceFallback,
            int maxBugRetries) {
        this.ingest = ingest;
        this.http = http;
        this.metrics = metrics;
        this.clock = clock;
        this.namespaceFallback = namespaceFallback;
        this.maxBugRetries = maxBugRetries;
    }

    /**
     * @throws dev.dbre.config.ConfigException naming the first setting that is missing or wrong
     */
    public static AzureIngestRuntime fromEnv(Env env, Clock clock) {
        IngestService service =
                new IngestService(AzureConnections.fromEnv(env, clock), ParseLimits.fromEnv(env), clock);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.fromEnv(env), clock);
        return new AzureIngestRuntime(
                service,
                http,
                new LogMetricsPublisher(System.out, clock),
                clock,
                env.optional(EVENTHUB_NAMESPACE),
                env.integer(MAX_BUG_RETRIES, 10, 0, 1000));
    }

    /**
     * The process-wide instance, built from the environment on first use.
     *
     * @throws dev.dbre.config.ConfigException on a configuration error (every invocation then fails
     *     with the same message, naming the setting)
     */
    static AzureIngestRuntime shared() {
        AzureIngestRuntime r = shared;
        if (r == null) {
            synchronized (AzureIngestRuntime.class) {
                r = shared;
                if (r == null) {
                    r = fromEnv(Env.system(), Clock.systemUTC());
                    shared = r;
                }
            }
        }
        return r;
    }
}
