package dev.dbre.aws.maintenance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.dbre.aws.event.ScheduledTick;
import dev.dbre.metrics.MaintenanceJob;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.obs.LogContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metric store's maintenance function: an EventBridge Scheduler schedule (every few minutes,
 * {@code events/aws/scheduler-maintenance.json}) invokes it; it creates the partitions ahead, rolls
 * the closed minutes and hours up and drops the partitions past their retention ({@link
 * MaintenanceService}), and answers the run's summary as JSON. The input is a {@link
 * ScheduledTick}: {@code "dryRun": true} reports what a run would create, roll up and drop without
 * changing anything; a malformed field is refused naming it. The run uses the clock's time, not the
 * schedule's (a retried tick rolls up what is closed by then).
 *
 * <p>The rollups stop starting work {@link MaintenanceJob#MARGIN} before the invocation's end (the
 * rest stays queued for the next tick: the answer says {@code "complete": false}). A database fault
 * publishes {@code MaintenanceFailures} and fails the invocation, so Lambda's retry and the alarm
 * see it.
 *
 * <p>Handler: {@code dev.dbre.aws.maintenance.MaintenanceHandler::handleRequest}.
 */
public final class MaintenanceHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceHandler.class);

    private final MaintenanceJob job;

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public MaintenanceHandler() {
        this(MaintenanceWiring.system());
    }

    public MaintenanceHandler(MaintenanceJob job) {
        this.job = job;
    }

    /**
     * @throws dev.dbre.aws.event.BadEventException when {@code dryRun} (or a time field) is malformed
     * @throws dev.dbre.metrics.MaintenanceException when a step fails on the database
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "maintenance")) {
            ScheduledTick tick = ScheduledTick.decode(input);
            Duration remaining = context == null
                    ? MaintenanceJob.ASSUMED_INVOCATION_TIME
                    : Duration.ofMillis(context.getRemainingTimeInMillis());
            MaintenanceService.Report report = job.run(remaining, tick.dryRun());
            LOG.info("maintenance summary: {}", report.toJson());
            output.write(report.toJson().getBytes(StandardCharsets.UTF_8));
        }
    }
}
