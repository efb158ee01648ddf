package dev.dbre.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.NoCredentials;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import com.google.cloud.storage.StorageOptions;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.backup.CloudSqlAdmin;
import dev.dbre.gcp.backup.GcsPolicyReader;
import dev.dbre.gcp.local.BufferedHttpResponse;
import dev.dbre.gcp.rotation.FakeSecretManager;
import dev.dbre.gcp.rotation.SecretManagerStore;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.testing.CapturedLogs;
import dev.dbre.testing.Drills;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
    /** The run id each clone was labelled with (Cloud SQL keeps the labels of the patch). */
    private final Map<String, String> runOf = new ConcurrentHashMap<>();

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
        // The clone operation every clone above answers with: done, without an error.
        http.always(
                call("GET", "/v1/projects/dbre-prod/operations/a1b2c3d4-e5f6-4a7b-8c9d-000000000001"),
                json("operation-clone-done", Map.of()));
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
                try {
                    runOf.put(
                            name,
                            JSON.readTree(r.body())
                                    .at("/settings/userLabels/dbre-restore-run")
                                    .asText());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
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
                return json(
                        fixture,
                        Map.of(
                                "HOST",
                                "127.0.0.1",
                                "\"orders-drill\"",
                                "\"" + name + "\"",
                                "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10",
                                runOf.getOrDefault(name, "")));
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
        return runtime(Map.of("DBRE_RESTORE_DB_AUTH", "none", "DBRE_RESTORE_DB_SSLMODE", "disable"), db, null);
    }

    /**
     * A runtime whose drills restore "into" {@code restored} (the clone's address is 127.0.0.1 at its
     * server's port), with {@code extra} variables and the Secret Manager store from {@code secrets}.
     */
    private GcpBackupRuntime runtime(
            Map<String, String> extra, TestDatabase restored, Supplier<? extends SecretStore> secrets)
            throws Exception {
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_BACKUP_POLICY_FILE", "src/test/resources/policies/gold-europe-west1.yaml");
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "gcp-drill-" + restored.name() + ".json");
        Files.createDirectories(drill.getParent());
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", restored.name()));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        env.putAll(extra);
        if (extra.containsKey("DBRE_BACKUP_POLICY")) {
            env.remove("DBRE_BACKUP_POLICY_FILE");
        }
        return GcpBackupRuntime.fromEnv(
                new Env(env),
                clock,
                CloudSqlAdmin.create(http.uri() + "/", r -> r.getHeaders().setAuthorization("Bearer test")),
                restored.server().port(),
                secrets == null ? () -> fail("no Secret Manager store expected") : secrets);
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
    void snapshotFunction_readsTheGcsPolicyAtEveryTick_editsTakeEffect_anInvalidEditChangesNothing() throws Exception {
        String gold = Files.readString(Path.of("src/test/resources/policies/gold-europe-west1.yaml"));
        AtomicReference<String> object = new AtomicReference<>(gold);
        try (FakeHttpServer gcs = FakeHttpServer.start()) {
            Predicate<Recorded> policyObject = r -> r.method().equals("GET")
                    && r.path().equals("/download/storage/v1/b/dbre-policies/o/backup%2Fgold.yaml")
                    && "media".equals(r.queryParams().get("alt"));
            gcs.always(policyObject, r -> Reply.of(200, "application/x-yaml", object.get()));
            SnapshotFunction function = new SnapshotFunction(
                    runtime(
                            Map.of(
                                    "DBRE_BACKUP_POLICY", "gs://dbre-policies/backup/gold.yaml",
                                    "DBRE_RESTORE_DB_AUTH", "none",
                                    "DBRE_RESTORE_DB_SSLMODE", "disable"),
                            db,
                            null),
                    new GcsPolicyReader(() -> StorageOptions.http()
                            .setHost(gcs.uri().toString())
                            .setProjectId("dbre-prod")
                            .setCredentials(NoCredentials.getInstance())
                            .build()
                            .getService()));

            function.accept(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")));
            // The policy is edited in the bucket: another name, the instance chosen by id.
            object.set(gold.replace("name: gold", "name: platinum")
                    .replace("tag: {key: \"dbre:backup-policy\", value: gold}", "databases: [orders]"));
            assertThat(object.get()).contains("name: platinum", "databases: [orders]");
            function.accept(GcpEvents.cloudEvent(scheduledAt("2026-11-24T00:00:00.117Z")));

            List<String> inserted = http.requests(call("POST", BASE + "/orders/backupRuns")).stream()
                    .map(r -> {
                        try {
                            return JSON.readTree(r.body()).get("description").asText();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
            assertThat(inserted).hasSize(2);
            assertThat(inserted.get(0)).startsWith("dbre-orders-20261123-2300 ").contains("\"dbre:policy\":\"gold\"");
            assertThat(inserted.get(1))
                    .startsWith("dbre-orders-20261124-0000 ")
                    .contains("\"dbre:policy\":\"platinum\"");

            // An edit that breaks the policy: the next tick fails naming the field, and changes nothing.
            object.set(gold.replace("hourly: 24", "hourly: many"));
            http.clearRequests();
            long runs = db.queryLong("select count(*) from snapshot_runs");
            var tick = GcpEvents.cloudEvent(scheduledAt("2026-11-24T01:00:00.093Z"));

            assertThatThrownBy(() -> function.accept(tick))
                    .isInstanceOfSatisfying(
                            ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"))
                    .hasMessageContaining("gs://dbre-policies/backup/gold.yaml")
                    .hasMessageContaining("retention.hourly");
            assertThat(http.requests()).as("no call to Cloud SQL").isEmpty();
            assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(runs);
            assertThat(gcs.requests(policyObject))
                    .as("read at start and at each of the 3 ticks")
                    .hasSize(4);
        }
    }

    @Test
    void snapshotFunction_policyWithShare_isRefusedBeforeAnyChange() throws Exception {
        Path policy = Files.createTempFile("gold-shared", ".yaml");
        Files.writeString(
                policy,
                Files.readString(Path.of("src/test/resources/policies/gold-europe-west1.yaml"))
                        + "share:\n  accounts: [dbre-dr]\n");
        SnapshotFunction function = new SnapshotFunction(runtime(
                Map.of(
                        "DBRE_BACKUP_POLICY", policy.toString(),
                        "DBRE_RESTORE_DB_AUTH", "none",
                        "DBRE_RESTORE_DB_SSLMODE", "disable"),
                db,
                null));
        var tick = GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json"));

        assertThatThrownBy(() -> function.accept(tick))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"))
                .hasMessageContaining("policy gold: share: Cloud SQL backups cannot be shared")
                .hasMessageContaining("nothing was changed");
        assertThat(http.requests()).as("no call to Cloud SQL").isEmpty();
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isZero();
    }

    private static JsonNode scheduledAt(String publishTime) throws Exception {
        JsonNode ce = GcpEvents.json("scheduler-snapshot-pubsub.json");
        ((ObjectNode) ce.path("data").path("message")).put("publishTime", publishTime);
        return ce;
    }

    @Test
    void snapshotFunction_withoutAPolicyFile_isAConfigErrorNamingIt() throws Exception {
        GcpBackupRuntime runtime = runtime();
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_RESTORE_DB_AUTH", "none");
        GcpBackupRuntime noPolicy =
                GcpBackupRuntime.fromEnv(new Env(env), clock, CloudSqlAdmin.create(http.uri() + "/", r -> {}), 5432);

        assertThat(runtime).isNotNull();
        assertThatThrownBy(() -> new SnapshotFunction(noPolicy))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"));
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
        // DBRE_RESTORE_DB_AUTH=none: runtime() fails the test should the secret store be built.
        DrillFunction drill = new DrillFunction(runtime());
        var event = GcpEvents.cloudEvent(GcpEvents.json("scheduler-drill-pubsub.json"));
        Drills.run(clock, tick -> drill.accept(event));

        assertThat(cloned).containsExactly("orders-drill-20261123");
        assertThat(labelled).containsExactly("orders-drill-20261123");
        assertThat(deleted).containsExactly("orders-drill-20261123");
        Drills.assertOneVerifiedDrillCleanedUp(db);
    }

    // ---- verification logins to the clone: the source's password from Secret Manager ---------

    private static final String SECRET = "projects/dbre-prod/secrets/orders-db";
    private static final String OLD_PASSWORD = "orders-pw-before-the-target";
    private static final String NEW_PASSWORD = "orders-pw-rotated-afterwards";

    /**
     * The "clone": a database on the PostgreSQL with TLS and real password checks, holding the drill's
     * orders table, readable by {@code role} (the source's login).
     */
    private static TestDatabase restoredOnTls(String role) throws Exception {
        String name =
                "orders_tls_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        new TestDatabase(TlsPostgres.server(), "postgres").execute("create database " + name);
        TestDatabase restored = new TestDatabase(TlsPostgres.server(), name);
        restored.execute("create table orders (id bigint primary key, placed_at timestamptz not null)");
        restored.execute("insert into orders values (1, '2026-11-20'), (2, '2026-11-21'), (3, '2026-11-22')");
        restored.execute("grant select on orders to " + role);
        return restored;
    }

    /** Straight to the clone's IP (no DBRE_CLOUD_SQL_INSTANCE), verify-full against its CA. */
    private static Map<String, String> secretLogin() {
        return Map.of(
                "DBRE_RESTORE_DB_AUTH",
                "secret",
                "DBRE_RESTORE_DB_SECRET_ID",
                SECRET,
                "DBRE_RESTORE_DB_SSLMODE",
                "verify-full",
                "DBRE_RESTORE_DB_SSLROOTCERT",
                TlsPostgres.rootCert().toString());
    }

    /** Runs the scheduled drill with the given secret store; returns how often the store was built. */
    private int drillWithSecret(TestDatabase restored, FakeSecretManager secrets, Instant now) throws Exception {
        AtomicInteger built = new AtomicInteger();
        try (SecretManagerServiceClient client = secrets.client()) {
            Supplier<SecretStore> store = () -> {
                built.incrementAndGet();
                return new SecretManagerStore(client, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
            };
            DrillFunction drill = new DrillFunction(runtime(secretLogin(), restored, store));
            var event = GcpEvents.cloudEvent(GcpEvents.json("scheduler-drill-pubsub.json"));
            Drills.run(clock, tick -> drill.accept(event));
        }
        return built.get();
    }

    private String drillFailure() throws Exception {
        try (Connection c = db.open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select outcome, failure_reason from restore_runs where drill")) {
            assertThat(rs.next()).as("a drill run").isTrue();
            assertThat(rs.getString(1)).isEqualTo("FAILED");
            return rs.getString(2);
        }
    }

    @Test
    void drill_verifiesWithTheSourcesPasswordFromSecretManager_overTls() throws Exception {
        String role = TlsPostgres.newRole(OLD_PASSWORD);
        TestDatabase restored = restoredOnTls(role);
        try (FakeSecretManager secrets = new FakeSecretManager()) {
            secrets.create(SECRET, TlsPostgres.secretJson(role, OLD_PASSWORD), false, clock.instant());

            int built = drillWithSecret(restored, secrets, clock.instant());

            Drills.assertOneVerifiedDrillCleanedUp(db);
            assertThat(deleted).containsExactly("orders-drill-20261123");
            assertThat(built)
                    .as("the store is built once, on the first secret login")
                    .isEqualTo(1);
            assertThat(secrets.requests()).anyMatch(r -> r.startsWith("GET /v1/" + SECRET + "/versions/1:access"));
        }
    }

    @Test
    void drill_passwordRotatedAfterTheTargetTime_stillVerifiesWithThePreviousVersion() throws Exception {
        String role = TlsPostgres.newRole(OLD_PASSWORD); // the clone holds the password of the target time
        TestDatabase restored = restoredOnTls(role);
        try (FakeSecretManager secrets = new FakeSecretManager();
                CapturedLogs logs = new CapturedLogs("io.zonky")) {
            Instant now = clock.instant();
            secrets.create(SECRET, TlsPostgres.secretJson(role, OLD_PASSWORD), false, now.minus(Duration.ofDays(2)));
            // The source's password was rotated since: CURRENT is the new one, PREVIOUS the one the clone has.
            try (SecretManagerServiceClient client = secrets.client()) {
                SecretManagerStore rotation =
                        new SecretManagerStore(client, Duration.ofHours(24), Clock.fixed(now, ZoneOffset.UTC));
                rotation.putValue(
                        SECRET,
                        "rotation-2",
                        TlsPostgres.secretJson(role, NEW_PASSWORD),
                        Set.of(SecretMetadata.PENDING));
                rotation.moveStage(SECRET, SecretMetadata.CURRENT, "rotation-2", "1");
            }
            assertThat(secrets.secret(SECRET).getVersionAliasesMap())
                    .containsEntry(SecretMetadata.CURRENT, 2L)
                    .containsEntry(SecretMetadata.PREVIOUS, 1L);

            drillWithSecret(restored, secrets, now);

            Drills.assertOneVerifiedDrillCleanedUp(db);
            assertThat(logs.lines()).anyMatch(l -> l.contains("trying the AWSPREVIOUS version of secret " + SECRET));
            assertThat(logs.lines()).noneMatch(l -> l.contains(OLD_PASSWORD) || l.contains(NEW_PASSWORD));
        }
    }

    @Test
    void drill_withAWrongPassword_failsNamingTheLogin_andLogsNoPassword() throws Exception {
        String role = TlsPostgres.newRole(OLD_PASSWORD);
        TestDatabase restored = restoredOnTls(role);
        String wrong = "not-the-orders-password-42";
        try (FakeSecretManager secrets = new FakeSecretManager();
                CapturedLogs logs = new CapturedLogs("io.zonky")) {
            secrets.create(SECRET, TlsPostgres.secretJson(role, wrong), false, clock.instant());

            drillWithSecret(restored, secrets, clock.instant());

            String reason = drillFailure();
            assertThat(reason)
                    .startsWith("verification could not connect:")
                    .contains("password authentication failed")
                    .contains(role)
                    .doesNotContain(wrong)
                    .doesNotContain(OLD_PASSWORD);
            assertThat(deleted).as("a failed drill still cleans up").containsExactly("orders-drill-20261123");
            assertThat(db.queryLong("select count(*) from restore_runs where drill and state = 'CLEANED_UP'"))
                    .isEqualTo(1);
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains(wrong) || l.contains(OLD_PASSWORD));
        }
    }
}
