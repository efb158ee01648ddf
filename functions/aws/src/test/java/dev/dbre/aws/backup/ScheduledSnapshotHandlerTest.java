package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.event.BadEventException;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends events/aws/scheduler-snapshot*.json through the handler, built from environment variables
 * as in Lambda: RDS is the local fake, snapshot_runs is in the embedded PostgreSQL.
 */
class ScheduledSnapshotHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeRds rds = new FakeRds();
    private TestDatabase db;

    @BeforeEach
    void fleet() {
        db = PostgresExtension.newDatabase();
        rds.http.always(action("DescribeDBInstances"), ok("describe-db-instances"));
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-clusters"));
        rds.http.always(
                action("DescribeDBSnapshots", "DBInstanceIdentifier", "orders"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-empty"));
        rds.http.always(
                action("DescribeDBClusterSnapshots", "DBClusterIdentifier", "billing"),
                ok("describe-db-cluster-snapshots-billing"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));
        rds.http.always(
                action("CreateDBSnapshot"),
                echo("create-db-snapshot", "DBSnapshotIdentifier", "dbre-orders-20261123-2200"));
        rds.http.always(
                action("CreateDBClusterSnapshot"),
                echo("create-db-cluster-snapshot", "DBClusterSnapshotIdentifier", "dbre-billing-20261123-2200"));
    }

    @AfterEach
    void stop() {
        rds.close();
    }

    /** The fixture with its snapshot name replaced by the one requested. */
    private static Function<Recorded, Reply> echo(String fixture, String param, String nameInFixture) {
        return r -> ok(fixture, Map.of(nameInFixture, r.form().get(param)));
    }

    static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = BackupEvents.databaseEnv(db);
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        env.put(
                "DBRE_BACKUP_POLICY_FILE",
                Path.of("src/test/resources/policies/gold-us-east-1.yaml").toString());
        return env;
    }

    private ScheduledSnapshotHandler handler(Map<String, String> env) {
        return new ScheduledSnapshotHandler(
                BackupWiring.fromEnv(new Env(env), rds.clients, FakeRds.CREDENTIALS, (d, m) -> {}, FakeRds.CLOCK));
    }

    @Test
    void scheduledEvent_snapshotsEveryTaggedDatabaseInTheEventsSlot_andRecordsTheRun() throws Exception {
        String out = BackupEvents.invoke(
                handler(env(db))::handleRequest,
                BackupEvents.text("scheduler-snapshot.json"),
                BackupEvents.context("r1"));

        JsonNode summary = JSON.readTree(out);
        assertThat(summary.get("policy").asText()).isEqualTo("gold");
        assertThat(summary.get("dryRun").asBoolean()).isFalse();
        // billing gets its 23:00 snapshot; orders does not: its 22:00 one is still being created
        // (the fixture says so), and RDS takes one snapshot of an instance at a time.
        assertThat(summary.get("created").asInt()).isEqualTo(1);
        assertThat(summary.get("failed").asInt()).isZero();
        assertThat(rds.sent("CreateDBSnapshot")).isEmpty();
        // The event's scheduledTime (23:00), not the clock (22:00:05), names the slot.
        Map<String, String> create = rds.sent("CreateDBClusterSnapshot").get(0).form();
        assertThat(create)
                .containsEntry("DBClusterIdentifier", "billing")
                .containsEntry("DBClusterSnapshotIdentifier", "dbre-billing-20261123-2300")
                .containsValue("dbre:managed-by")
                .containsValue("20261123-2300");
        assertThat(rds.sent("DeleteDBSnapshot")).isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold'"))
                .isEqualTo(2);
    }

    @Test
    void dryRunEvent_plansButCreatesNothingAndRecordsNothing() throws Exception {
        String out = BackupEvents.invoke(
                handler(env(db))::handleRequest,
                BackupEvents.text("scheduler-snapshot-dry-run.json"),
                BackupEvents.context("r2"));

        JsonNode summary = JSON.readTree(out);
        assertThat(summary.get("dryRun").asBoolean()).isTrue();
        assertThat(rds.sent("CreateDBSnapshot")).isEmpty();
        assertThat(rds.sent("CreateDBClusterSnapshot")).isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isZero();
        assertThat(out).contains("dbre-billing-20261123-2300").contains("still creating");
    }

    @Test
    void aMissingPolicyFile_isAConfigErrorNamingTheVariable() {
        Map<String, String> env = env(db);
        env.put("DBRE_BACKUP_POLICY_FILE", "no/such/policy.yaml");

        assertThatThrownBy(() -> handler(env))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY_FILE"));
    }

    @Test
    void aDryRunThatIsNotABoolean_failsTheTickNamingTheField_andCreatesNothing() throws Exception {
        String input = BackupEvents.text("scheduler-snapshot.json").replace("\"dryRun\": false", "\"dryRun\": \"yes\"");
        ScheduledSnapshotHandler handler = handler(env(db));

        assertThatThrownBy(() -> BackupEvents.invoke(handler::handleRequest, input, BackupEvents.context("r3")))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("dryRun"));
        assertThat(rds.sent("CreateDBClusterSnapshot")).isEmpty();
        assertThat(rds.sent("CreateDBSnapshot")).isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isZero();
    }
}
