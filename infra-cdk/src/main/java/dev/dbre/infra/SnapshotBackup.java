package dev.dbre.infra;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The snapshot function on its schedule: creates, copies, shares and prunes snapshots by the
 * backup policy ({@code DBRE_BACKUP_POLICY}: a file shipped in the layer, an S3 object or an SSM
 * parameter, read at every run). Alarms: failed runs, failed snapshots, and the RPO — the age of
 * the newest completed snapshot of the worst-covered database.
 */
public final class SnapshotBackup extends Construct {
    /** Where a policy file from the configuration is found in the function (the files layer). */
    public static final String POLICY_FILE = "/opt/dbre/backup-policy";

    private final DbreFunction function;
    private final FunctionSchedule schedule;

    SnapshotBackup(
            Construct scope,
            String id,
            FunctionPlatform platform,
            DbreConfig config,
            Alarms alarms,
            IQueue deadLetters) {
        super(scope, id);
        DbreConfig.Snapshot c = config.snapshot().orElseThrow();
        String policy = policyLocation(c);
        this.function = new DbreFunction(
                this,
                "Snapshot",
                platform,
                new DbreFunction.Spec(
                        "snapshot",
                        "dev.dbre.aws.backup.ScheduledSnapshotHandler::handleRequest",
                        "dbre snapshot: snapshots, copies and prunes RDS/Aurora snapshots by policy",
                        512,
                        Duration.minutes(10),
                        false,
                        1,
                        true,
                        Map.of("DBRE_BACKUP_POLICY", policy)));
        Rds.grantConnect(function, config);
        Stack s = Stack.of(this);
        Rds.snapshotStatements(s, c).forEach(function.role()::addToPolicy);
        readPolicyStatement(s, c).ifPresent(function.role()::addToPolicy);
        Nag.suppress(
                function.role(),
                "AwsSolutions-IAM5",
                "Snapshots are chosen at run time by the policy's tag, and named dbre-<db>-<slot>: the"
                        + " wildcards are the name prefix dbre-* for snapshots, db:*/cluster:* only under an"
                        + " rds:db-tag/rds:cluster-tag condition, and read-only Describe calls scoped to this"
                        + " account and the policy's Regions.");
        this.schedule = new FunctionSchedule(
                this,
                "Every",
                function,
                c.schedule(),
                c.timeZone(),
                "dbre snapshot run (policy " + c.policy() + ")",
                deadLetters);

        Duration period = Duration.minutes(15);
        alarms.above(
                "SnapshotFailures",
                "dbre snapshot: a snapshot, copy, share or delete failed (the run summary names the code)",
                Alarms.insights("SUM", "SnapshotFailures", "snapshot", period),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.above(
                "SnapshotRpoBreach",
                "dbre snapshot: the newest completed snapshot of some database is older than the RPO of "
                        + c.rpoMinutes() + " minutes",
                Alarms.insights("MAX", "SnapshotOldestNewestAge", "snapshot", period),
                c.rpoMinutes() * 60.0,
                // A Metrics Insights alarm sees 3 hours at most, and a daily policy reports once a
                // day: missing data is not a breach here. Runs that do not happen are caught by the
                // function's Errors alarm and the schedule's dead-letter queue.
                TreatMissingData.NOT_BREACHING);
        alarms.above(
                "BackupsOverRpo",
                "dbre snapshot: some database's newest backup is older than its policy's RPO objective"
                        + " (BackupsOverRpo, measured at every snapshot tick; BackupRpoSeconds per database)",
                Alarms.insights("SUM", "BackupsOverRpo", period),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.functionHealth(function, "Snapshot");
    }

    /** {@code DBRE_BACKUP_POLICY}: where the layer holds a policy file, or the configured location. */
    static String policyLocation(DbreConfig.Snapshot c) {
        return c.policyFile()
                .map(p -> POLICY_FILE + extension(p.getFileName().toString()))
                .orElse(c.policy());
    }

    /** Read access to exactly the policy's parameter or object (a file in the layer needs none). */
    static Optional<PolicyStatement> readPolicyStatement(Stack s, DbreConfig.Snapshot c) {
        if (c.policy().startsWith("ssm:/")) {
            String name = c.policy().substring("ssm:".length());
            return Optional.of(PolicyStatement.Builder.create()
                    .sid("ReadPolicyParameter")
                    .effect(Effect.ALLOW)
                    .actions(List.of("ssm:GetParameter"))
                    .resources(List.of("arn:" + s.getPartition() + ":ssm:" + s.getRegion() + ":" + s.getAccount()
                            + ":parameter" + name))
                    .build());
        }
        if (c.policy().startsWith("s3://")) {
            return Optional.of(PolicyStatement.Builder.create()
                    .sid("ReadPolicyObject")
                    .effect(Effect.ALLOW)
                    .actions(List.of("s3:GetObject"))
                    .resources(List.of(
                            "arn:" + s.getPartition() + ":s3:::" + c.policy().substring(5)))
                    .build());
        }
        return Optional.empty();
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot);
    }

    public DbreFunction function() {
        return function;
    }

    public FunctionSchedule schedule() {
        return schedule;
    }
}
