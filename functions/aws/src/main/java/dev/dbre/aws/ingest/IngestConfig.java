package dev.dbre.aws.ingest;

import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.config.Env;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;

/**
 * The ingest functions' configuration (Kinesis and HTTP), read once at cold start and validated:
 * the database, the parser limits, the HTTP body limits and the metric store (interval, raw
 * points, cardinality guard).
 */
record IngestConfig(AwsDbConfig db, ParseLimits parse, HttpIngestLimits http, MetricStoreSettings metricStore) {
    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    static IngestConfig fromEnv(Env env) {
        return new IngestConfig(
                AwsDbConfig.fromEnv(env),
                ParseLimits.fromEnv(env),
                HttpIngestLimits.fromEnv(env),
                MetricStoreSettings.fromEnv(env));
    }
}
