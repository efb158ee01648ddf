package dev.dbre.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Point-in-time restore: the Step Functions state machine that carries one restore from request to
 * its end, and the scheduled drill.
 *
 * <p>The fleet drill ({@code restore.fleetDrill}): the same drill handler without a request file,
 * given the backup policy's location instead, drills the databases of that policy by its {@code
 * drill:} rule (kinds pitr, snapshot, copy), one step per tick; its role may restore from the
 * policy's tagged databases and the product's own snapshots and copies ({@link
 * Rds#fleetDrillStatements}).
 *
 * <p>The state machine ({@code <stack>-restore}): input {@code {"request": {...}}} (a restore
 * request, docs/restore-request.md) or {@code {"runId": "..."}} (resume a run). {@code Submit}
 * hands the request to the restore function (the same handler as an HTTP {@code POST /restores},
 * called with that route's event shape): a refusal ends the execution as failed with the rule and
 * field. Then {@code Advance} (the step function: each call moves the run one state — RESTORING,
 * AVAILABLE, VERIFYING, VERIFIED and, for a drill, CLEANED_UP after deleting the database) →
 * {@code Done?} → {@code Wait} → {@code Advance}, until the run is done. A run that ended FAILED
 * fails the execution. Retries: the step's {@code RestoreStepUnavailable} (database or RDS briefly
 * unavailable) with backoff, Lambda's own service errors; {@code RestoreStepRefused} is not retried.
 * The deadline is the state machine's timeout. Logs (all events, with execution data) and X-Ray.
 *
 * <p>No public HTTP route for restores is deployed: starting an execution is authorized by IAM
 * ({@code states:StartExecution}), the right gate for an operation that creates databases.
 */
public final class RestoreWorkflow extends Construct {
    static final String UNAVAILABLE = "dev.dbre.aws.restore.RestoreStepHandler$RestoreStepUnavailable";
    static final String REFUSED = "dev.dbre.aws.restore.RestoreStepHandler$RestoreStepRefused";
    /** Where the drill request from the configuration is found in the function (the files layer). */
    public static final String DRILL_REQUEST_FILE = "/opt/dbre/drill-request.json";

    private final DbreFunction submit;
    private final DbreFunction step;
    private final StateMachine stateMachine;
    private DbreFunction drill;
    private FunctionSchedule drillSchedule;
    private DbreFunction fleetDrill;
    private FunctionSchedule fleetDrillSchedule;

    RestoreWorkflow(
            Construct scope,
            String id,
            FunctionPlatform platform,
            DbreConfig config,
            Alarms alarms,
            IQueue deadLetters) {
        super(scope, id);
        DbreConfig.Restore c = config.restore().orElseThrow();
        Stack s = Stack.of(this);
        Map<String, String> env = Ordered.map("DBRE_RESTORE_DB_USER", c.verifyUser(), "DBRE_RESTORE_DB_AUTH", "iam");
        this.submit = new DbreFunction(
                this,
                "Submit",
                platform,
                new DbreFunction.Spec(
                        "restore-submit",
                        "dev.dbre.aws.restore.RestoreHttpHandler::handleRequest",
                        "dbre restore: validates and records a point-in-time restore request",
                        512,
                        Duration.seconds(30),
                        false,
                        2,
                        false,
                        env));
        Rds.grantConnect(submit, config);
        submit.role().addToPolicy(Rds.restoreDescribe(s, Rds.restoreRegions(s, config)));
        this.step = new DbreFunction(
                this,
                "Step",
                platform,
                new DbreFunction.Spec(
                        "restore-step",
                        "dev.dbre.aws.restore.RestoreStepHandler::handleRequest",
                        "dbre restore: advances one restore run by one state",
                        512,
                        Duration.minutes(5),
                        false,
                        5,
                        false,
                        env));
        Rds.grantConnect(step, config);
        Rds.restoreStatements(s, c, Rds.restoreRegions(s, config)).forEach(step.role()::addToPolicy);
        String restoreReason = "Restored databases are named at run time: the wildcards are the configured"
                + " name prefix " + c.newNamePrefix() + "* (with an aws:RequestTag or rds:db-tag condition),"
                + " the option/subnet/parameter groups a restore call names, the verification user on the"
                + " new database's (unknown) resource id, and read-only Describe calls in this account.";
        Nag.suppress(submit.role(), "AwsSolutions-IAM5", restoreReason);
        Nag.suppress(step.role(), "AwsSolutions-IAM5", restoreReason);

        this.stateMachine = stateMachine(platform, config, c);

        c.drill().ifPresent(d -> {
            Map<String, String> drillEnv = new LinkedHashMap<>(env);
            drillEnv.put("DBRE_DRILL_REQUEST_FILE", DRILL_REQUEST_FILE);
            this.drill = new DbreFunction(
                    this,
                    "Drill",
                    platform,
                    new DbreFunction.Spec(
                            "restore-drill",
                            "dev.dbre.aws.restore.RestoreDrillHandler::handleRequest",
                            "dbre restore drill: submits the day's drill and advances it one state per tick",
                            512,
                            Duration.minutes(5),
                            false,
                            1,
                            true,
                            drillEnv));
            Rds.grantConnect(drill, config);
            Rds.restoreStatements(s, c, Rds.restoreRegions(s, config)).forEach(drill.role()::addToPolicy);
            Nag.suppress(drill.role(), "AwsSolutions-IAM5", restoreReason);
            this.drillSchedule = new FunctionSchedule(
                    this, "DrillEvery", drill, d.schedule(), "UTC", "dbre restore drill of " + d.source(), deadLetters);
            // A drill that has not completed for a day and a half (6-hour periods; no data counts).
            alarms.add(
                    "DrillMissing",
                    "dbre restore drill: no drill of " + d.source() + " was verified and cleaned up for 36 hours",
                    Alarms.dbreMetric(
                            "DrillsCompleted",
                            Ordered.map("function", "restore", "source", d.source()),
                            "Sum",
                            Duration.hours(6)),
                    1,
                    software.amazon.awscdk.services.cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                    TreatMissingData.BREACHING,
                    6);
            alarms.functionHealth(drill, "RestoreDrill");
        });

        c.fleetDrill().ifPresent(f -> {
            DbreConfig.Snapshot snap = config.snapshot().orElseThrow();
            // No DBRE_DRILL_REQUEST_FILE: the handler then drills the fleet of the backup policy.
            Map<String, String> fleetEnv = new LinkedHashMap<>(env);
            fleetEnv.put("DBRE_BACKUP_POLICY", SnapshotBackup.policyLocation(snap));
            this.fleetDrill = new DbreFunction(
                    this,
                    "FleetDrill",
                    platform,
                    new DbreFunction.Spec(
                            "restore-fleet-drill",
                            "dev.dbre.aws.restore.RestoreDrillHandler::handleRequest",
                            "dbre fleet drill: drills the databases of the backup policy by its drill rule,"
                                    + " one step per tick",
                            512,
                            Duration.minutes(5),
                            false,
                            1,
                            true,
                            fleetEnv));
            Rds.grantConnect(fleetDrill, config);
            Rds.fleetDrillStatements(s, snap, c).forEach(fleetDrill.role()::addToPolicy);
            SnapshotBackup.readPolicyStatement(s, snap).ifPresent(fleetDrill.role()::addToPolicy);
            Nag.suppress(
                    fleetDrill.role(),
                    "AwsSolutions-IAM5",
                    "The fleet is chosen at run time by the backup policy's tag: the wildcards are db:*/cluster:*"
                            + " only under an rds:db-tag/rds:cluster-tag condition, own snapshots dbre-* under an"
                            + " rds:snapshot-tag condition, restored databases under the name prefix "
                            + c.newNamePrefix() + "* with an aws:RequestTag or tag condition, the groups a restore"
                            + " call names, the verification user on new databases' (unknown) resource ids, and"
                            + " read-only Describe calls in this account and the policy's Regions.");
            this.fleetDrillSchedule = new FunctionSchedule(
                    this,
                    "FleetDrillEvery",
                    fleetDrill,
                    f.schedule(),
                    "UTC",
                    "dbre fleet drill (policy " + snap.policy() + ")",
                    deadLetters);
            alarms.functionHealth(fleetDrill, "FleetDrill");
        });

        if (c.drill().isPresent() || c.fleetDrill().isPresent()) {
            Duration period = Duration.minutes(15);
            alarms.above(
                    "DrillFailures",
                    "dbre drill: a restore drill ended FAILED (a restore, verification or clean-up step; the"
                            + " restore-runs view says which)",
                    Alarms.insights("SUM", "DrillFailures", period),
                    0,
                    TreatMissingData.NOT_BREACHING);
            alarms.above(
                    "DrillsOverRto",
                    "dbre drill: a drill took longer than its policy's RTO objective to be restored and verified"
                            + " (RestoreRecoverySeconds by kind)",
                    Alarms.insights("SUM", "DrillsOverRto", period),
                    0,
                    TreatMissingData.NOT_BREACHING);
        }

        alarms.above(
                "RestoreFailures",
                "dbre restore: a restore or drill run ended FAILED (its failureReason says why)",
                Alarms.insights("SUM", "RestoreFailures", "restore", Duration.minutes(15)),
                0,
                TreatMissingData.NOT_BREACHING);
        MetricOptions sum5m = MetricOptions.builder()
                .statistic("Sum")
                .period(Duration.minutes(5))
                .build();
        alarms.above(
                "RestoreWorkflowFailed",
                "dbre restore: a restore execution failed, was refused or passed its deadline",
                stateMachine.metricFailed(sum5m),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.above(
                "RestoreWorkflowTimedOut",
                "dbre restore: a restore execution passed its deadline of " + c.deadlineHours() + " h",
                stateMachine.metricTimedOut(sum5m),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.functionHealth(submit, "RestoreSubmit");
        alarms.functionHealth(step, "RestoreStep");
    }

    private StateMachine stateMachine(FunctionPlatform platform, DbreConfig config, DbreConfig.Restore c) {
        Construct states = new Construct(this, "Workflow");
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("version", "2.0");
        event.put("routeKey", "POST /restores");
        event.put("rawPath", "/restores");
        event.put("isBase64Encoded", false);
        event.put("body", JsonPath.jsonToString(JsonPath.objectAt("$.request")));
        LambdaInvoke submitTask = LambdaInvoke.Builder.create(states, "Submit")
                .lambdaFunction(submit.alias())
                .comment("Validate and record the request (refusals end here, with the rule and field)")
                .payload(TaskInput.fromObject(event))
                .resultSelector(Ordered.map(
                        "statusCode.$", "$.Payload.statusCode", "response.$", "States.StringToJson($.Payload.body)"))
                .build();
        Fail refused = Fail.Builder.create(states, "Refused")
                .error("RestoreRefused")
                .causePath(JsonPath.jsonToString(JsonPath.objectAt("$.response")))
                .build();
        Pass runOnly = Pass.Builder.create(states, "RunId")
                .parameters(Map.of("runId.$", "$.response.runId"))
                .build();
        LambdaInvoke advance = LambdaInvoke.Builder.create(states, "Advance")
                .lambdaFunction(step.alias())
                .comment("Move the run one state: restore, wait for it, verify, clean up a drill")
                .payload(TaskInput.fromObject(Map.of("runId.$", "$.runId")))
                .payloadResponseOnly(true)
                .build();
        advance.addRetry(RetryProps.builder()
                .errors(List.of(UNAVAILABLE))
                .interval(Duration.seconds(30))
                .backoffRate(2)
                .maxAttempts(6)
                .build());
        Fail stepRefused = Fail.Builder.create(states, "StepRefused")
                .error("RestoreStepRefused")
                .cause("the run does not exist or the step's input was wrong")
                .build();
        advance.addCatch(
                stepRefused, CatchProps.builder().errors(List.of(REFUSED)).build());
        Fail failed = Fail.Builder.create(states, "RunFailed")
                .error("RestoreFailed")
                .causePath("$.failureReason")
                .build();
        Wait wait = Wait.Builder.create(states, "Wait")
                .time(WaitTime.duration(Duration.seconds(c.pollSeconds())))
                .build();
        Choice outcome = Choice.Builder.create(states, "Outcome?")
                .build()
                .when(
                        Condition.and(Condition.isPresent("$.outcome"), Condition.stringEquals("$.outcome", "FAILED")),
                        failed)
                .otherwise(new Succeed(states, "Done"));
        advance.next(Choice.Builder.create(states, "Done?")
                .build()
                .when(Condition.booleanEquals("$.done", true), outcome)
                .otherwise(wait.next(advance)));
        submitTask.next(Choice.Builder.create(states, "Accepted?")
                .build()
                .when(Condition.numberEquals("$.statusCode", 202), runOnly.next(advance))
                .otherwise(refused));
        Choice start = Choice.Builder.create(states, "Resume?")
                .build()
                .when(Condition.isPresent("$.runId"), advance)
                .otherwise(submitTask);

        LogGroup logs = LogGroup.Builder.create(this, "StateMachineLogs")
                .logGroupName("/aws/vendedlogs/states/" + config.stackName() + "-restore")
                .retention(platform.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        StateMachine sm = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName(config.stackName() + "-restore")
                .comment("dbre point-in-time restore: submit, then advance until done")
                .definitionBody(DefinitionBody.fromChainable(start))
                .timeout(Duration.hours(c.deadlineHours()))
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(logs)
                        .level(LogLevel.ALL)
                        .includeExecutionData(true)
                        .build())
                .build();
        Nag.suppress(
                sm,
                "AwsSolutions-IAM5",
                "Step Functions' own grants: invoking the two restore aliases (with :* for their"
                        + " versions) and delivering logs and X-Ray traces, which have no resource-level"
                        + " permissions.");
        return sm;
    }

    public DbreFunction submitFunction() {
        return submit;
    }

    public DbreFunction stepFunction() {
        return step;
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public DbreFunction drillFunction() {
        return drill;
    }

    public FunctionSchedule drillSchedule() {
        return drillSchedule;
    }

    /** The fleet drill function (restore.fleetDrill), or null. */
    public DbreFunction fleetDrillFunction() {
        return fleetDrill;
    }

    public FunctionSchedule fleetDrillSchedule() {
        return fleetDrillSchedule;
    }
}
