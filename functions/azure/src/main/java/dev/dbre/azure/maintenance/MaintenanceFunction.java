package dev.dbre.azure.maintenance;

import com.azure.core.credential.TokenCredential;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.dbre.azure.db.AzureConnections;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.metrics.MaintenanceJob;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@value #NAME}: Timer trigger ({@code %DBRE_MAINTENANCE_SCHEDULE%}, an NCRONTAB app setting, e.g.
 * every 5 minutes) → one run of the metric store's maintenance ({@link MaintenanceService}: partitions
 * ahead, rollups of the closed minutes and hours, retention), its summary logged as JSON. The host
 * does not tell a function its remaining time: the rollups stop starting work after {@link
 * MaintenanceJob#ASSUMED_INVOCATION_TIME} less {@link MaintenanceJob#MARGIN} (the rest stays queued).
 * A database fault publishes {@code MaintenanceFailures} and throws (the host logs a failed run; the
 * next tick runs again).
 */
public class MaintenanceFunction {
    public static final String NAME = "maintenance";
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceFunction.class);

    /** The process-wide job, built from the app settings on first use (tried again after an error). */
    private static final Lazy<MaintenanceJob> SHARED =
            Lazy.of(() -> job(MaintenanceConfig.fromEnv(Env.system()), Clock.systemUTC(), AzureCredentials.DEFAULT));

    private final MaintenanceJob job;

    /** Used by the Functions host. */
    public MaintenanceFunction() {
        this(SHARED.get());
    }

    public MaintenanceFunction(MaintenanceJob job) {
        this.job = job;
    }

    /** The job over {@code config}, its metrics in the log (stdout), as in Azure. */
    public static MaintenanceJob job(MaintenanceConfig config, Clock clock, Supplier<TokenCredential> credential) {
        return job(config, clock, credential, new LogMetricsPublisher(System.out, clock));
    }

    /** The job over {@code config}, signing in to the database with {@code credential} when it logs in with Entra. */
    public static MaintenanceJob job(
            MaintenanceConfig config, Clock clock, Supplier<TokenCredential> credential, MetricsPublisher metrics) {
        MaintenanceService service =
                new MaintenanceService(AzureConnections.pooled(config.db(), clock, credential), config.metricStore());
        return new MaintenanceJob(service, metrics, clock);
    }

    @FunctionName(NAME)
    public void maintenance(
            @TimerTrigger(name = "timer", schedule = "%DBRE_MAINTENANCE_SCHEDULE%") String timerInfo,
            ExecutionContext context) {
        run(timerInfo, context);
    }

    /**
     * @throws IllegalArgumentException naming the TimerInfo field of the wrong shape ({@code dryRun} too)
     * @throws dev.dbre.metrics.MaintenanceException when a step fails on the database
     */
    public MaintenanceService.Report run(String timerInfo, ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            MaintenanceTick tick = MaintenanceTick.parse(timerInfo);
            MaintenanceService.Report report = job.run(MaintenanceJob.ASSUMED_INVOCATION_TIME, tick.dryRun());
            LOG.info("maintenance summary ({}): {}", tick.timer(), report.toJson());
            return report;
        }
    }
}
