package dev.dbre.azure.ingest;

import dev.dbre.azure.db.AzureDbConfig;
import dev.dbre.config.Env;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import java.util.Optional;

/**
 * The ingest functions' settings, read and validated once at cold start.
 *
 * @param eventHubNamespace {@value #EVENTHUB_NAMESPACE}: the namespace in the batch source when the
 *     host's PartitionContext names none (Event Hubs extension 4.x and older)
 * @param maxBugRetries {@value #MAX_BUG_RETRIES}
 */
public record IngestConfig(
        AzureDbConfig db,
        ParseLimits parseLimits,
        HttpIngestLimits httpLimits,
        Optional<String> eventHubNamespace,
        int maxBugRetries,
        MetricStoreSettings metricStore) {
    /**
     * Event Hubs namespace used in the batch source when the host's PartitionContext does not name
     * one (Event Hubs extension 4.x and older).
     */
    public static final String EVENTHUB_NAMESPACE = "DBRE_EVENTHUB_NAMESPACE";

    /**
     * How many times the host retries an Event Hubs batch that failed because of a bug before the
     * function gives up on it (logs its range and lets the host checkpoint past it); default 10,
     * about 18 minutes with the function's back-off. Transient faults are retried without a bound.
     */
    public static final String MAX_BUG_RETRIES = "DBRE_EVENTHUB_MAX_BUG_RETRIES";

    /** @throws dev.dbre.config.ConfigException naming the first setting that is missing or wrong */
    public static IngestConfig fromEnv(Env env) {
        return new IngestConfig(
                AzureDbConfig.fromEnv(env),
                ParseLimits.fromEnv(env),
                HttpIngestLimits.fromEnv(env),
                Optional.ofNullable(env.optional(EVENTHUB_NAMESPACE)),
                env.integer(MAX_BUG_RETRIES, 10, 0, 1000),
                MetricStoreSettings.fromEnv(env));
    }
}
