package dev.dbre.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * Everything dbre runs on AWS, in one stack per environment: the shared platform (security group,
 * files layer, failure queues, alarm topic and dashboard) and one construct per function group
 * that the configuration enables. Which construct deploys what:
 *
 * <ul>
 *   <li>{@link SchemaMigration}: the migration function, run by the deployment;
 *   <li>{@link IngestPipeline}: ingest from Kinesis and over HTTP;
 *   <li>{@link SnapshotBackup}: the snapshot function on its schedule;
 *   <li>{@link RestoreWorkflow}: restore submit/step functions, the state machine, the drill;
 *   <li>{@link SecretRotation}: the rotation function and the secret's rotation schedule;
 *   <li>{@link RestoreWorkflow} also: the fleet drill (the drill handler on the backup policy's
 *       fleet) on its schedule;
 *   <li>{@link MaintenanceStep}: the metric store's maintenance function on its schedule;
 *   <li>{@link SloReport}: the SLO report function on its schedule, its report bucket and the
 *       topic for alert changes.
 * </ul>
 */
public final class DbreStack extends Stack {
    /** What the stack is built from besides the configuration: the artifacts of the build. */
    public record Artifacts(Path lambdaJar, Path caBundle, Path stagingDir) {}

    private final FunctionPlatform platform;
    private final Alarms alarms;
    private final SchemaMigration migration;
    private IngestPipeline ingest;
    private SnapshotBackup snapshot;
    private RestoreWorkflow restore;
    private SecretRotation rotation;
    private MaintenanceStep maintenance;
    private SloReport sloReport;

