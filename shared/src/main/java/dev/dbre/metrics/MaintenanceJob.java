package dev.dbre.metrics;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The maintenance function's one operation, the same on every cloud: one {@link MaintenanceService}
 * run within the invocation's time, and its metric. {@value MetricNames#MAINTENANCE_FAILURES} is 0
 * after a run and 1 after a failure (dimension {@code function=maintenance}); a failure is then
 * rethrown, so the platform retries the tick or records it as failed (the alarm reads the metric).
 */
public final class MaintenanceJob {
    /** The dimensions of the maintenance metrics. */
    public static final Map<String, String> DIMENSIONS = Map.of("function", "maintenance");

    /**
     * Time kept after the rollups stop for the retention step and the answer: rollups start no new
     * transaction later than this before the invocation's end.
     */
    public static final Duration MARGIN = Duration.ofSeconds(10);

    /**
     * The invocation time assumed where the platform does not tell the function how much is left
     * (Azure Functions, Cloud Run functions): their default timeouts are 5 min and 60 s, so 60 s.
     */
    public static final Duration ASSUMED_INVOCATION_TIME = Duration.ofSeconds(60);

    private final MaintenanceService service;
    private final MetricsPublisher metrics;
    private final Clock clock;

    public MaintenanceJob(MaintenanceService service, MetricsPublisher metrics, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One run at the clock's time.
     *
     * @param remaining the invocation's remaining time; the rollups stop {@link #MARGIN} before it
     * @param dryRun change nothing, report what a run would do
     * @throws MaintenanceException when a step fails on the database (after publishing the failure)
     */
    public MaintenanceService.Report run(Duration remaining, boolean dryRun) {
        Duration budget = remaining.minus(MARGIN);
        try {
            MaintenanceService.Report report = service.run(clock, budget.isNegative() ? Duration.ZERO : budget, dryRun);
            publish(0);
            return report;
        } catch (SQLException e) {
            publish(1);
            throw new MaintenanceException("metric store maintenance failed (running it again is safe)", e);
        } catch (RuntimeException e) {
            publish(1);
            throw e;
        }
    }

    private void publish(int failures) {
        metrics.publish(DIMENSIONS, List.of(Metric.count(MetricNames.MAINTENANCE_FAILURES, failures)));
    }
}
