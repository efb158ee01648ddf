package dev.dbre.azure.maintenance;

import dev.dbre.azure.db.AzureDbConfig;
import dev.dbre.config.Env;
import dev.dbre.metrics.MetricStoreSettings;

/**
 * The maintenance function's settings, read once at cold start and validated: the database (as the
 * ingest functions reach it) and the metric store's settings (retention per resolution, partitions
 * ahead, raw points).
 */
public record MaintenanceConfig(AzureDbConfig db, MetricStoreSettings metricStore) {
    /** The timer's NCRONTAB schedule, an app setting the trigger names ({@code %...%}). */
    public static final String SCHEDULE = "DBRE_MAINTENANCE_SCHEDULE";

    /** @throws dev.dbre.config.ConfigException naming the setting that is missing or wrong */
    public static MaintenanceConfig fromEnv(Env env) {
        return new MaintenanceConfig(AzureDbConfig.fromEnv(env), MetricStoreSettings.fromEnv(env));
    }
}