    public DbreStack(Construct scope, DbreConfig config, Artifacts artifacts) {
        super(
                scope,
                config.stackName(),
                StackProps.builder()
                        .env(Environment.builder()
                                .account(config.account())
                                .region(config.region())
                                .build())
                        .description("dbre-functions: database reliability functions for PostgreSQL")
                        .build());
        CaBundle.check(artifacts.caBundle(), Instant.now());
        if (!Files.isRegularFile(artifacts.lambdaJar())) {
            throw new IllegalArgumentException("lambdaJar: " + artifacts.lambdaJar()
                    + " does not exist: build it with ./mvnw -pl functions/aws -am package (scripts/deploy does)");
        }

        DbreConfig.Network n = config.network();
        IVpc vpc = Vpc.fromVpcAttributes(
                this,
                "Vpc",
                VpcAttributes.builder()
                        .vpcId(n.vpcId())
                        .availabilityZones(n.availabilityZones())
                        .privateSubnetIds(n.privateSubnetIds())
                        .build());
        for (var subnet : vpc.getPrivateSubnets()) {
            // The functions only place network interfaces in the subnets; no route is read or added.
            Annotations.of(subnet)
                    .acknowledgeWarning("@aws-cdk/aws-ec2:noSubnetRouteTableId", "no routes are managed here");
        }
        SecurityGroup functionsSg = SecurityGroup.Builder.create(this, "FunctionsSecurityGroup")
                .vpc(vpc)
                .description("dbre functions: PostgreSQL to the database, HTTPS to AWS APIs")
                .allowAllOutbound(false)
                .build();
        functionsSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to AWS APIs (via endpoints or NAT)");
        ISecurityGroup databaseSg =
                SecurityGroup.fromSecurityGroupId(this, "DatabaseSecurityGroup", n.databaseSecurityGroupId());
        functionsSg.addEgressRule(databaseSg, Port.tcp(config.database().port()), "PostgreSQL");
        databaseSg.addIngressRule(
                functionsSg, Port.tcp(config.database().port()), "PostgreSQL from the dbre functions");

        Queue asyncFailures = failureQueue(
                "FailedInvocations",
                "asynchronous invocations (schedules, rotation) that failed after Lambda's retries");
        Queue scheduleDeadLetters =
                failureQueue("UndeliveredSchedules", "schedule invocations EventBridge Scheduler could not deliver");

        LayerVersion files = LayerVersion.Builder.create(this, "Files")
                .description("dbre files: RDS CA bundle, drill request, backup policy, SLO specs")
                .code(Code.fromAsset(filesLayer(config, artifacts).toString()))
                .build();

        Map<String, String> dbEnv = new LinkedHashMap<>();
        dbEnv.put("DBRE_DB_HOST", config.database().host());
        dbEnv.put("DBRE_DB_PORT", Integer.toString(config.database().port()));
        dbEnv.put("DBRE_DB_NAME", config.database().name());
        dbEnv.put("DBRE_DB_USER", config.database().user());
        dbEnv.put("DBRE_DB_AUTH", "iam");
        dbEnv.put("DBRE_DB_SSLMODE", "verify-full");
        dbEnv.put("DBRE_DB_SSLROOTCERT", CaBundle.FUNCTION_PATH);
        this.platform = new FunctionPlatform(
                Code.fromAsset(artifacts.lambdaJar().toString()),
                FunctionPlatform.runtime(config.runtime()),
                config.architecture().equals("arm64") ? Architecture.ARM_64 : Architecture.X86_64,
                vpc,
                SubnetSelection.builder().subnets(vpc.getPrivateSubnets()).build(),
                functionsSg,
                files,
                retention(config.logRetentionDays()),
                asyncFailures,
                Map.copyOf(dbEnv),
                new ArrayList<>());

        this.alarms = new Alarms(this, "Alarms", config.alarms(), config.stackName());
        alarms.queueDepth("FailedInvocationsDepth", "dbre: an asynchronous invocation failed for good", asyncFailures);
        alarms.queueDepth(
                "UndeliveredSchedulesDepth", "dbre: a schedule could not invoke its function", scheduleDeadLetters);

        this.migration = new SchemaMigration(this, "Schema", platform, config);
        List<Construct> usesSchema = new ArrayList<>();
        if (config.ingest().isPresent()) {
            this.ingest = new IngestPipeline(this, "Ingest", platform, config, alarms);
            usesSchema.add(ingest);
            CfnOutput.Builder.create(this, "IngestUrl")
                    .description("POST metric lines here")
                    .value(ingest.api().getApiEndpoint() + "/ingest")
                    .build();
        }
        if (config.snapshot().isPresent()) {
            this.snapshot = new SnapshotBackup(this, "Snapshot", platform, config, alarms, scheduleDeadLetters);
            usesSchema.add(snapshot);
        }
        if (config.restore().isPresent()) {
            this.restore = new RestoreWorkflow(this, "Restore", platform, config, alarms, scheduleDeadLetters);
            usesSchema.add(restore);
            CfnOutput.Builder.create(this, "RestoreStateMachineArn")
                    .description("start a restore: aws stepfunctions start-execution --input '{\"request\":{...}}'")
                    .value(restore.stateMachine().getStateMachineArn())
                    .build();
        }
        if (config.rotation().isPresent()) {
            this.rotation = new SecretRotation(this, "Rotation", platform, config, alarms);
            usesSchema.add(rotation);
        }
        if (config.maintenance().isPresent()) {
            this.maintenance = new MaintenanceStep(this, "Maintenance", platform, config, alarms, scheduleDeadLetters);
            usesSchema.add(maintenance);
        }
        if (config.sloReport().isPresent()) {
            this.sloReport = new SloReport(this, "Slo", platform, config, alarms, scheduleDeadLetters);
            usesSchema.add(sloReport);
            CfnOutput.Builder.create(this, "SloReportsBucket")
                    .description("where the SLO reports are written")
                    .value("s3://" + sloReport.bucket().getBucketName() + "/"
                            + config.sloReport().get().prefix())
                    .build();
            CfnOutput.Builder.create(this, "SloAlertTopicArn")
                    .description("subscribe here to hear when an SLO alert starts or stops firing")
                    .value(sloReport.alertTopic().getTopicArn())
                    .build();
        }
        migration.before(usesSchema);
    }

    private Queue failureQueue(String id, String what) {
        Queue q = Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        deadLetterQueue(q, what);
        return q;
    }

