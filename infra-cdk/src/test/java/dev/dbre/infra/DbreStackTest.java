package dev.dbre.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The properties that matter, asserted on the stack synthesized from {@code config/example.json}
 * (every function group) and, where it differs, from the minimal test configuration.
 */
class DbreStackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUNDLE = "/opt/rds/global-bundle.pem";

    private final Template t = Stacks.full().template();
    private final Map<String, Object> json = Stacks.full().json();

    // ---- ingest ----

    @Test
    void ingestFunctions_useSnapStartOnPublishedVersions_andTheNewestJavaRuntime() {
        for (String handler : List.of(
                "dev.dbre.aws.ingest.KinesisIngestHandler::handleRequest",
                "dev.dbre.aws.ingest.HttpIngestHandler::handleRequest")) {
            t.hasResourceProperties(
                    "AWS::Lambda::Function",
                    Map.of(
                            "Handler",
                            handler,
                            "Runtime",
                            "java25",
                            "SnapStart",
                            Map.of("ApplyOn", "PublishedVersions")));
        }
        // Only the ingest handlers have CRaC priming hooks.
        assertThat(functions().values().stream()
                        .filter(f -> props(f).containsKey("SnapStart"))
                        .count())
                .isEqualTo(2);
    }

    @Test
    void everyFunction_hasAliasLiveOnItsCurrentVersion() {
        assertThat(resources("AWS::Lambda::Alias")).hasSize(functions().size() - 1); // less CDK's trigger provider
        t.allResourcesProperties(
                "AWS::Lambda::Alias",
                Map.of("Name", "live", "FunctionVersion", Map.of("Fn::GetAtt", Match.arrayWith(List.of("Version")))));
    }

    @Test
    void kinesisMapping_isBoundedWithPartialFailuresAndAnOnFailureQueue_onTheAlias() {
        t.hasResourceProperties(
                "AWS::Lambda::EventSourceMapping",
                Map.of(
                        "BatchSize", 500,
                        "MaximumBatchingWindowInSeconds", 5,
                        "BisectBatchOnFunctionError", true,
                        "MaximumRetryAttempts", 10,
                        "MaximumRecordAgeInSeconds", 21600,
                        "ParallelizationFactor", 1,
                        "StartingPosition", "TRIM_HORIZON",
                        "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                        "DestinationConfig",
                                Map.of(
                                        "OnFailure",
                                        Map.of(
                                                "Destination",
                                                Map.of(
                                                        "Fn::GetAtt",
                                                        Match.arrayWith(List.of(
                                                                Match.stringLikeRegexp("IngestOnFailure.*"))))))));
        String functionName =
                text(props(only("AWS::Lambda::EventSourceMapping")).get("FunctionName"));
        assertThat(functionName).contains("IngestKinesisAlias").endsWith(":live\"]]}");
        t.hasResourceProperties(
                "AWS::Kinesis::Stream", Map.of("ShardCount", 2, "StreamEncryption", Map.of("EncryptionType", "KMS")));
    }

    @Test
    void httpRoute_isIamAuthorizedAndThrottled_andInvokesTheAlias() {
        t.hasResourceProperties(
                "AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /ingest", "AuthorizationType", "AWS_IAM"));
        t.hasResourceProperties(
                "AWS::ApiGatewayV2::Stage",
                Map.of(
                        "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100),
                        "AccessLogSettings",
                                Match.objectLike(Map.of("Format", Match.stringLikeRegexp(".*requestId.*")))));
        t.hasResourceProperties(
                "AWS::ApiGatewayV2::Integration",
                Map.of(
                        "IntegrationType", "AWS_PROXY",
                        "PayloadFormatVersion", "2.0",
                        "IntegrationUri", Map.of("Ref", Match.stringLikeRegexp("IngestHttpAlias.*"))));
    }

    @Test
    void minimalStack_usesTheExistingStream_aJwtAuthorizer_andTheExistingTopic() {
        Template min = Stacks.minimal().template();
        min.resourceCountIs("AWS::Kinesis::Stream", 0);
        min.hasResourceProperties(
                "AWS::Lambda::EventSourceMapping",
                Map.of("EventSourceArn", "arn:aws:kinesis:eu-west-1:111122223333:stream/metrics"));
        min.hasResourceProperties(
                "AWS::ApiGatewayV2::Authorizer",
                Map.of(
                        "AuthorizerType",
                        "JWT",
                        "JwtConfiguration",
                        Map.of("Issuer", "https://login.example.com/", "Audience", List.of("dbre-ingest"))));
        min.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("AuthorizationType", "JWT"));
        min.resourceCountIs("AWS::SNS::Topic", 0);
        min.allResourcesProperties(
                "AWS::CloudWatch::Alarm", Map.of("AlarmActions", List.of("arn:aws:sns:eu-west-1:111122223333:oncall")));
        // The cluster's resource id is what rds-db:connect names.
        assertThat(JSON.valueToTree(Stacks.minimal().json()).toString())
                .contains(":dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/dbre");
    }

    // ---- schedules, restore workflow, migration, rotation ----

    @Test
    void schedules_invokeTheAliases_withRetriesAndADeadLetterQueue() {
        for (String alias : List.of(
                "SnapshotAlias.*",
                "RestoreDrillAlias.*",
                "RestoreFleetDrillAlias.*",
                "MaintenanceAlias.*",
                "SloSloReportAlias.*")) {
            t.hasResourceProperties(
                    "AWS::Scheduler::Schedule",
                    Map.of(
                            "FlexibleTimeWindow", Map.of("Mode", "OFF"),
                            "Target",
                                    Match.objectLike(Map.of(
                                            "Arn", Map.of("Ref", Match.stringLikeRegexp(alias)),
                                            "RetryPolicy",
                                                    Map.of("MaximumRetryAttempts", 3, "MaximumEventAgeInSeconds", 3600),
                                            "DeadLetterConfig",
                                                    Map.of(
                                                            "Arn",
                                                            Map.of(
                                                                    "Fn::GetAtt",
                                                                    Match.arrayWith(List.of(Match.stringLikeRegexp(
                                                                            "UndeliveredSchedules.*")))))))));
        }
        t.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Map.of("ScheduleExpression", "rate(1 hour)", "ScheduleExpressionTimezone", "UTC"));
        t.hasResourceProperties("AWS::Scheduler::Schedule", Map.of("ScheduleExpression", "rate(5 minutes)"));
    }

    @Test
    void restoreStateMachine_submitsWaitsAdvancesWithRetriesADeadlineLogsAndTracing() throws Exception {
        Map<String, Object> sm = props(only("AWS::StepFunctions::StateMachine"));
        assertThat(sm.get("TracingConfiguration")).isEqualTo(Map.of("Enabled", true));
        assertThat(JSON.valueToTree(sm.get("LoggingConfiguration")).get("Level").asText())
                .isEqualTo("ALL");
        String definition = text(sm.get("DefinitionString"));
        assertThat(definition)
                .contains("\\\"TimeoutSeconds\\\":21600")
                .contains("\\\"StartAt\\\":\\\"Resume?\\\"")
                .contains("\\\"Submit\\\"", "\\\"Advance\\\"", "\\\"Wait\\\"", "\\\"Done?\\\"", "\\\"Outcome?\\\"")
                .contains("\\\"Seconds\\\":60")
                .contains(
                        "RestoreStepHandler$RestoreStepUnavailable\\\"],\\\"IntervalSeconds\\\":30,\\\"MaxAttempts\\\":6")
                .contains(
                        "\\\"Catch\\\":[{\\\"ErrorEquals\\\":[\\\"dev.dbre.aws.restore.RestoreStepHandler$RestoreStepRefused")
                .contains("\\\"routeKey\\\":\\\"POST /restores\\\"");
    }

    @Test
    void migration_runsOncePerDeployment_beforeTheFunctionsThatUseTheSchema() {
        t.hasResourceProperties(
                "Custom::Trigger",
                Map.of(
                        "HandlerArn",
                        Map.of("Ref", Match.stringLikeRegexp("SchemaMigrateFunctionCurrentVersion.*")),
                        "InvocationType",
                        "RequestResponse",
                        "ExecuteOnHandlerChange",
                        true,
                        "Timeout",
                        "600000"));
        String trigger = only("Custom::Trigger").getKey();
        for (String fn : List.of(
                "IngestKinesisFunction",
                "IngestHttpFunction",
                "SnapshotFunction",
                "RestoreStepFunction",
                "RestoreFleetDrillFunction",
                "MaintenanceFunction",
                "RotationFunction",
                "SloSloReportFunction")) {
            Map<String, Object> r = functions().entrySet().stream()
                    .filter(e -> e.getKey().startsWith(fn))
                    .findFirst()
                    .orElseThrow()
                    .getValue();
            assertThat(r.get("DependsOn").toString()).as(fn).contains(trigger);
        }
    }

    @Test
    void rotation_scheduleInvokesTheAlias_whichSecretsManagerMayInvoke() {
        t.hasResourceProperties(
                "AWS::SecretsManager::RotationSchedule",
                Map.of(
                        "SecretId", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:orders/dbre-AbCdEf",
                        "RotationLambdaARN", Map.of("Ref", Match.stringLikeRegexp("RotationAlias.*")),
                        "RotationRules", Map.of("ScheduleExpression", "rate(30 days)")));
        t.hasResourceProperties(
                "AWS::Lambda::Permission",
                Map.of(
                        "Action", "lambda:InvokeFunction",
                        "Principal", "secretsmanager.amazonaws.com",
                        "FunctionName", Map.of("Ref", Match.stringLikeRegexp("RotationAlias.*"))));
        t.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of(
                        "Handler",
                        "dev.dbre.aws.rotation.SecretsManagerRotationHandler::handleRequest",
                        "Environment",
                        Map.of("Variables", Match.objectLike(Map.of("DBRE_ROTATION_STRATEGY", "single")))));
    }

    @Test
    void rotation_logsInToTheProductsDatabase_toRecordItsSteps() {
        // rotation_runs (the SLO report's rotation SLI) fills only where the function reaches the
        // product's database: its settings, and rds-db:connect as the database user.
        t.hasResourceProperties(
                "AWS::Lambda::Function",
                Map.of(
                        "Handler",
                        "dev.dbre.aws.rotation.SecretsManagerRotationHandler::handleRequest",
                        "Environment",
                        Map.of(
                                "Variables",
                                Match.objectLike(Map.of(
                                        "DBRE_DB_HOST", "metrics.abcdefghijkl.eu-west-1.rds.amazonaws.com",
                                        "DBRE_DB_USER", "dbre",
                                        "DBRE_DB_AUTH", "iam")))));
        t.hasResourceProperties(
                "AWS::IAM::Policy",
                Map.of(
                        "Roles",
                        List.of(Map.of("Ref", Match.stringLikeRegexp("RotationRole.*"))),
                        "PolicyDocument",
                        Match.objectLike(Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(
                                        Map.of("Action", "rds-db:connect", "Resource", Match.anyValue()))))))));
    }

    // ---- shared: network, logs, tracing, the CA bundle ----

    @Test
    void everyDbreFunction_runsInThePrivateSubnets_traced_withItsLogGroup_andTheCaBundleLayer() {
        List<Map<String, Object>> dbre = dbreFunctions();
        assertThat(dbre).hasSize(11);
        for (Map<String, Object> f : dbre) {
            Map<String, Object> p = props(f);
            String name = p.get("FunctionName").toString();
            assertThat(JSON.valueToTree(p.get("VpcConfig")).get("SubnetIds").toString())
                    .as(name)
                    .isEqualTo("[\"subnet-0a1b2c3d4e5f60711\",\"subnet-0a1b2c3d4e5f60722\"]");
            assertThat(p.get("TracingConfig")).as(name).isEqualTo(Map.of("Mode", "Active"));
            assertThat(text(p.get("LoggingConfig"))).as(name).contains("\"LogGroup\":{\"Ref\"");
            assertThat(text(p.get("Layers"))).as(name).contains("Files");
            assertThat(text(p.get("Environment"))).as(name).contains("\"DBRE_DB_SSLROOTCERT\":\"" + BUNDLE + "\"");
            assertThat(p.get("Runtime")).as(name).isEqualTo("java25");
            assertThat(p).as(name).containsKeys("ReservedConcurrentExecutions", "MemorySize", "Timeout");
        }
        t.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
    }

    @Test
    void filesLayer_holdsTheCheckedCaBundleWhereDbreDbSslRootCertPoints() throws Exception {
        // The stack laid the layer out in its staging directory: the bundle is the one it checked.
        java.nio.file.Path layer = Stacks.full().staging().resolve("files-layer");
        assertThat(layer.resolve("rds/global-bundle.pem"))
                .hasSameTextualContentAs(Stacks.full().bundle());
        assertThat(layer.resolve("dbre/drill-request.json")).exists();
        assertThat("/opt/" + CaBundle.LAYER_PATH).isEqualTo(BUNDLE);
        t.resourceCountIs("AWS::Lambda::LayerVersion", 1);
    }

    @Test
    void securityGroups_allowPostgresToTheDatabaseAndHttpsOut_only() {
        t.hasResourceProperties(
                "AWS::EC2::SecurityGroupIngress",
                Map.of(
                        "GroupId",
                        "sg-0a1b2c3d4e5f60733",
                        "IpProtocol",
                        "tcp",
                        "FromPort",
                        5432,
                        "ToPort",
                        5432,
                        "SourceSecurityGroupId",
                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FunctionsSecurityGroup.*"), "GroupId"))));
        t.hasResourceProperties(
                "AWS::EC2::SecurityGroup",
                Map.of(
                        "SecurityGroupEgress",
                        List.of(Map.of(
                                "CidrIp", "0.0.0.0/0",
                                "Description", "HTTPS to AWS APIs (via endpoints or NAT)",
                                "FromPort", 443,
                                "IpProtocol", "tcp",
                                "ToPort", 443))));
        t.hasResourceProperties(
                "AWS::EC2::SecurityGroupEgress",
                Map.of("DestinationSecurityGroupId", "sg-0a1b2c3d4e5f60733", "FromPort", 5432, "ToPort", 5432));
    }

    // ---- least privilege ----

    /** The statement {@code sid} of the restore submission function's role. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> submitStatement(String sid) {
        return resources("AWS::IAM::Policy").entrySet().stream()
                .filter(e -> e.getKey().startsWith("RestoreSubmitRoleDefaultPolicy"))
                .flatMap(e -> ((List<Map<String, Object>>)
                                ((Map<String, Object>) props(e.getValue()).get("PolicyDocument")).get("Statement"))
                        .stream())
                .filter(st -> sid.equals(st.get("Sid")))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void noPolicy_grantsAWildcardAction() {
        for (Map<String, Object> statement : statements()) {
            for (String action : strings(statement.get("Action"))) {
                assertThat(action).as(statement.toString()).doesNotContain("*");
            }
        }
    }

    @Test
    void rdsDbConnect_isScopedToTheDatabaseUser() {
        List<Map<String, Object>> connects = statements().stream()
                .filter(s -> strings(s.get("Action")).contains("rds-db:connect"))
                .toList();
        assertThat(connects).hasSizeGreaterThanOrEqualTo(8);
        for (Map<String, Object> s : connects) {
            assertThat(text(s.get("Resource")))
                    .matches(
                            ".*:rds-db:eu-west-1:111122223333:dbuser:(db-ABCDEFGHIJKLMNOPQRSTUVWXY0/dbre|\\*/dbre_verify).*");
        }
    }

    @Test
    void snapshotAndRestorePermissions_areScopedByTagsAndNamePrefixes() {
        Map<String, Map<String, Object>> bySid = statements().stream()
                .filter(s -> s.containsKey("Sid"))
                .collect(Collectors.toMap(s -> s.get("Sid").toString(), s -> s, (a, b) -> a));
        assertThat(text(bySid.get("SnapshotTaggedInstances").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:db-tag/dbre:backup-policy\":\"gold\"}}");
        assertThat(text(bySid.get("SnapshotTaggedClusters").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:cluster-tag/dbre:backup-policy\":\"gold\"}}");
        assertThat(text(bySid.get("CreateAndTagOwnSnapshots").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"aws:RequestTag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("CreateAndTagOwnSnapshots").get("Resource")))
                .contains(":snapshot:dbre-*", ":cluster-snapshot:dbre-*")
                .doesNotContain(":snapshot:*");
        assertThat(text(bySid.get("ManageOwnSnapshots").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(strings(bySid.get("ManageOwnSnapshots").get("Action"))).contains("rds:DeleteDBSnapshot");
        assertThat(text(bySid.get("ManageOwnClusterSnapshots").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:cluster-snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("RestoreFromConfiguredSources").get("Resource")))
                .contains(":db:orders\"", ":cluster:orders\"");
        // A restore request naming a snapshot: only this product's snapshots, in the stack's Region
        // or (newestCopyInRegion) the policy's copy Region, where the new database is then made,
        // verified and deleted; a point in time only from the configured sources, here.
        assertThat(text(bySid.get("RestoreFromOwnSnapshotsHere").get("Resource")))
                .contains(
                        ":rds:eu-west-1:111122223333:snapshot:dbre-*",
                        ":rds:eu-central-1:111122223333:snapshot:dbre-*");
        assertThat(text(bySid.get("RestoreFromConfiguredSources").get("Resource")))
                .doesNotContain("eu-central-1");
        for (String sid : List.of(
                "CreateTaggedRestoredDatabases",
                "UseGroupsForRestoredDatabases",
                "DeleteOwnRestoredInstances",
                "ConnectToRestoredAsVerifier")) {
            assertThat(text(bySid.get(sid).get("Resource"))).as(sid).contains("eu-west-1", "eu-central-1");
        }
        assertThat(text(submitStatement("DescribeDatabases").get("Resource")))
                .as("the submission resolves the newest copy in the copy Region")
                .contains(":rds:eu-central-1:111122223333:*");
        assertThat(text(bySid.get("RestoreFromOwnSnapshotsHere").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("RestoreFromOwnClusterSnapshotsHere").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:cluster-snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(strings(bySid.get("CreateTaggedRestoredDatabases").get("Action")))
                .contains("rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBClusterFromSnapshot");
        assertThat(text(bySid.get("CreateTaggedRestoredDatabases").get("Resource")))
                .contains(":db:dbre-*", ":cluster:dbre-*");
        assertThat(text(bySid.get("CreateTaggedRestoredDatabases").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"aws:RequestTag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("DeleteOwnRestoredInstances").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:db-tag/dbre:managed-by\":\"dbre\"}}");
        // Every delete of anything is under a tag condition.
        for (Map<String, Object> s : statements()) {
            if (strings(s.get("Action")).stream().anyMatch(a -> a.startsWith("rds:Delete"))) {
                assertThat(s).as(s.toString()).containsKey("Condition");
            }
        }
    }

    @Test
    void kms_isGrantedOnlyOnTheCopyKey_throughRds() {
        List<Map<String, Object>> kms = statements().stream()
                .filter(s -> strings(s.get("Action")).stream().anyMatch(a -> a.startsWith("kms:")))
                .toList();
        // The snapshot function copies under the key; the fleet drill restores copies made under it.
        assertThat(kms).hasSize(2);
        for (Map<String, Object> k : kms) {
            assertThat(k.get("Resource"))
                    .isEqualTo("arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
            assertThat(strings(k.get("Action"))).containsExactly("kms:CreateGrant", "kms:DescribeKey");
            assertThat(text(k.get("Condition"))).contains("rds.eu-central-1.amazonaws.com");
        }
    }

    // ---- fleet drill ----

    @Test
    void fleetDrill_isTheDrillHandlerWithoutARequestFile_givenTheBackupPolicy_onItsSchedule() {
        Map<String, Object> fleet = dbreFunction("restore-fleet-drill");
        assertThat(props(fleet).get("Handler")).isEqualTo("dev.dbre.aws.restore.RestoreDrillHandler::handleRequest");
        Map<String, Object> env = environment(fleet);
        assertThat(env).doesNotContainKey("DBRE_DRILL_REQUEST_FILE");
        assertThat(env).containsEntry("DBRE_BACKUP_POLICY", "ssm:/dbre/backup/gold");
        assertThat(props(fleet).get("ReservedConcurrentExecutions")).isEqualTo(1);
        // The single-database drill keeps its request file.
        assertThat(environment(dbreFunction("restore-drill")))
                .containsEntry("DBRE_DRILL_REQUEST_FILE", RestoreWorkflow.DRILL_REQUEST_FILE);
        t.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Map.of(
                        "ScheduleExpression", "rate(5 minutes)",
                        "Description", "dbre fleet drill (policy ssm:/dbre/backup/gold)",
                        "Target",
                                Match.objectLike(Map.of(
                                        "Arn", Map.of("Ref", Match.stringLikeRegexp("RestoreFleetDrillAlias.*"))))));
        // It reads exactly the policy's parameter.
        assertThat(roleStatements("RestoreFleetDrillRole").stream()
                        .filter(st -> "ReadPolicyParameter".equals(st.get("Sid")))
                        .map(st -> text(st.get("Resource")))
                        .toList())
                .containsExactly(
                        "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":ssm:eu-west-1:111122223333:parameter/dbre/backup/gold\"]]}");
    }

    @Test
    void fleetDrill_restoresFromTaggedDatabasesAndOwnSnapshotsOnly_intoTaggedPrefixedNames() {
        Map<String, Map<String, Object>> bySid = roleStatements("RestoreFleetDrillRole").stream()
                .filter(st -> st.containsKey("Sid"))
                .collect(Collectors.toMap(st -> st.get("Sid").toString(), st -> st, (a, b) -> a));
        assertThat(strings(bySid.get("RestoreFromOwnSnapshots").get("Action")))
                .containsExactly("rds:RestoreDBInstanceFromDBSnapshot");
        assertThat(text(bySid.get("RestoreFromOwnSnapshots").get("Resource")))
                .contains(
                        ":rds:eu-west-1:111122223333:snapshot:dbre-*",
                        ":rds:eu-central-1:111122223333:snapshot:dbre-*");
        assertThat(text(bySid.get("RestoreFromOwnSnapshots").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(strings(bySid.get("RestoreFromOwnClusterSnapshots").get("Action")))
                .containsExactly("rds:RestoreDBClusterFromSnapshot");
        assertThat(text(bySid.get("RestoreFromOwnClusterSnapshots").get("Resource")))
                .contains(":cluster-snapshot:dbre-*");
        assertThat(text(bySid.get("RestoreFromOwnClusterSnapshots").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:cluster-snapshot-tag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("PointInTimeFromPolicyInstances").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:db-tag/dbre:backup-policy\":\"gold\"}}");
        assertThat(text(bySid.get("PointInTimeFromPolicyClusters").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:cluster-tag/dbre:backup-policy\":\"gold\"}}");
        assertThat(strings(bySid.get("CreateTaggedDrillDatabases").get("Action")))
                .contains("rds:RestoreDBInstanceFromDBSnapshot", "rds:RestoreDBClusterFromSnapshot");
        assertThat(text(bySid.get("CreateTaggedDrillDatabases").get("Resource")))
                .contains(":db:dbre-*", ":cluster:dbre-*")
                .doesNotContain(":db:*\"");
        assertThat(text(bySid.get("CreateTaggedDrillDatabases").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"aws:RequestTag/dbre:managed-by\":\"dbre\"}}");
        assertThat(text(bySid.get("DeleteOwnDrillInstances").get("Condition")))
                .isEqualTo("{\"StringEquals\":{\"rds:db-tag/dbre:managed-by\":\"dbre\"}}");
        // Every statement naming a snapshot restore is scoped by a tag condition or to the groups.
        for (Map<String, Object> st : roleStatements("RestoreFleetDrillRole")) {
            if (strings(st.get("Action")).stream()
                            .anyMatch(a -> a.contains("FromDBSnapshot") || a.contains("FromSnapshot"))
                    && !"UseGroupsForDrillDatabases".equals(st.get("Sid"))) {
                assertThat(st).as(st.toString()).containsKey("Condition");
            }
        }
        // Only the policy's Regions and the copy Region.
        assertThat(text(roleStatements("RestoreFleetDrillRole")))
                .doesNotContainPattern(":rds:(?!eu-west-1|eu-central-1)[a-z]+-[a-z]+-\\d");
    }

    // ---- maintenance ----

    @Test
    void maintenance_runsEveryFiveMinutes_withDatabaseAccessOnly() {
        Map<String, Object> fn = dbreFunction("maintenance");
        assertThat(props(fn).get("Handler")).isEqualTo("dev.dbre.aws.maintenance.MaintenanceHandler::handleRequest");
        assertThat(props(fn).get("ReservedConcurrentExecutions")).isEqualTo(1);
        assertThat(environment(fn)).containsEntry("DBRE_DB_AUTH", "iam").containsEntry("DBRE_DB_USER", "dbre");
        t.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Map.of(
                        "ScheduleExpression", "rate(5 minutes)",
                        "Description", "dbre metric store maintenance",
                        "Target",
                                Match.objectLike(
                                        Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("MaintenanceAlias.*"))))));
        // Its own logs, the VPC attachment, X-Ray, the failed-invocation queue, and the database: no more.
        List<String> actions = roleStatements("MaintenanceRole").stream()
                .flatMap(st -> strings(st.get("Action")).stream())
                .toList();
        assertThat(actions)
                .containsExactlyInAnyOrder(
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                        "xray:PutTraceSegments",
                        "xray:PutTelemetryRecords",
                        "sqs:SendMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:GetQueueUrl",
                        "rds-db:connect");
    }

    // ---- SLO report ----

    @Test
    void sloReport_bucketIsEncryptedSslOnlyPrivateVersioned_andExpiresOldReports() {
        t.hasResourceProperties(
                "AWS::S3::Bucket",
                Map.of(
                        "BucketEncryption",
                                Map.of(
                                        "ServerSideEncryptionConfiguration",
                                        List.of(Map.of(
                                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls", true,
                                        "BlockPublicPolicy", true,
                                        "IgnorePublicAcls", true,
                                        "RestrictPublicBuckets", true),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))),
                        "LifecycleConfiguration",
                                Map.of(
                                        "Rules",
                                        List.of(Match.objectLike(Map.of(
                                                "Id", "ExpireOldReports",
                                                "Prefix", "slo/",
                                                "ExpirationInDays", 400,
                                                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30),
                                                "Status", "Enabled"))))));
        t.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
        String bucketPolicy = text(props(only("AWS::S3::BucketPolicy")));
        assertThat(bucketPolicy)
                .contains("\"Effect\":\"Deny\"")
                .contains("{\"Bool\":{\"aws:SecureTransport\":\"false\"}}")
                .contains("{\"NumericLessThan\":{\"s3:TlsVersion\":1.2}}");
    }

    @Test
    void sloReport_topicIsEncryptedAndSslOnly_andTheFunctionMayOnlyPutUnderItsPrefixAndPublish() {
        t.hasResourceProperties(
                "AWS::SNS::Topic",
                Map.of(
                        "KmsMasterKeyId",
                        Match.objectLike(Map.of(
                                "Fn::Join",
                                Match.arrayWith(List.of(
                                        Match.arrayWith(List.of(Match.stringLikeRegexp(".*alias/aws/sns.*"))))))),
                        "DisplayName",
                        "dbre SLO alert changes (dbre)"));
        t.hasResourceProperties(
                "AWS::SNS::TopicPolicy",
                Map.of(
                        "Topics",
                        List.of(Map.of("Ref", Match.stringLikeRegexp("SloAlertChanges.*"))),
                        "PolicyDocument",
                        Match.objectLike(Map.of(
                                "Statement",
                                List.of(Match.objectLike(Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        t.hasResourceProperties(
                "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "dbre-slo@example.com"));

        Map<String, Object> fn = dbreFunction("slo-report");
        assertThat(props(fn).get("Handler")).isEqualTo("dev.dbre.aws.slo.SloReportHandler::handleRequest");
        Map<String, Object> env = environment(fn);
        assertThat(env)
                .containsEntry("DBRE_SLO_SPEC", SloReport.SPEC_DIR)
                .containsEntry("DBRE_SLO_FORMATS", "json,md,html");
        assertThat(text(env.get("DBRE_SLO_OUT")))
                .matches("\\{\"Fn::Join\":\\[\"\",\\[\"s3://\",\\{\"Ref\":\"SloReports[0-9A-F]+\"},\"/slo\"]]}");
        assertThat(text(env.get("DBRE_SLO_NOTIFY"))).matches("\\{\"Ref\":\"SloAlertChanges[0-9A-F]+\"}");

        List<Map<String, Object>> own = roleStatements("SloSloReportRole");
        Map<String, Map<String, Object>> bySid = own.stream()
                .filter(st -> st.containsKey("Sid"))
                .collect(Collectors.toMap(st -> st.get("Sid").toString(), st -> st, (a, b) -> a));
        assertThat(strings(bySid.get("PutReportsUnderPrefix").get("Action"))).containsExactly("s3:PutObject");
        assertThat(text(bySid.get("PutReportsUnderPrefix").get("Resource")))
                .matches(".*SloReports[0-9A-F]+\",\"Arn\"]},\"/slo/\\*\"]]}");
        assertThat(strings(bySid.get("PublishAlertChanges").get("Action"))).containsExactly("sns:Publish");
        assertThat(text(bySid.get("PublishAlertChanges").get("Resource")))
                .matches("\\{\"Ref\":\"SloAlertChanges[0-9A-F]+\"}");
        // Nothing else of S3 or SNS.
        for (Map<String, Object> st : own) {
            for (String action : strings(st.get("Action"))) {
                if (action.startsWith("s3:") || action.startsWith("sns:")) {
                    assertThat(List.of("PutReportsUnderPrefix", "PublishAlertChanges"))
                            .contains(String.valueOf(st.get("Sid")));
                }
            }
        }
        t.hasResourceProperties(
                "AWS::Scheduler::Schedule",
                Map.of(
                        "ScheduleExpression", "rate(1 hour)",
                        "Description", "dbre SLO report",
                        "Target",
                                Match.objectLike(
                                        Map.of("Arn", Map.of("Ref", Match.stringLikeRegexp("SloSloReportAlias.*"))))));
    }

    @Test
    void filesLayer_holdsTheSloSpecSet_whereDbreSloSpecPoints() throws Exception {
        java.nio.file.Path slo = Stacks.full().staging().resolve("files-layer/dbre/slo");
        java.nio.file.Path specs = java.nio.file.Path.of("../docs/examples/slo");
        List<String> expected = DbreConfig.SloReport.specFiles(specs).stream()
                .map(p -> p.getFileName().toString())
                .toList();
        assertThat(expected).isNotEmpty();
        try (var files = java.nio.file.Files.list(slo)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .isEqualTo(expected);
        }
        for (String name : expected) {
            assertThat(slo.resolve(name)).hasSameTextualContentAs(specs.resolve(name));
        }
        assertThat("/opt/dbre/slo").isEqualTo(SloReport.SPEC_DIR);
    }

    // ---- alarms ----

    @Test
    void alarms_coverTheFailureSignals_andAllGoToOneTopic() {
        List<String> names =
                resources("AWS::CloudWatch::Alarm").keySet().stream().toList();
        for (String expected : List.of(
                "IngestIteratorAge",
                "IngestOnFailureDepth",
                "IngestKinesisErrors",
                "IngestKinesisThrottles",
                "IngestHttpErrors",
                "RotationFailures",
                "DrillMissing",
                "RestoreFailures",
                "RestoreWorkflowFailed",
                "SnapshotRpoBreach",
                "SnapshotFailures",
                "FailedInvocationsDepth",
                "UndeliveredSchedulesDepth",
                "DrillFailures",
                "DrillsOverRto",
                "BackupsOverRpo",
                "SloAlertsFiring",
                "MaintenanceFailures",
                "MaintenanceErrors",
                "SloReportErrors",
                "FleetDrillErrors")) {
            assertThat(names).anyMatch(n -> n.startsWith("Alarms" + expected));
        }
        t.allResourcesProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*"))),
                        "OKActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlarmsTopic.*")))));
        t.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "Metrics",
                        List.of(Match.objectLike(Map.of(
                                "Expression",
                                "SELECT SUM(RotationFailures) FROM dbre WHERE \"function\" = 'rotation'")))));
        t.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "MetricName",
                        "IteratorAge",
                        "Threshold",
                        300000,
                        "Dimensions",
                        Match.arrayWith(List.of(Map.of("Name", "Resource", "Value", Match.anyValue())))));
        t.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "MetricName", "DrillsCompleted",
                        "Namespace", "dbre",
                        "ComparisonOperator", "LessThanThreshold",
                        "TreatMissingData", "breaching",
                        "EvaluationPeriods", 6));
        // The new signals sum over every dimension value (database, kind, slo, severity), whichever
        // function emits them.
        for (String query : List.of(
                "SELECT SUM(DrillFailures) FROM dbre",
                "SELECT SUM(DrillsOverRto) FROM dbre",
                "SELECT SUM(BackupsOverRpo) FROM dbre",
                "SELECT MAX(SloAlertsFiring) FROM dbre",
                "SELECT SUM(MaintenanceFailures) FROM dbre")) {
            t.hasResourceProperties(
                    "AWS::CloudWatch::Alarm",
                    Map.of(
                            "Metrics",
                            List.of(Match.objectLike(Map.of("Expression", query))),
                            "ComparisonOperator",
                            "GreaterThanThreshold",
                            "Threshold",
                            0,
                            "TreatMissingData",
                            "notBreaching"));
        }
        t.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        // Every alarm is on the dashboard.
        String dashboard = text(props(only("AWS::CloudWatch::Dashboard")).get("DashboardBody"));
        for (String alarm : names) {
            assertThat(dashboard).as(alarm).contains(alarm);
        }
        t.hasResourceProperties(
                "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "dbre-oncall@example.com"));
    }

    // ---- helpers over the synthesized JSON ----

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> resources(String type) {
        Map<String, Object> all = (Map<String, Object>) json.get("Resources");
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        all.forEach((k, v) -> {
            Map<String, Object> r = (Map<String, Object>) v;
            if (type.equals(r.get("Type"))) {
                out.put(k, r);
            }
        });
        return out;
    }

    private Map<String, Map<String, Object>> functions() {
        return resources("AWS::Lambda::Function");
    }

    private List<Map<String, Object>> dbreFunctions() {
        return functions().values().stream()
                .filter(f -> String.valueOf(props(f).get("Handler")).startsWith("dev.dbre.aws."))
                .toList();
    }

    /** The dbre function named {@code <stack>-<name>}. */
    private Map<String, Object> dbreFunction(String name) {
        List<Map<String, Object>> found = dbreFunctions().stream()
                .filter(f -> ("dbre-" + name).equals(props(f).get("FunctionName")))
                .toList();
        assertThat(found).as(name).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> function) {
        return (Map<String, Object>) ((Map<String, Object>) props(function).get("Environment")).get("Variables");
    }

    /** The statements of the policies attached to the role whose logical id starts so. */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> roleStatements(String rolePrefix) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : resources("AWS::IAM::Policy").values()) {
            if (text(props(p).get("Roles")).contains("\"Ref\":\"" + rolePrefix)) {
                Map<String, Object> doc = (Map<String, Object>) props(p).get("PolicyDocument");
                out.addAll((List<Map<String, Object>>) doc.get("Statement"));
            }
        }
        assertThat(out).as(rolePrefix).isNotEmpty();
        return out;
    }

    private Map.Entry<String, Map<String, Object>> only(String type) {
        Map<String, Map<String, Object>> r = resources(type);
        assertThat(r).hasSize(1);
        return r.entrySet().iterator().next();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    private static Map<String, Object> props(Map.Entry<String, Map<String, Object>> e) {
        return props(e.getValue());
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> statements() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : resources("AWS::IAM::Policy").values()) {
            Map<String, Object> doc = (Map<String, Object>) props(p).get("PolicyDocument");
            out.addAll((List<Map<String, Object>>) doc.get("Statement"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        if (o == null) {
            return List.of();
        }
        return o instanceof List<?> l ? (List<String>) l : List.of(o.toString());
    }

    private static String text(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
