package dev.dbre.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpJwtAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.IHttpRouteAuthorizer;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * The ingest functions and their triggers: the Kinesis stream (new, or an existing one by ARN) with
 * its event source mapping on the Kinesis function's alias, and the HTTP API route {@code POST
 * /ingest} on the HTTP function's alias.
 *
 * <p>The mapping: {@code ReportBatchItemFailures} (the function returns exactly the records that
 * could not be stored), bisect on error, bounded retries and record age so a database outage
 * cannot stall a shard for the stream's whole retention, and an SQS on-failure destination that
 * receives the shard/sequence range of every batch given up on (the records stay in the stream
 * until its retention ends; replay them from there).
 *
 * <p>The HTTP route's authorizer is IAM (SigV4: callers are AWS principals, e.g. agents on EC2/ECS
 * with a role; no secret to distribute) by default, or JWT (an OIDC issuer and audience: callers
 * outside AWS with tokens from your identity provider). Stage throttling bounds the database load
 * a client can cause.
 */
public final class IngestPipeline extends Construct {
    private final DbreFunction kinesis;
    private final DbreFunction http;
    private final IStream stream;
    private final Queue onFailure;
    private final HttpApi api;

    IngestPipeline(Construct scope, String id, FunctionPlatform platform, DbreConfig config, Alarms alarms) {
        super(scope, id);
        DbreConfig.Ingest in = config.ingest().orElseThrow();
        this.kinesis = new DbreFunction(
                this,
                "Kinesis",
                platform,
                new DbreFunction.Spec(
                        "ingest-kinesis",
                        "dev.dbre.aws.ingest.KinesisIngestHandler::handleRequest",
                        "dbre ingest: metric lines from Kinesis into PostgreSQL, exactly once per record",
                        1024,
                        Duration.minutes(2),
                        true,
                        in.reservedConcurrency(),
                        false,
                        Map.of()));
        this.http = new DbreFunction(
                this,
                "Http",
                platform,
                new DbreFunction.Spec(
                        "ingest-http",
                        "dev.dbre.aws.ingest.HttpIngestHandler::handleRequest",
                        "dbre ingest: metric lines over HTTP into PostgreSQL",
                        1024,
                        Duration.seconds(29),
                        true,
                        in.reservedConcurrency(),
                        false,
                        Map.of()));
        Rds.grantConnect(kinesis, config);
        Rds.grantConnect(http, config);

        if (in.streamArn().isPresent()) {
            this.stream = Stream.fromStreamArn(this, "Stream", in.streamArn().get());
        } else {
            this.stream = Stream.Builder.create(this, "Stream")
                    .shardCount(in.shards())
                    .retentionPeriod(Duration.hours(in.retentionHours()))
                    .encryption(StreamEncryption.MANAGED)
                    .build();
        }
        this.onFailure = Queue.Builder.create(this, "OnFailure")
                .encryption(software.amazon.awscdk.services.sqs.QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        DbreStack.deadLetterQueue(
                onFailure, "the Kinesis batches the event source mapping gave up on (shard and sequence range)");
        kinesis.alias()
                .addEventSource(KinesisEventSource.Builder.create(stream)
                        .startingPosition(StartingPosition.TRIM_HORIZON)
                        .batchSize(in.batchSize())
                        .maxBatchingWindow(Duration.seconds(in.maxBatchingWindowSeconds()))
                        .bisectBatchOnError(true)
                        .retryAttempts(in.maxRetryAttempts())
                        .maxRecordAge(Duration.seconds(in.maxRecordAgeSeconds()))
                        .parallelizationFactor(in.parallelizationFactor())
                        .reportBatchItemFailures(true)
                        .onFailure(new SqsDlq(onFailure))
                        .build());

        LogGroup accessLogs = LogGroup.Builder.create(this, "ApiAccessLogs")
                .retention(platform.logRetention())
                .removalPolicy(software.amazon.awscdk.RemovalPolicy.DESTROY)
                .build();
        this.api = HttpApi.Builder.create(this, "Api")
                .apiName(config.stackName() + "-ingest")
                .description("dbre ingest over HTTP")
                .createDefaultStage(false)
                .build();
        HttpStage.Builder.create(this, "Stage")
                .httpApi(api)
                .stageName("$default")
                .autoDeploy(true)
                .throttle(ThrottleSettings.builder()
                        .rateLimit(in.http().throttleRatePerSecond())
                        .burstLimit(in.http().throttleBurst())
                        .build())
                .accessLogSettings(new IAccessLogSettings() {
                    @Override
                    public IAccessLogDestination getDestination() {
                        return new LogGroupLogDestination(accessLogs);
                    }

                    @Override
                    public AccessLogFormat getFormat() {
                        return AccessLogFormat.jsonWithStandardFields();
                    }
                })
                .build();
        api.addRoutes(AddRoutesOptions.builder()
                .path("/ingest")
                .methods(List.of(HttpMethod.POST))
                .integration(new HttpLambdaIntegration("Ingest", http.alias()))
                .authorizer(authorizer(in.http()))
                .build());

        alarms.above(
                "IngestIteratorAge",
                "dbre ingest: the oldest record of the Kinesis batch is over " + in.iteratorAgeAlarmSeconds()
                        + " s old (the function falls behind or keeps failing)",
                kinesis.alias()
                        .metric(
                                "IteratorAge",
                                MetricOptions.builder()
                                        .statistic("Maximum")
                                        .period(Duration.minutes(5))
                                        .build()),
                in.iteratorAgeAlarmSeconds() * 1000.0,
                TreatMissingData.NOT_BREACHING);
        alarms.queueDepth(
                "IngestOnFailureDepth",
                "dbre ingest: Kinesis batches were given up on (retries or record age exhausted); replay them",
                onFailure);
        alarms.functionHealth(kinesis, "IngestKinesis");
        alarms.functionHealth(http, "IngestHttp");
    }

    private IHttpRouteAuthorizer authorizer(DbreConfig.Http h) {
        if (h.authorizer().equals("jwt")) {
            return HttpJwtAuthorizer.Builder.create("Jwt", h.jwtIssuer().orElseThrow())
                    .jwtAudience(h.jwtAudience())
                    .build();
        }
        return new HttpIamAuthorizer();
    }

    public DbreFunction kinesisFunction() {
        return kinesis;
    }

    public DbreFunction httpFunction() {
        return http;
    }

    public IStream stream() {
        return stream;
    }

    public HttpApi api() {
        return api;
    }
}
