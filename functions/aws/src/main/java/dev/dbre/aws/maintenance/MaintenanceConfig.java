package dev.dbre.aws.maintenance;

import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.config.Env;
import dev.dbre.metrics.MetricStoreSettings;

/**
 * The maintenance function's configuration, read once at cold start and validated: the database
 * (as the ingest functions reach it) and the metric store's settings (retention per resolution,
 * partitions ahead, raw points).
 */
public record MaintenanceConfig(AwsDbConfig db, MetricStoreSettings metricStore) {
    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static MaintenanceConfig fromEnv(Env env) {
        return new MaintenanceConfig(AwsDbConfig.fromEnv(env), MetricStoreSettings.fromEnv(env));
    }
}
