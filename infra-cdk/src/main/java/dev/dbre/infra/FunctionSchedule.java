package dev.dbre.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.TimeZone;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.ScheduleTargetInput;
import software.amazon.awscdk.services.scheduler.TimeWindow;
import software.amazon.awscdk.services.scheduler.targets.LambdaInvoke;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * An EventBridge Scheduler schedule that invokes a function's alias: the one construct every
 * scheduled function uses (snapshots, the restore drill, fleet drills, the maintenance step and the
 * SLO report). No flexible window (a slot is a slot), a bounded retry, and a dead-letter queue for
 * invocations the scheduler could not deliver.
 *
 * <p>The input is the shape of {@code events/aws/scheduler-*.json}; it carries {@code
 * <aws.scheduler.scheduled-time>}, which the snapshot function uses
 * to fix its slot (a retried delivery keeps the same time, so it finds the same slot).
 */
public final class FunctionSchedule extends Construct {
    private final Schedule schedule;

    FunctionSchedule(
            Construct scope,
            String id,
            DbreFunction target,
            String expression,
            String timeZone,
            String description,
            IQueue deadLetters) {
        super(scope, id);
        this.schedule = Schedule.Builder.create(this, "Schedule")
                .description(description)
                .schedule(ScheduleExpression.expression(expression, TimeZone.of(timeZone)))
                .timeWindow(TimeWindow.off())
                .target(LambdaInvoke.Builder.create(target.alias())
                        .input(ScheduleTargetInput.fromObject(Ordered.map(
                                "scheduleArn", "<aws.scheduler.schedule-arn>",
                                "scheduledTime", "<aws.scheduler.scheduled-time>",
                                "executionId", "<aws.scheduler.execution-id>",
                                "attemptNumber", "<aws.scheduler.attempt-number>")))
                        .retryAttempts(3)
                        .maxEventAge(Duration.hours(1))
                        .deadLetterQueue(deadLetters)
                        .build())
                .build();
    }

    public Schedule schedule() {
        return schedule;
    }
}
