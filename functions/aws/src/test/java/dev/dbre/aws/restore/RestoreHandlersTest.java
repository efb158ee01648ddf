package dev.dbre.aws.restore;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.backup.BackupEvents;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.aws.backup.FakeRds;
import dev.dbre.config.Env;
import dev.dbre.obs.Metric;
import dev.dbre.testing.Drills;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends events/aws/apigw-http-v2-restore*.json (to a time and from a snapshot), sfn-restore-step.json and scheduler-drill.json
 * through the restore handlers, built from environment variables as in Lambda. RDS is the local
 * fake; a "restored instance" answers at the embedded PostgreSQL, so a drill's verification
 * queries really run.
 */
class RestoreHandlersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXTURE_HOST = "orders-drill.abcdefghijkl.us-east-1.rds.amazonaws.com";

    private final FakeRds rds = new FakeRds();
    private final Set<String> restored = ConcurrentHashMap.newKeySet();
    /** The run id each restored instance was tagged with (RDS keeps the tags of the restore). */
    private final Map<String, String> runOf = new java.util.concurrent.ConcurrentHashMap<>();

    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final List<String> metrics = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T22:00:05Z"));
    private TestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = Drills.ordersDatabase();
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders"), ok("describe-db-instance-orders"));
        rds.http.always(
                action("DescribeDBInstanceAutomatedBackups"), ok("describe-db-instance-automated-backups-orders"));
        rds.http.always(action("DescribeDBClusters"), error(404, "error-db-cluster-not-found"));
        rds.http.always(action("DescribeDBInstances"), this::describeRestored);
        rds.http.always(action("RestoreDBInstanceToPointInTime"), r -> {
            restored.add(r.form().get("TargetDBInstanceIdentifier"));
            runOf.put(r.form().get("TargetDBInstanceIdentifier"), FakeRds.runTag(r));
            return ok("restore-db-instance-to-point-in-time");
        });
        rds.http.always(action("DeleteDBInstance"), r -> {
            deleted.add(r.form().get("DBInstanceIdentifier"));
            return ok("delete-db-instance");
        });
    }

    @AfterEach
    void stop() {
        rds.close();
    }

    /** A restored instance is "available" at the embedded PostgreSQL; others do not exist. */
    private Reply describeRestored(Recorded r) {
        String id = r.form().get("DBInstanceIdentifier");
        if (!restored.contains(id) || deleted.contains(id)) {
            return error(404, "error-db-instance-not-found");
        }
        return ok(
                "describe-db-instance-restored-available",
                Map.of(
                        FIXTURE_HOST,
                        "127.0.0.1",
                        "<Port>5432</Port>",
                        "<Port>" + db.server().port() + "</Port>",
                        "<DBInstanceIdentifier>orders-drill</DBInstanceIdentifier>",
                        "<DBInstanceIdentifier>" + id + "</DBInstanceIdentifier>",
                        FakeRds.FIXTURE_RUN,
                        runOf.get(id)));
    }

    private Map<String, String> env() throws Exception {
        Map<String, String> env = BackupEvents.databaseEnv(db);
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "orders-drill-" + db.name() + ".json");
        Files.createDirectories(drill.getParent());
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", db.name()));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        return env;
    }

    private BackupWiring components() throws Exception {
        return BackupWiring.fromEnv(
                new Env(env()),
                rds.clients,
                FakeRds.CREDENTIALS,
                (dims, values) -> values.stream().map(Metric::name).forEach(metrics::add),
                clock);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void httpRequest_202WithTheRunId_andNothingRestoredYet_andARepeatFindsTheSameRun() throws Exception {
        RestoreHttpHandler handler = new RestoreHttpHandler(components());

        APIGatewayV2HTTPResponse first =
                handler.handleRequest(BackupEvents.http("apigw-http-v2-restore.json"), BackupEvents.context("h1"));
        APIGatewayV2HTTPResponse again =
                handler.handleRequest(BackupEvents.http("apigw-http-v2-restore.json"), BackupEvents.context("h2"));

        assertThat(first.getStatusCode()).isEqualTo(202);
        assertThat(first.getHeaders()).containsEntry("Content-Type", "application/json");
        JsonNode body = json(first.getBody());
        assertThat(body.get("state").asText()).isEqualTo("REQUESTED");
        assertThat(body.get("created").asBoolean()).isTrue();
        assertThat(body.get("newName").asText()).isEqualTo("orders-restore-4711");
        assertThat(json(again.getBody()).get("runId").asText())
                .isEqualTo(body.get("runId").asText());
        assertThat(json(again.getBody()).get("created").asBoolean()).isFalse();
        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).isEmpty();
        assertThat(db.queryLong("select count(*) from restore_runs")).isEqualTo(1);
    }

    @Test
    void httpRequest_outsideTheWindow_isRefusedWithTheRule_andNothingChanges() throws Exception {
        APIGatewayV2HTTPResponse r = new RestoreHttpHandler(components())
                .handleRequest(
                        BackupEvents.http("apigw-http-v2-restore-outside-window.json"), BackupEvents.context("h3"));

        assertThat(r.getStatusCode()).isEqualTo(422);
        JsonNode body = json(r.getBody());
        assertThat(body.get("error").asText()).isEqualTo("TARGET_OUTSIDE_WINDOW");
        assertThat(body.get("field").asText()).isEqualTo("targetTime");
        assertThat(body.get("message").asText()).contains("2026-11-16T22:01:07Z");
        assertThat(db.queryLong("select count(*) from restore_runs")).isZero();
        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).isEmpty();
    }

    @Test
    void workflowStep_startsTheRestoreOfTheSubmittedRun_andReportsNotDone() throws Exception {
        BackupWiring c = components();
        String runId = json(new RestoreHttpHandler(c)
                        .handleRequest(BackupEvents.http("apigw-http-v2-restore.json"), BackupEvents.context("h4"))
                        .getBody())
                .get("runId")
                .asText();
        String input =
                BackupEvents.text("sfn-restore-step.json").replace("3f1e2d3c-4b5a-4697-8877-66554433aa11", runId);

        JsonNode out =
                json(BackupEvents.invoke(new RestoreStepHandler(c)::handleRequest, input, BackupEvents.context("s1")));

        assertThat(out.get("runId").asText()).isEqualTo(runId);
        assertThat(out.get("state").asText()).isEqualTo("RESTORING");
        assertThat(out.get("done").asBoolean()).isFalse();
        assertThat(rds.sent("RestoreDBInstanceToPointInTime").get(0).form())
                .containsEntry("SourceDBInstanceIdentifier", "orders")
                .containsEntry("TargetDBInstanceIdentifier", "orders-restore-4711")
                .containsEntry("RestoreTime", "2026-11-23T12:30:00Z")
                .containsEntry("DBInstanceClass", "db.t4g.medium")
                .containsEntry("DBSubnetGroupName", "restores");
    }

    @Test
    void snapshotRequest_picksTheNewestCompletedSnapshotOfThePolicy_andTheStepRestoresIt() throws Exception {
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));
        rds.http.always(action("RestoreDBInstanceFromDBSnapshot"), ok("restore-db-instance-from-db-snapshot"));
        BackupWiring c = components();

        APIGatewayV2HTTPResponse submitted = new RestoreHttpHandler(c)
                .handleRequest(BackupEvents.http("apigw-http-v2-restore-snapshot.json"), BackupEvents.context("h5"));
        JsonNode body = json(submitted.getBody());
        String input = BackupEvents.text("sfn-restore-step.json")
                .replace(
                        "3f1e2d3c-4b5a-4697-8877-66554433aa11",
                        body.get("runId").asText());
        JsonNode out =
                json(BackupEvents.invoke(new RestoreStepHandler(c)::handleRequest, input, BackupEvents.context("s4")));

        assertThat(submitted.getStatusCode()).isEqualTo(202);
        // The newer dbre-orders-20261123-2200 is still creating: the newest completed one is picked.
        assertThat(body.at("/snapshot/id").asText()).isEqualTo("dbre-orders-20261122-2200");
        assertThat(out.get("state").asText()).isEqualTo("RESTORING");
        assertThat(rds.sent("RestoreDBInstanceFromDBSnapshot").get(0).form())
                .containsEntry("DBSnapshotIdentifier", "dbre-orders-20261122-2200")
                .containsEntry("DBInstanceIdentifier", "orders-from-gold")
                .containsEntry("DBInstanceClass", "db.t4g.medium");
        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).isEmpty();
        assertThat(db.queryLong("select count(*) from restore_runs where snapshot_id = 'dbre-orders-20261122-2200'"))
                .isEqualTo(1);
    }

    @Test
    void workflowStep_forARunThatDoesNotExist_failsTheTaskWithoutRetry() throws Exception {
        RestoreStepHandler step = new RestoreStepHandler(components());

        assertThatThrownBy(() -> BackupEvents.invoke(
                        step::handleRequest, BackupEvents.text("sfn-restore-step.json"), BackupEvents.context("s2")))
                .isInstanceOf(RestoreStepHandler.RestoreStepRefused.class)
                .hasMessageContaining("RUN_NOT_FOUND");
        assertThatThrownBy(() -> BackupEvents.invoke(step::handleRequest, "{\"runId\": 7}", BackupEvents.context("s3")))
                .isInstanceOf(RestoreStepHandler.RestoreStepRefused.class)
                .hasMessageContaining("runId");
    }

    @Test
    void scheduledDrill_ticksThroughRestoreVerifyAndCleanup_measuringTheRecoveryTime() throws Exception {
        RestoreDrillHandler drill = new RestoreDrillHandler(components());
        String event = BackupEvents.text("scheduler-drill.json");
        List<JsonNode> outs = Drills.tick(
                clock,
                tick -> json(BackupEvents.invoke(drill::handleRequest, event, BackupEvents.context("d" + tick))));
        List<String> states = outs.stream().map(o -> o.get("state").asText()).toList();
        JsonNode last = outs.get(outs.size() - 1);

        assertThat(states)
                .containsExactly(
                        "RESTORING", "AVAILABLE", "VERIFYING", "VERIFIED", "CLEANED_UP", "CLEANED_UP", "CLEANED_UP");
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(last.get("outcome").asText()).isEqualTo("VERIFIED");
        // Requested at the first tick, verified at the fourth: three ticks of five minutes.
        assertThat(last.get("recoverySeconds").asDouble()).isEqualTo(900.0);
        assertThat(rds.sent("RestoreDBInstanceToPointInTime")).hasSize(1);
        assertThat(rds.sent("RestoreDBInstanceToPointInTime").get(0).form())
                .containsEntry("TargetDBInstanceIdentifier", "orders-drill-20261123")
                .containsEntry("UseLatestRestorableTime", "true");
        assertThat(rds.sent("DeleteDBInstance")).hasSize(1);
        assertThat(rds.sent("DeleteDBInstance").get(0).form()).containsEntry("SkipFinalSnapshot", "true");
        assertThat(metrics).contains("RestoreRecoverySeconds", "DrillsCompleted");
        Drills.assertOneVerifiedDrillCleanedUp(db);
    }
}
