package dev.dbre.gcp.ingest;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpDatabaseConfig;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;

/**
 * The configuration of the ingest functions (Pub/Sub and HTTP), read once at start.
 *
 * @param project the project id ({@value GcpEnv#PROJECT}) for the Cloud Logging trace field, or null
 */
public record IngestConfig(
        GcpDatabaseConfig database,
        ParseLimits parse,
        HttpIngestLimits http,
        String project,
        MetricStoreSettings metricStore) {

    /** @throws ConfigException naming the first variable that is missing or wrong */
    public static IngestConfig fromEnv(Env env) {
        return new IngestConfig(
                GcpDatabaseConfig.fromEnv(env),
                ParseLimits.fromEnv(env),
                HttpIngestLimits.fromEnv(env),
                env.optional(GcpEnv.PROJECT),
                MetricStoreSettings.fromEnv(env));
    }
}
