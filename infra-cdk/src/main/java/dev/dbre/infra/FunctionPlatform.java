package dev.dbre.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;

/**
 * What every function of the stack shares: the one jar, the runtime, the network placement, the
 * files layer (RDS CA bundle, drill request, policy file), log retention, the queue for failed
 * asynchronous invocations, and the database settings every function reads ({@code DBRE_DB_*}).
 */
record FunctionPlatform(
        Code code,
        Runtime runtime,
        Architecture architecture,
        IVpc vpc,
        SubnetSelection subnets,
        ISecurityGroup securityGroup,
        ILayerVersion filesLayer,
        RetentionDays logRetention,
        IQueue asyncFailures,
        Map<String, String> databaseEnvironment,
        List<DbreFunction> functions) {

    /**
     * Java 25 by default: the build compiles release-21 bytecode and runs every test on JDK 25, so
     * java25 is the runtime the code is tested on; it is Lambda's newest Java runtime, supports
     * SnapStart, and has the longer support window. java21 stays selectable (config {@code
     * runtime}).
     */
    static Runtime runtime(String name) {
        return switch (name) {
            case "java25" -> Runtime.JAVA_25;
            case "java21" -> Runtime.JAVA_21;
            default -> throw new IllegalArgumentException("runtime: must be java25 or java21, was " + name);
        };
    }

    void register(DbreFunction f) {
        functions.add(f);
    }
}
