package dev.dbre.gcp.maintenance;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.config.Lazy;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.gcp.trigger.ScheduledTick;
import dev.dbre.metrics.MaintenanceJob;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metric store's maintenance: Cloud Scheduler publishes to a Pub/Sub topic (every few minutes)
 * and the Eventarc {@code messagePublished} CloudEvent ({@link ScheduledTick}) runs {@link
 * MaintenanceService} once (partitions ahead, rollups of the closed minutes and hours, retention);
 * the summary is logged as JSON. A body {@code {"dryRun": true}} reports what a run would do and
 * changes nothing; a {@code dryRun} that is not a boolean is refused naming it; any other body is
 * ignored. The function is not told its remaining time: the rollups stop starting work after {@link
 * MaintenanceJob#ASSUMED_INVOCATION_TIME} less {@link MaintenanceJob#MARGIN}. A database fault
 * publishes {@code MaintenanceFailures} and throws, so Pub/Sub delivers the message again.
 */
public final class MaintenanceFunction implements CloudEventsFunction {
    public static final String NAME = "maintenance";
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceFunction.class);

    /** Built on first use from the process environment (tried again after an error). */
    private static final Lazy<MaintenanceJob> SHARED = Lazy.of(() -> {
        Clock clock = Clock.systemUTC();
        return job(MaintenanceConfig.fromEnv(GcpEnv.system()), clock, new LogMetricsPublisher(System.out, clock));
    });

    private final MaintenanceJob job;

    /** Used by the Functions Framework. */
    public MaintenanceFunction() {
        this(SHARED.get());
    }

    public MaintenanceFunction(MaintenanceJob job) {
        this.job = job;
    }

    public static MaintenanceJob job(MaintenanceConfig config, Clock clock, MetricsPublisher metrics) {
        MaintenanceService service =
                new MaintenanceService(GcpConnections.pooled(config.database(), clock), config.metricStore());
        return new MaintenanceJob(service, metrics, clock);
    }

    @Override
    public void accept(CloudEvent event) {
        run(event);
    }

    /**
     * @throws IllegalArgumentException naming the field when the event is not a Pub/Sub message or
     *     {@code dryRun} is not true or false
     * @throws dev.dbre.metrics.MaintenanceException when a step fails on the database
     */
    public MaintenanceService.Report run(CloudEvent event) {
        try (LogContext ignored = LogContext.open(event.getId(), NAME)) {
            ScheduledTick tick = ScheduledTick.of(event);
            if (tick.ignoredBody() != null) {
                LOG.warn("scheduler message body ignored: {}", tick.ignoredBody());
            }
            MaintenanceService.Report report = job.run(MaintenanceJob.ASSUMED_INVOCATION_TIME, tick.dryRun());
            LOG.info("maintenance summary: {}", report.toJson());
            return report;
        }
    }
}
