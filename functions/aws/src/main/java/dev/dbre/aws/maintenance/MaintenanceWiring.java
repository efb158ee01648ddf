package dev.dbre.aws.maintenance;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.metrics.MaintenanceJob;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The maintenance function's one wiring place: from the {@link MaintenanceConfig} read at cold
 * start, the database pool (RDS IAM login by default), the EMF publisher, the clock and the core
 * job. Built once per execution environment; nothing here opens a connection.
 */
public final class MaintenanceWiring {
    private static final Lazy<MaintenanceJob> SYSTEM = Lazy.of(() -> job(
            MaintenanceConfig.fromEnv(Env.system()),
            DefaultCredentialsProvider.builder().build(),
            new EmfMetricsPublisher(),
            Clock.systemUTC()));

    private MaintenanceWiring() {}

    /**
     * The job of this execution environment, from the process environment, built on first use (a
     * failed build is tried again on next use).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static MaintenanceJob system() {
        return SYSTEM.get();
    }

    /** From {@code config}, signing IAM tokens with {@code credentials}. */
    public static MaintenanceJob job(
            MaintenanceConfig config, AwsCredentialsProvider credentials, MetricsPublisher metrics, Clock clock) {
        AwsDatabase db = AwsDatabase.open(config.db(), clock, credentials);
        return new MaintenanceJob(new MaintenanceService(db.connections(), config.metricStore()), metrics, clock);
    }
}
