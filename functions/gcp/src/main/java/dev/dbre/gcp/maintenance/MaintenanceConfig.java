package dev.dbre.gcp.maintenance;

import dev.dbre.config.Env;
import dev.dbre.gcp.db.GcpDatabaseConfig;
import dev.dbre.metrics.MetricStoreSettings;

/**
 * The maintenance function's configuration, read once at start and validated: the database (as the
 * ingest functions reach it) and the metric store's settings (retention per resolution, partitions
 * ahead, raw points).
 */
public record MaintenanceConfig(GcpDatabaseConfig database, MetricStoreSettings metricStore) {
    /** @throws dev.dbre.config.ConfigException naming the first variable that is missing or wrong */
    public static MaintenanceConfig fromEnv(Env env) {
        return new MaintenanceConfig(GcpDatabaseConfig.fromEnv(env), MetricStoreSettings.fromEnv(env));
    }
}
