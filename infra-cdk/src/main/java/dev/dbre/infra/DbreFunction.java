package dev.dbre.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One Lambda function of the product, built the same way every time: its own role (no managed
 * policies: logs only to its own log group), its own log group with retention, X-Ray tracing, the
 * VPC placement and security group, the files layer, JSON logs filtered at INFO, and an alias
 * {@value #ALIAS} on the current published version that every trigger invokes — SnapStart
 * snapshots only published versions, and an alias lets a deployment move all triggers at once.
 */
public final class DbreFunction extends Construct {
    public static final String ALIAS = "live";

    /**
     * @param handler the Java handler, {@code class::method}
     * @param snapStart SnapStart on published versions: only for handlers with CRaC priming hooks
     *     (the ingest handlers); the others run on a schedule or per rotation step, where a cold
     *     start costs nothing that matters and no hook resets their cached state
     * @param reservedConcurrency caps parallel invocations (and so database connections)
     * @param asyncInvoked invoked asynchronously (schedules, Secrets Manager): failed events go to
     *     the stack's queue for failed invocations
     */
    public record Spec(
            String name,
            String handler,
            String description,
            int memoryMb,
            Duration timeout,
            boolean snapStart,
            int reservedConcurrency,
            boolean asyncInvoked,
            Map<String, String> environment) {}

    private final Function function;
    private final Alias alias;
    private final Role role;
    private final LogGroup logGroup;

    DbreFunction(Construct scope, String id, FunctionPlatform platform, Spec spec) {
        super(scope, id);
        Stack stack = Stack.of(this);
        this.logGroup = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/lambda/" + stack.getStackName() + "-" + spec.name())
                .retention(platform.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("dbre " + spec.name() + " function")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("OwnLogGroup")
                .effect(Effect.ALLOW)
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(logGroup.getLogGroupArn() + ":*"))
                .build());
        // What Lambda needs to attach the function to the VPC (the content of AWS's
        // AWSLambdaVPCAccessExecutionRole, written out to avoid a managed policy).
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("VpcNetworkInterfaces")
                .effect(Effect.ALLOW)
                .actions(List.of(
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses"))
                .resources(List.of("*"))
                .build());

        Map<String, String> env = new LinkedHashMap<>(platform.databaseEnvironment());
        env.putAll(spec.environment());
        Function.Builder b = Function.Builder.create(this, "Function")
                .functionName(stack.getStackName() + "-" + spec.name())
                .description(spec.description())
                .code(platform.code())
                .handler(spec.handler())
                .runtime(platform.runtime())
                .architecture(platform.architecture())
                .memorySize(spec.memoryMb())
                .timeout(spec.timeout())
                .role(role)
                .logGroup(logGroup)
                .loggingFormat(LoggingFormat.JSON)
                .applicationLogLevelV2(ApplicationLogLevel.INFO)
                .systemLogLevelV2(SystemLogLevel.WARN)
                .tracing(Tracing.ACTIVE)
                .vpc(platform.vpc())
                .vpcSubnets(platform.subnets())
                .securityGroups(List.of(platform.securityGroup()))
                .layers(List.of(platform.filesLayer()))
                .reservedConcurrentExecutions(spec.reservedConcurrency())
                .environment(env);
        if (spec.snapStart()) {
            b.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        this.function = b.build();
        if (spec.snapStart()) {
            Annotations.of(function)
                    .acknowledgeWarning(
                            "@aws-cdk/aws-lambda:snapStartRequirePublish",
                            "every deployment publishes the current version, and the alias points at it");
        }
        Alias.Builder alias =
                Alias.Builder.create(this, "Alias").aliasName(ALIAS).version(function.getCurrentVersion());
        if (spec.asyncInvoked()) {
            alias.onFailure(new SqsDestination(platform.asyncFailures()))
                    .retryAttempts(2)
                    .maxEventAge(Duration.hours(6));
        }
        this.alias = alias.build();

        Nag.suppress(
                role,
                "AwsSolutions-IAM5",
                "Lambda's VPC attachment (ec2 network-interface actions) and X-Ray's PutTraceSegments/"
                        + "PutTelemetryRecords support no resource-level permissions; the log-stream wildcard"
                        + " is limited to this function's own log group.",
                List.of(
                        "Resource::*",
                        "Resource::<"
                                + stack.getLogicalId(
                                        (CfnElement) logGroup.getNode().getDefaultChild()) + ".Arn>:*"));
        Nag.suppress(
                function,
                "Serverless-LambdaDLQ",
                spec.asyncInvoked()
                        ? "Failed asynchronous invocations go to the alias's on-failure destination (the"
                                + " stack's FailedInvocations queue, with the error as well as the event),"
                                + " Lambda's successor to a dead-letter queue; both would send each failure twice."
                        : "Invoked synchronously (API Gateway, the Kinesis mapping with its own on-failure"
                                + " destination, Step Functions, the deployment's trigger): a dead-letter queue"
                                + " only ever receives asynchronous invocations.");
        if (!platform.runtime().getName().equals("java25")) {
            Nag.suppress(
                    function,
                    "AwsSolutions-L1",
                    "java21 chosen in the configuration (runtime): the code is release-21 bytecode; move"
                            + " to java25, the default, once the deployment has been tested on it.");
        }
        platform.register(this);
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }

    public LogGroup logGroup() {
        return logGroup;
    }
}
