package dev.dbre.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.backup.CloudSqlAdmin;
import dev.dbre.gcp.local.BufferedHttpResponse;
import dev.dbre.testing.Drills;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends events/gcp/scheduler-*-pubsub.json and http-restore*.json through the snapshot, drill and
 * restore functions, built from environment variables. Cloud SQL Admin is the local fake; a
 * "restored instance" answers at the embedded PostgreSQL, so a drill's verification really runs.
 */
class BackupFunctionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "/v1/projects/dbre-prod/instances";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final Set<String> cloned = ConcurrentHashMap.newKeySet();
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();
    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T22:00:05Z"));
    private TestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = Drills.ordersDatabase();
        http.always(call("GET", BASE), json("instances-list", Map.of()));
        http.always(call("GET", BASE + "/orders"), json("instance-orders", Map.of()));
        http.always(call("GET", BASE + "/orders/getLatestRecoveryTime"), json("latest-recovery-time", Map.of()));
        // Every run of the fixture completed: a new slot gets a backup.
        http.always(
                call("GET", BASE + "/orders/backupRuns"), json("backup-runs-orders", Map.of("RUNNING", "SUCCESSFUL")));
        http.always(call("POST", BASE + "/orders/backupRuns"), json("operation-backup", Map.of()));
        http.always(call("POST", BASE + "/orders/clone"), r -> {
            try {
                cloned.add(JSON.readTree(r.body())
                        .at("/cloneContext/destinationInstanceName")
                        .asText());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return json("operation-clone", Map.of());
        });
        http.always(r -> r.path().startsWith(BASE + "/orders-drill-"), this::drillInstance);
        // Any other instance does not exist (the names of new restores).
        http.always(
                r -> r.method().equals("GET") && r.path().startsWith(BASE + "/"),
                Reply.resource(404, "application/json", "cloudsql/error-404-instance.json"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    /** The cloned instance: absent, then RUNNABLE without labels, labelled after the patch, gone after delete. */
    private Reply drillInstance(Recorded r) {
        String name = r.path().substring(BASE.length() + 1);
        String method = r.header("x-http-method-override") != null ? r.header("x-http-method-override") : r.method();
        if (!cloned.contains(name) || deleted.contains(name)) {
            return Reply.resource(404, "application/json", "cloudsql/error-404-instance.json");
        }
        switch (method) {
            case "PATCH" -> {
                labelled.add(name);
                return json("operation-update", Map.of());
            }
            case "DELETE" -> {
                deleted.add(name);
                return json("operation-delete", Map.of());
            }
            default -> {
                String fixture = labelled.contains(name)
                        ? "instance-clone-runnable-labelled"
                        : "instance-clone-runnable-unlabelled";
                return json(fixture, Map.of("HOST", "127.0.0.1", "\"orders-drill\"", "\"" + name + "\""));
            }
        }
    }

    private static Predicate<Recorded> call(String method, String path) {
        return r -> path.equals(r.path())
                && (method.equals(r.method()) || method.equals(r.header("x-http-method-override")));
    }

    private static Reply json(String fixture, Map<String, String> replace) {
        String body = FakeHttpServer.resource("cloudsql/" + fixture + ".json");
        for (var e : replace.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return Reply.of(200, "application/json", body);
    }

    private GcpBackupRuntime runtime() throws Exception {
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_BACKUP_POLICY_FILE", "src/test/resources/policies/gold-europe-west1.yaml");
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "gcp-drill-" + db.name() + ".json");
        Files.createDirectories(drill.getParent());
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", db.name()));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        return GcpBackupRuntime.fromEnv(
                new Env(env),
                clock,
                CloudSqlAdmin.create(http.uri() + "/", r -> r.getHeaders().setAuthorization("Bearer test")),
                db.server().port());
    }

    @Test
    void schedulerMessage_backsUpTheLabelledInstanceInThePublishTimesSlot() throws Exception {
        new SnapshotFunction(runtime()).accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")));

        Recorded insert =
                http.requests(call("POST", BASE + "/orders/backupRuns")).get(0);
        assertThat(JSON.readTree(insert.body()).get("description").asText())
                .startsWith("dbre-orders-20261123-2300 {")
                .contains("\"dbre:slot\":\"20261123-2300\"");
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and database_id = 'orders'"))
                .isEqualTo(1);
    }

    @Test
    void snapshotFunction_withoutAPolicyFile_isAConfigErrorNamingIt() throws Exception {
        GcpBackupRuntime runtime = runtime();
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        GcpBackupRuntime noPolicy =
                GcpBackupRuntime.fromEnv(new Env(env), clock, CloudSqlAdmin.create(http.uri() + "/", r -> {}), 5432);

        assertThat(runtime).isNotNull();
        assertThatThrownBy(() -> new SnapshotFunction(noPolicy))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY_FILE"));
    }

    @Test
    void httpRestore_submitsThenAdvanceStartsTheClone() throws Exception {
        RestoreFunction function = new RestoreFunction(runtime());
        BufferedHttpResponse submitted = new BufferedHttpResponse();
        function.service(new HttpIngestFunctionTest.Request(GcpEvents.http("http-restore.json")), submitted);

        assertThat(submitted.status()).isEqualTo(202);
        String runId = JSON.readTree(submitted.body()).get("runId").asText();
        GcpEvents.HttpSample advance = GcpEvents.http("http-restore-advance.json");
        GcpEvents.HttpSample step = new GcpEvents.HttpSample(
                advance.method(),
                advance.headers(),
                new String(advance.body(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("3f1e2d3c-4b5a-4697-8877-66554433aa11", runId)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        BufferedHttpResponse stepped = new BufferedHttpResponse();
        function.service(new HttpIngestFunctionTest.Request(step, "/advance"), stepped);

        assertThat(stepped.status()).isEqualTo(200);
        JsonNode out = JSON.readTree(stepped.body());
        assertThat(out.get("state").asText()).isEqualTo("RESTORING");
        assertThat(out.get("done").asBoolean()).isFalse();
        JsonNode clone = JSON.readTree(
                http.requests(call("POST", BASE + "/orders/clone")).get(0).body());
        assertThat(clone.at("/cloneContext/destinationInstanceName").asText()).isEqualTo("orders-restore-4711");
        assertThat(clone.at("/cloneContext/pointInTime").asText()).isEqualTo("2026-11-23T12:30:00Z");
    }

    @Test
    void httpAdvance_ofAnUnknownRun_is404() throws Exception {
        BufferedHttpResponse out = new BufferedHttpResponse();
        new RestoreFunction(runtime())
                .service(
                        new HttpIngestFunctionTest.Request(GcpEvents.http("http-restore-advance.json"), "/advance"),
                        out);

        assertThat(out.status()).isEqualTo(404);
        assertThat(out.body()).contains("RUN_NOT_FOUND");
    }

    @Test
    void scheduledDrill_clonesVerifiesAndDeletes() throws Exception {
        DrillFunction drill = new DrillFunction(runtime());
        var event = GcpEvents.cloudEvent(GcpEvents.json("scheduler-drill-pubsub.json"));
        Drills.run(clock, tick -> drill.accept(event));

        assertThat(cloned).containsExactly("orders-drill-20261123");
        assertThat(labelled).containsExactly("orders-drill-20261123");
        assertThat(deleted).containsExactly("orders-drill-20261123");
        Drills.assertOneVerifiedDrillCleanedUp(db);
    }
}
