package dev.dbre.infra;

import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The SLO report on its schedule (hourly by default): reads the OpenSLO spec set, computes SLIs,
 * budgets and burn-rate alerts from the metric store and the functions' own tables, writes the
 * report (JSON, Markdown, HTML) to the report bucket and tells the alert topic when an alert starts
 * or stops firing.
 *
 * <p>The spec set ships in the files layer ({@value #SPEC_DIR}, {@code DBRE_SLO_SPEC}), not in the
 * jar: the jar is the one artifact of {@code functions/aws} every function shares, built once per
 * release, while SLOs are the deployment's own and change more often; changing one then publishes
 * a new layer and function versions, without a rebuild, and every deployment reviews its specs in
 * its own configuration.
 *
 * <p>The bucket: S3-managed encryption, TLS only (1.2 or newer), all public access blocked, owner
 * enforced (no ACLs), versioned, reports expire after {@code reportRetentionDays} and overwritten
 * versions after 30 days; kept when the stack is deleted (reports are history). The topic: the
 * AWS-managed SNS key, TLS only. The function may put objects under its prefix and publish to the
 * topic, nothing else there.
 */
public final class SloReport extends Construct {
    /** Where the spec set from the configuration is found in the function (the files layer). */
    public static final String SPEC_DIR = "/opt/dbre/slo";

    private final DbreFunction function;
    private final FunctionSchedule schedule;
    private final Bucket bucket;
    private final Topic alertTopic;

    SloReport(
            Construct scope,
            String id,
            FunctionPlatform platform,
            DbreConfig config,
            Alarms alarms,
            IQueue deadLetters) {
        super(scope, id);
        DbreConfig.SloReport c = config.sloReport().orElseThrow();

        this.bucket = Bucket.Builder.create(this, "Reports")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .minimumTlsVersion(1.2)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .versioned(true)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("ExpireOldReports")
                        .prefix(c.prefix() + "/")
                        .expiration(Duration.days(c.reportRetentionDays()))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Nag.suppress(
                bucket,
                "AwsSolutions-S1",
                "Only the SLO report function writes here (PutObject under its prefix); who read or wrote"
                        + " which report is an object-level API call that CloudTrail data events record with"
                        + " the IAM identity, which server access logs do not, and a log bucket would itself"
                        + " be a bucket without access logs.");

        this.alertTopic = Topic.Builder.create(this, "AlertChanges")
                .displayName("dbre SLO alert changes (" + config.stackName() + ")")
                .masterKey(Alias.fromAliasName(this, "SnsManagedKey", "alias/aws/sns"))
                .enforceSsl(true)
                .build();
        c.notifyEmail().ifPresent(email -> {
            alertTopic.addSubscription(new EmailSubscription(email));
            Nag.suppress(
                    alertTopic,
                    "Serverless-SNSRedrivePolicy",
                    "The subscription is an e-mail address, whose deliveries SNS retries itself; every"
                            + " alert change is also in the report written to the bucket.");
        });

        this.function = new DbreFunction(
                this,
                "SloReport",
                platform,
                new DbreFunction.Spec(
                        "slo-report",
                        "dev.dbre.aws.slo.SloReportHandler::handleRequest",
                        "dbre SLO report: SLIs, error budgets and burn-rate alerts, written to S3",
                        1024,
                        Duration.minutes(5),
                        false,
                        1,
                        true,
                        Ordered.map(
                                "DBRE_SLO_SPEC",
                                SPEC_DIR,
                                "DBRE_SLO_OUT",
                                "s3://" + bucket.getBucketName() + "/" + c.prefix(),
                                "DBRE_SLO_NOTIFY",
                                alertTopic.getTopicArn(),
                                "DBRE_SLO_FORMATS",
                                String.join(",", c.formats()))));
        Rds.grantConnect(function, config);
        function.role()
                .addToPolicy(PolicyStatement.Builder.create()
                        .sid("PutReportsUnderPrefix")
                        .effect(Effect.ALLOW)
                        .actions(List.of("s3:PutObject"))
                        .resources(List.of(bucket.arnForObjects(c.prefix() + "/*")))
                        .build());
        function.role()
                .addToPolicy(PolicyStatement.Builder.create()
                        .sid("PublishAlertChanges")
                        .effect(Effect.ALLOW)
                        .actions(List.of("sns:Publish"))
                        .resources(List.of(alertTopic.getTopicArn()))
                        .build());
        Nag.suppress(
                function.role(),
                "AwsSolutions-IAM5",
                "Report keys are named at run time (time and format) under the configured prefix: the" + " wildcard is "
                        + c.prefix() + "/* in the report bucket, PutObject only.",
                List.of(
                        "Resource::<"
                                + Stack.of(this).getLogicalId((CfnElement)
                                        bucket.getNode().getDefaultChild()) + ".Arn>/" + c.prefix() + "/*"));
        this.schedule = new FunctionSchedule(
                this, "Every", function, c.schedule(), c.timeZone(), "dbre SLO report", deadLetters);

        alarms.above(
                "SloAlertsFiring",
                "dbre SLO report: a burn-rate alert is firing (SloAlertsFiring by slo and severity; the"
                        + " report names the SLO, its window and budget left)",
                Alarms.insights("MAX", "SloAlertsFiring", Duration.hours(1)),
                0,
                TreatMissingData.NOT_BREACHING);
        alarms.functionHealth(function, "SloReport");
    }

    public DbreFunction function() {
        return function;
    }

    public FunctionSchedule schedule() {
        return schedule;
    }

    public Bucket bucket() {
        return bucket;
    }

    public Topic alertTopic() {
        return alertTopic;
    }
}