    /** A queue that is itself the end of the line: no DLQ or redrive of its own, depth alarmed. */
    static void deadLetterQueue(Queue q, String what) {
        String reason = "This queue is itself a dead-letter queue: it holds " + what
                + " for inspection and replay, and its depth is alarmed.";
        Nag.suppress(q, "AwsSolutions-SQS3", reason);
        Nag.suppress(q, "Serverless-SQSRedrivePolicy", reason);
    }

    /** Lays out the files layer: the checked CA bundle, the drill request, a policy file, the SLO specs. */
    private static Path filesLayer(DbreConfig config, Artifacts artifacts) {
        try {
            Path dir = artifacts.stagingDir().resolve("files-layer");
            if (Files.exists(dir)) {
                try (var walk = Files.walk(dir)) {
                    for (Path p :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Path ca = dir.resolve(CaBundle.LAYER_PATH);
            Files.createDirectories(ca.getParent());
            Files.copy(artifacts.caBundle(), ca, StandardCopyOption.REPLACE_EXISTING);
            Path dbre = dir.resolve("dbre");
            Files.createDirectories(dbre);
            if (config.restore().flatMap(DbreConfig.Restore::drill).isPresent()) {
                Files.copy(config.restore().get().drill().get().request(), dbre.resolve("drill-request.json"));
            }
            if (config.snapshot().flatMap(DbreConfig.Snapshot::policyFile).isPresent()) {
                Path policy = config.snapshot().get().policyFile().get();
                String name = policy.getFileName().toString();
                String ext = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.'));
                Files.copy(policy, dbre.resolve("backup-policy" + ext));
            }
            if (config.sloReport().isPresent()) {
                Path specs = config.sloReport().get().specs();
                Path slo = dbre.resolve("slo");
                Files.createDirectories(slo);
                for (Path f : Files.isDirectory(specs) ? DbreConfig.SloReport.specFiles(specs) : List.of(specs)) {
                    Files.copy(f, slo.resolve(f.getFileName().toString()));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the files layer in " + artifacts.stagingDir(), e);
        }
    }

    static RetentionDays retention(int days) {
        return switch (days) {
            case 1 -> RetentionDays.ONE_DAY;
            case 3 -> RetentionDays.THREE_DAYS;
            case 5 -> RetentionDays.FIVE_DAYS;
            case 7 -> RetentionDays.ONE_WEEK;
            case 14 -> RetentionDays.TWO_WEEKS;
            case 30 -> RetentionDays.ONE_MONTH;
            case 60 -> RetentionDays.TWO_MONTHS;
            case 90 -> RetentionDays.THREE_MONTHS;
            case 120 -> RetentionDays.FOUR_MONTHS;
            case 150 -> RetentionDays.FIVE_MONTHS;
            case 180 -> RetentionDays.SIX_MONTHS;
            case 365 -> RetentionDays.ONE_YEAR;
            case 400 -> RetentionDays.THIRTEEN_MONTHS;
            case 545 -> RetentionDays.EIGHTEEN_MONTHS;
            case 731 -> RetentionDays.TWO_YEARS;
            case 1096 -> RetentionDays.THREE_YEARS;
            case 1827 -> RetentionDays.FIVE_YEARS;
            case 2192 -> RetentionDays.SIX_YEARS;
            case 2557 -> RetentionDays.SEVEN_YEARS;
            case 2922 -> RetentionDays.EIGHT_YEARS;
            case 3288 -> RetentionDays.NINE_YEARS;
            case 3653 -> RetentionDays.TEN_YEARS;
            default ->
                throw new IllegalArgumentException("logRetentionDays: " + days + " is not a CloudWatch Logs period");
        };
    }

    public FunctionPlatform platform() {
        return platform;
    }

    public Alarms alarms() {
        return alarms;
    }

    public SchemaMigration migration() {
        return migration;
    }

    public IngestPipeline ingest() {
        return ingest;
    }

    public SnapshotBackup snapshot() {
        return snapshot;
    }

    public RestoreWorkflow restore() {
        return restore;
    }

    public SecretRotation rotation() {
        return rotation;
    }

    public MaintenanceStep maintenance() {
        return maintenance;
    }

    public SloReport sloReport() {
        return sloReport;
    }
}
