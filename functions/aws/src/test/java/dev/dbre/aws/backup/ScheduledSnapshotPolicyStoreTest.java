package dev.dbre.aws.backup;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot handler with its policy in S3 or SSM Parameter Store, built from environment
 * variables as in Lambda: the policy's store is a fake on 127.0.0.1 reached by the real S3/SSM
 * clients (DBRE_S3_ENDPOINT / DBRE_SSM_ENDPOINT), RDS is the local fake, snapshot_runs is in the
 * embedded PostgreSQL. The policy is read at start-up and again at every tick.
 */
class ScheduledSnapshotPolicyStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "dbre-config";
    private static final String KEY = "policies/gold.yaml";

    private static final String KEEP_A_DAY = """
            name: gold
            selection:
              tag: {key: "dbre:backup-policy", value: gold}
              regions: [us-east-1]
            schedule:
              every: 1h
            retention:
              hourly: 24
              keepAtLeast: 3
            """;
    private static final String KEEP_ONE =
            KEEP_A_DAY.replace("hourly: 24", "hourly: 1").replace("keepAtLeast: 3", "keepAtLeast: 1");
    private static final String INVALID = KEEP_A_DAY.replace("hourly: 24", "hourly: -2");

    private final FakeRds rds = new FakeRds();
    private final FakeHttpServer store = FakeHttpServer.start();
    private final AtomicReference<String> object = new AtomicReference<>(KEEP_A_DAY);
    private TestDatabase db;

    @BeforeEach
    void fleet() {
        db = PostgresExtension.newDatabase();
        rds.http.always(action("DescribeDBInstances"), ok("describe-db-instances"));
        rds.http.always(action("DescribeDBClusters"), ok("describe-db-clusters"));
        rds.http.always(
                action("DescribeDBSnapshots", "DBInstanceIdentifier", "orders"), ok("describe-db-snapshots-orders"));
        rds.http.always(action("DescribeDBSnapshots"), ok("describe-db-snapshots-empty"));
        // billing has three hourly snapshots of ours, 20:00, 21:00 and 22:00.
        rds.http.always(
                action("DescribeDBClusterSnapshots", "DBClusterIdentifier", "billing"),
                ok("describe-db-cluster-snapshots-billing-hourly"));
        rds.http.always(action("DescribeDBClusterSnapshots"), ok("describe-db-cluster-snapshots-empty"));
        rds.http.always(
                action("CreateDBClusterSnapshot"),
                r -> ok(
                        "create-db-cluster-snapshot",
                        Map.of("dbre-billing-20261123-2200", r.form().get("DBClusterSnapshotIdentifier"))));
        rds.http.always(action("DeleteDBClusterSnapshot"), ok("delete-db-cluster-snapshot"));
        store.always(PolicyStores.getObject(BUCKET, KEY), r -> PolicyStores.object(object.get()));
    }

    @AfterEach
    void stop() {
        rds.close();
        store.close();
    }

    private Map<String, String> env(String policy) {
        Map<String, String> env = BackupEvents.databaseEnv(db);
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        env.put("DBRE_BACKUP_POLICY", policy);
        env.put(S3PolicyReader.ENDPOINT, store.uri().toString());
        env.put(SsmPolicyReader.ENDPOINT, store.uri().toString());
        return env;
    }

    private ScheduledSnapshotHandler handler(Map<String, String> env) {
        return new ScheduledSnapshotHandler(
                BackupWiring.fromEnv(new Env(env), rds.clients, FakeRds.CREDENTIALS, (d, m) -> {}, FakeRds.CLOCK));
    }

    private static String event(String scheduledTime) {
        return BackupEvents.text("scheduler-snapshot.json").replace("2026-11-23T23:00:00Z", scheduledTime);
    }

    private JsonNode tick(ScheduledSnapshotHandler handler, String scheduledTime) throws Exception {
        return JSON.readTree(
                BackupEvents.invoke(handler::handleRequest, event(scheduledTime), BackupEvents.context("t")));
    }

    private List<String> deleted() {
        return rds.sent("DeleteDBClusterSnapshot").stream()
                .map(r -> r.form().get("DBClusterSnapshotIdentifier"))
                .toList();
    }

    private List<Recorded> changes() {
        return rds.http.requests(r -> {
            String a = r.form().getOrDefault("Action", "");
            return a.startsWith("Create") || a.startsWith("Delete") || a.startsWith("Copy");
        });
    }

    @Test
    void aPolicyInS3_editedBetweenTwoTicks_theSecondTickKeepsByTheNewRetention() throws Exception {
        ScheduledSnapshotHandler handler = handler(env("s3://" + BUCKET + "/" + KEY));

        JsonNode first = tick(handler, "2026-11-23T23:00:00Z");

        assertThat(first.get("policy").asText()).isEqualTo("gold");
        assertThat(first.get("created").asInt()).isEqualTo(1);
        assertThat(first.get("deleted").asInt()).isZero();
        assertThat(deleted()).isEmpty();

        object.set(KEEP_ONE);
        JsonNode second = tick(handler, "2026-11-24T00:00:00Z");

        // Keep one hourly (and never the newest completed, 22:00): 20:00 and 21:00 go.
        assertThat(second.get("failed").asInt()).isZero();
        assertThat(deleted()).containsExactlyInAnyOrder("dbre-billing-20261123-2000", "dbre-billing-20261123-2100");
        // Read at start-up and at each of the two ticks.
        assertThat(store.requests(PolicyStores.getObject(BUCKET, KEY))).hasSize(3);
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(4);
    }

    @Test
    void anEditToAnInvalidPolicy_failsTheTickNamingTheField_andChangesNothing() throws Exception {
        ScheduledSnapshotHandler handler = handler(env("s3://" + BUCKET + "/" + KEY));
        tick(handler, "2026-11-23T23:00:00Z");
        long runs = db.queryLong("select count(*) from snapshot_runs");
        rds.http.clearRequests();

        object.set(INVALID);

        assertThatThrownBy(() -> tick(handler, "2026-11-24T00:00:00Z"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY");
                    assertThat(e.getMessage())
                            .contains("s3://" + BUCKET + "/" + KEY)
                            .contains("retention.hourly");
                });
        assertThat(changes()).isEmpty();
        assertThat(rds.http.requests()).isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(runs);
    }

    @Test
    void aPolicyThatCannotBeRead_stopsTheFunctionAtStartNamingTheLocation() {
        store.once(PolicyStores.getObject(BUCKET, KEY), PolicyStores.s3Error(403, "AccessDenied", "Access Denied"));

        assertThatThrownBy(() -> handler(env("s3://" + BUCKET + "/" + KEY)))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.getMessage())
                                .contains("s3://" + BUCKET + "/" + KEY)
                                .contains("s3:GetObject"));
        assertThat(changes()).isEmpty();
    }

    @Test
    void aPolicyInParameterStore_runsTheTick() throws Exception {
        store.always(
                PolicyStores.getParameter("/dbre/backup-policy/gold"),
                PolicyStores.parameter("/dbre/backup-policy/gold", "SecureString", KEEP_A_DAY));

        JsonNode summary = tick(handler(env("ssm:/dbre/backup-policy/gold")), "2026-11-23T23:00:00Z");

        assertThat(summary.get("policy").asText()).isEqualTo("gold");
        assertThat(summary.get("created").asInt()).isEqualTo(1);
        assertThat(store.requests(PolicyStores.getParameter("/dbre/backup-policy/gold")))
                .hasSize(2);
        assertThat(store.requests(PolicyStores.getObject(BUCKET, KEY))).isEmpty();
    }
}
