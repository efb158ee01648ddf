package dev.dbre.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.RotationSchedule;
import software.amazon.awscdk.services.secretsmanager.RotationScheduleOptions;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The Secrets Manager rotation function for one database secret and the secret's rotation
 * schedule. CDK's rotation schedule adds what Secrets Manager needs: the function's resource
 * policy for {@code secretsmanager.amazonaws.com} (on the alias), and the function's rights on
 * that one secret (DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage) plus
 * {@code GetRandomPassword}. With alternating users the function also reads the master secret and,
 * for an RDS-managed master secret, finds its endpoint with DescribeDBInstances/DescribeDBClusters.
 *
 * <p>The function runs in the VPC to reach the database: the private subnets need a route to
 * Secrets Manager (an interface endpoint or NAT). It also logs in to the product's database (the
 * {@code DBRE_DB_*} settings every function gets, and {@code rds-db:connect} as its user) to record
 * each step in {@code rotation_runs}, which the SLO report's rotation SLI reads.
 */
public final class SecretRotation extends Construct {
    private final DbreFunction function;
    private final RotationSchedule schedule;

    SecretRotation(Construct scope, String id, FunctionPlatform platform, DbreConfig config, Alarms alarms) {
        super(scope, id);
        DbreConfig.Rotation c = config.rotation().orElseThrow();
        this.function = new DbreFunction(
                this,
                "Rotation",
                platform,
                new DbreFunction.Spec(
                        "rotation",
                        "dev.dbre.aws.rotation.SecretsManagerRotationHandler::handleRequest",
                        "dbre rotation: rotates a PostgreSQL password (" + c.strategy() + " user"
                                + (c.strategy().equals("single") ? "" : "s") + ")",
                        512,
                        Duration.minutes(1),
                        false,
                        2,
                        true,
                        Map.of("DBRE_ROTATION_STRATEGY", c.strategy())));
        Rds.grantConnect(function, config);
        ISecret secret = Secret.fromSecretCompleteArn(this, "Secret", c.secretArn());
        this.schedule = secret.addRotationSchedule(
                "Schedule",
                RotationScheduleOptions.builder()
                        .rotationLambda(function.alias())
                        .automaticallyAfter(Duration.days(c.everyDays()))
                        .build());
        c.masterSecretArn().ifPresent(master -> {
            Stack s = Stack.of(this);
            function.role()
                    .addToPolicy(PolicyStatement.Builder.create()
                            .sid("ReadMasterSecret")
                            .effect(Effect.ALLOW)
                            .actions(List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"))
                            .resources(List.of(master))
                            .build());
            function.role()
                    .addToPolicy(PolicyStatement.Builder.create()
                            .sid("FindRdsManagedMasterEndpoint")
                            .effect(Effect.ALLOW)
                            .actions(List.of("rds:DescribeDBInstances", "rds:DescribeDBClusters"))
                            .resources(List.of(
                                    "arn:" + s.getPartition() + ":rds:" + s.getRegion() + ":" + s.getAccount() + ":*"))
                            .build());
        });
        Nag.suppress(
                function.role(),
                "AwsSolutions-IAM5",
                "secretsmanager:GetRandomPassword has no resource; RDS Describe calls (to find an"
                        + " RDS-managed master secret's endpoint) are read-only in this account and Region.");
        alarms.above(
                "RotationFailures",
                "dbre rotation: a rotation step failed (the metric's error dimension names the RotationError)",
                Alarms.insights("SUM", "RotationFailures", "rotation", Duration.minutes(5)),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.functionHealth(function, "Rotation");
    }

    public DbreFunction function() {
        return function;
    }

    public RotationSchedule schedule() {
        return schedule;
    }
}
