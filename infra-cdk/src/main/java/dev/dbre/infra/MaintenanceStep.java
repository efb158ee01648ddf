package dev.dbre.infra;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The metric store's maintenance step on its schedule (every 5 minutes by default): rolls the
 * aggregates up (10 s → 1 min → 1 h), creates partitions ahead and drops those past retention. It
 * reaches the database like the ingest functions ({@code rds-db:connect} as the configured user) and
 * needs no other AWS permission. One run at a time (reserved concurrency 1): a slow run is not
 * overtaken by the next tick. Alarms: {@code MaintenanceFailures}, errors and throttles.
 */
public final class MaintenanceStep extends Construct {
    private final DbreFunction function;
    private final FunctionSchedule schedule;

    MaintenanceStep(
            Construct scope,
            String id,
            FunctionPlatform platform,
            DbreConfig config,
            Alarms alarms,
            IQueue deadLetters) {
        super(scope, id);
        DbreConfig.Maintenance c = config.maintenance().orElseThrow();
        this.function = new DbreFunction(
                this,
                "Maintenance",
                platform,
                new DbreFunction.Spec(
                        "maintenance",
                        "dev.dbre.aws.maintenance.MaintenanceHandler::handleRequest",
                        "dbre maintenance: metric store roll-ups, partitions ahead, retention",
                        1024,
                        Duration.minutes(5),
                        false,
                        1,
                        true,
                        Map.of()));
        Rds.grantConnect(function, config);
        this.schedule = new FunctionSchedule(
                this, "Every", function, c.schedule(), c.timeZone(), "dbre metric store maintenance", deadLetters);
        alarms.above(
                "MaintenanceFailures",
                "dbre maintenance: a roll-up, partition or retention step failed (the run's log names it)",
                Alarms.insights("SUM", "MaintenanceFailures", Duration.minutes(15)),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.functionHealth(function, "Maintenance");
    }

    public DbreFunction function() {
        return function;
    }

    public FunctionSchedule schedule() {
        return schedule;
    }
}
