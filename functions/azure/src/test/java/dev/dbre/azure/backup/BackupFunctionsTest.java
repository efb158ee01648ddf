package dev.dbre.azure.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.dbre.azure.db.EntraTokenSupplier;
import dev.dbre.azure.ingest.TestRuntimes;
import dev.dbre.azure.restore.DrillFunction;
import dev.dbre.azure.restore.RestoreAdvanceFunction;
import dev.dbre.azure.restore.RestoreSubmitFunction;
import dev.dbre.azure.rotation.FakeKeyVault;
import dev.dbre.azure.rotation.KeyVaultSecretStore;
import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.azure.testing.SimpleHttpRequestMessage;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.SqlText;
import dev.dbre.embedded.LocalPostgres;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Sends events/azure/timer-*.json and http-restore*.json through the Azure backup functions, built
 * from app settings. ARM is the local fake; a "restored server" answers at the embedded PostgreSQL,
 * so a drill's verification really runs.
 */
class BackupFunctionsTest {
    /** The four functions over one runtime, as the host builds them in one process. */
    private record BackupFunctions(
            SnapshotFunction snapshots,
            RestoreSubmitFunction submits,
            RestoreAdvanceFunction advances,
            DrillFunction drills) {
        BackupFunctions(AzureBackupRuntime runtime) {
            this(
                    new SnapshotFunction(runtime),
                    new RestoreSubmitFunction(runtime),
                    new RestoreAdvanceFunction(runtime),
                    new DrillFunction(runtime));
        }

        void snapshot(String timerInfo, ExecutionContext context) {
            snapshots.snapshot(timerInfo, context);
        }

        HttpResponseMessage submit(HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
            return submits.submit(request, context);
        }

        HttpResponseMessage advance(HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
            return advances.advance(request, context);
        }

        void drill(String timerInfo, ExecutionContext context) {
            drills.drill(timerInfo, context);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUB = "00000000-1111-2222-3333-444444444444";
    private static final String RG =
            "/subscriptions/" + SUB + "/resourceGroups/dbre-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers";

    private final FakeHttpServer http = FakeHttpServer.start();
    private final Set<String> restoring = ConcurrentHashMap.newKeySet();
    /** The run id each restored server was created with (ARM keeps the tags of the PUT). */
    private final Map<String, String> runOf = new ConcurrentHashMap<>();

    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T23:00:05Z"));
    private TestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = Drills.ordersDatabase();
        http.always(get(RG), json("servers-list", Map.of()));
        http.always(get(RG + "/orders"), json("server-orders", Map.of()));
        http.always(get(RG + "/orders/backups"), json("backups-orders", Map.of()));
        http.always(
                r -> r.method().equals("PUT") && r.path().startsWith(RG + "/orders/backups/"),
                Reply.of(202, null, null));
        http.always(r -> r.path().startsWith(RG + "/orders-"), this::restoredServer);
        http.always(
                r -> r.method().equals("GET"),
                Reply.resource(404, "application/json", "flexibleserver/error-not-found.json"));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private Reply restoredServer(Recorded r) {
        String name = r.path().substring(RG.length() + 1);
        if (r.method().equals("PUT")) {
            restoring.add(name);
            try {
                runOf.put(
                        name,
                        JSON.readTree(r.body()).at("/tags/dbre:restore-run").asText());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Reply.resource(201, "application/json", "flexibleserver/server-drill-starting.json");
        }
        if (r.method().equals("DELETE")) {
            deleted.add(name);
            return Reply.of(204, null, null);
        }
        if (!restoring.contains(name) || deleted.contains(name)) {
            return Reply.resource(404, "application/json", "flexibleserver/error-not-found.json");
        }
        return json(
                "server-drill-ready",
                Map.of(
                        "orders-drill.postgres.database.azure.com",
                        "127.0.0.1",
                        "\"orders-drill\"",
                        "\"" + name + "\"",
                        "0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10",
                        runOf.get(name)));
    }

    private static java.util.function.Predicate<Recorded> get(String path) {
        return r -> r.method().equals("GET") && r.path().equals(path);
    }

    private static Reply json(String fixture, Map<String, String> replace) {
        String body = FakeHttpServer.resource("flexibleserver/" + fixture + ".json");
        for (var e : replace.entrySet()) {
            body = body.replace(e.getKey(), e.getValue());
        }
        return Reply.of(200, "application/json", body);
    }

    private Map<String, String> settings() throws Exception {
        return settings(db.name());
    }

    /** App settings whose drill verifies database {@code drillDatabase} on the "restored" server. */
    private Map<String, String> settings(String drillDatabase) throws Exception {
        Map<String, String> env =
                new java.util.HashMap<>(TestRuntimes.settings(db.server().port(), db.name()));
        env.put("DBRE_RESTORE_DB_AUTH", "none");
        env.put("AZURE_SUBSCRIPTION_ID", SUB);
        env.put("DBRE_AZURE_RESOURCE_GROUP", "dbre-prod");
        env.put("DBRE_BACKUP_POLICY_FILE", "src/test/resources/policies/gold-westeurope.yaml");
        env.put("DBRE_SNAPSHOT_RETRY_BASE_MS", "1");
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "azure-drill-" + drillDatabase + ".json");
        Files.createDirectories(drill.getParent());
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", drillDatabase));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        return env;
    }

    private BackupFunctions functions(Map<String, String> env) {
        return new BackupFunctions(AzureBackupRuntime.fromEnv(
                new Env(env),
                clock,
                ArmClients.manager(
                        ArmClients.testPipeline(), ArmClients.profile(http.uri().toString(), SUB)),
                db.server().port()));
    }

    private static String text(String file) throws Exception {
        return Files.readString(AzureEvents.eventsDir().resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void timer_takesAnOnDemandBackupOfTheTaggedServerForTheSlot() throws Exception {
        functions(settings()).snapshot(text("timer-snapshot.json"), new SimpleExecutionContext("t1", "snapshot-timer"));

        assertThat(http.requests(r -> r.method().equals("PUT")))
                .extracting(Recorded::path)
                .containsExactly(RG + "/orders/backups/dbre-orders-20261123-2300-gold");
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and database_id = 'orders'"))
                .isEqualTo(1);
    }

    @Test
    void timer_withoutAPolicyFile_failsNamingTheSetting() throws Exception {
        Map<String, String> env = settings();
        env.remove("DBRE_BACKUP_POLICY_FILE");

        assertThatThrownBy(() -> functions(env).snapshot("{}", new SimpleExecutionContext("t2", "snapshot-timer")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY"));
    }

    @Test
    void httpSubmit_202_thenAdvance_startsThePointInTimeRestore() throws Exception {
        BackupFunctions f = functions(settings());
        HttpResponseMessage submitted =
                f.submit(AzureEvents.http("http-restore.json"), new SimpleExecutionContext("h1", "restore-submit"));

        assertThat(submitted.getStatusCode()).isEqualTo(202);
        String runId = JSON.readTree((String) submitted.getBody()).get("runId").asText();
        SimpleHttpRequestMessage sample = AzureEvents.http("http-restore-advance.json");
        SimpleHttpRequestMessage step = new SimpleHttpRequestMessage(
                sample.getUri(),
                sample.getHttpMethod(),
                sample.getHeaders(),
                Optional.of(new String(sample.getBody().orElseThrow(), StandardCharsets.UTF_8)
                        .replace("3f1e2d3c-4b5a-4697-8877-66554433aa11", runId)
                        .getBytes(StandardCharsets.UTF_8)));
        HttpResponseMessage advanced = f.advance(step, new SimpleExecutionContext("h2", "restore-advance"));

        assertThat(advanced.getStatusCode()).isEqualTo(200);
        JsonNode out = JSON.readTree((String) advanced.getBody());
        assertThat(out.get("state").asText()).isEqualTo("RESTORING");
        assertThat(out.get("done").asBoolean()).isFalse();
        JsonNode put = JSON.readTree(
                http.requests(r -> r.method().equals("PUT") && r.path().endsWith("/orders-restore-4711"))
                        .get(0)
                        .body());
        assertThat(put.at("/properties/createMode").asText()).isEqualTo("PointInTimeRestore");
        assertThat(Instant.parse(put.at("/properties/pointInTimeUTC").asText()))
                .isEqualTo(Instant.parse("2026-11-23T12:30:00Z"));
    }

    @Test
    void httpSubmit_fromASnapshot_is422Unsupported_pointingToPointInTime_andNothingChanges() throws Exception {
        HttpResponseMessage r = functions(settings())
                .submit(
                        AzureEvents.http("http-restore-snapshot.json"),
                        new SimpleExecutionContext("h4", "restore-submit"));

        assertThat(r.getStatusCode()).isEqualTo(422);
        JsonNode out = JSON.readTree((String) r.getBody());
        assertThat(out.get("error").asText()).isEqualTo("UNSUPPORTED");
        assertThat(out.get("field").asText()).isEqualTo("snapshot");
        assertThat(out.get("message").asText()).contains("point-in-time restore");
        assertThat(http.requests(x -> !x.method().equals("GET"))).isEmpty();
    }

    @Test
    void httpAdvance_ofAnUnknownRun_is404() throws Exception {
        HttpResponseMessage r = functions(settings())
                .advance(
                        AzureEvents.http("http-restore-advance.json"),
                        new SimpleExecutionContext("h3", "restore-advance"));

        assertThat(r.getStatusCode()).isEqualTo(404);
        assertThat((String) r.getBody()).contains("RUN_NOT_FOUND");
    }

    @Test
    void drillTimer_restoresVerifiesAndDeletesTheServer() throws Exception {
        BackupFunctions f = functions(settings());
        String timer = text("timer-drill.json");
        Drills.run(clock, tick -> f.drill(timer, new SimpleExecutionContext("d" + tick, "restore-drill-timer")));

        assertThat(restoring).containsExactly("orders-drill-20261123");
        assertThat(deleted).containsExactly("orders-drill-20261123");
        Drills.assertOneVerifiedDrillCleanedUp(db);
    }

    @Test
    void restoreTimeoutWrong_failsAtColdStartNamingIt_notAtTheFirstRestore() throws Exception {
        Map<String, String> env = settings();
        env.put("DBRE_RESTORE_TIMEOUT", "forever");

        assertThatThrownBy(() -> functions(env))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_RESTORE_TIMEOUT"));
    }

    @Test
    void drillWithoutItsRequestFile_drillsThePolicysFleet() throws Exception {
        Map<String, String> env = settings();
        env.remove("DBRE_DRILL_REQUEST_FILE");
        BackupFunctions f = functions(env);

        f.snapshot(text("timer-snapshot.json"), new SimpleExecutionContext("t1", "snapshot-timer"));
        // The fleet mode: the snapshot's policy, read for the drill too (no ConfigException).
        f.drill(text("timer-drill.json"), new SimpleExecutionContext("d1", "restore-drill-timer"));
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold'"))
                .isEqualTo(1);
    }

    // ---- verification logins to the restored server: Entra token, Key Vault secret ------------

    /**
     * A database on the TLS, password-checking PostgreSQL standing in for the restored server: the
     * orders table the drill counts, readable by {@code role}.
     */
    private static String restoredOrders(String role) throws SQLException {
        String name =
                "restored_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        LocalPostgres server = TlsPostgres.server();
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("create database " + name);
        }
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(name), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("create table orders (id bigint primary key, placed_at timestamptz not null)");
            st.execute("insert into orders values (1, '2026-11-20'), (2, '2026-11-21'), (3, '2026-11-22')");
            st.execute("grant select on orders to " + SqlText.identifier(role));
        }
        return name;
    }

    /** Settings whose drill verifies {@code database} on the TLS server over verify-full, logging in as {@code login}. */
    private Map<String, String> restoredSettings(String database, Map<String, String> login) throws Exception {
        Map<String, String> env = settings(database);
        env.put("DBRE_RESTORE_DB_SSLMODE", "verify-full");
        env.put("DBRE_RESTORE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString());
        env.putAll(login);
        return env;
    }

    private BackupFunctions functions(
            Map<String, String> env, Supplier<TokenCredential> credential, Supplier<SecretStore> secrets) {
        return new BackupFunctions(AzureBackupRuntime.fromEnv(
                new Env(env),
                clock,
                new AzureBackupRuntime.Clients(
                        ArmClients.manager(
                                ArmClients.testPipeline(),
                                ArmClients.profile(http.uri().toString(), SUB)),
                        TlsPostgres.server().port(),
                        credential,
                        secrets,
                        location -> {
                            throw new java.io.IOException("no blobs in this test");
                        })));
    }

    private static Supplier<SecretStore> noVault() {
        return () -> {
            throw new AssertionError("Key Vault must not be used by this login");
        };
    }

    private void runDrill(BackupFunctions f) throws Exception {
        String timer = text("timer-drill.json");
        Drills.run(clock, tick -> f.drill(timer, new SimpleExecutionContext("d" + tick, "restore-drill-timer")));
    }

    @Test
    void drill_iam_logsInWithAnEntraTokenForThePostgresAudience() throws Exception {
        String token = "eyJ0eXAiOiJKV1Qi.entra-" + UUID.randomUUID();
        String role = TlsPostgres.newRole(token);
        List<String> scopes = new CopyOnWriteArrayList<>();
        TokenCredential entra = request -> {
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken(
                    token,
                    OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusHours(1)));
        };
        BackupFunctions f = functions(
                restoredSettings(
                        restoredOrders(role), Map.of("DBRE_RESTORE_DB_AUTH", "iam", "DBRE_RESTORE_DB_USER", role)),
                () -> entra,
                noVault());

        try (CapturedLogs logs = new CapturedLogs()) {
            runDrill(f);

            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains(token));
        }
        Drills.assertOneVerifiedDrillCleanedUp(db);
        assertThat(scopes).containsOnly(EntraTokenSupplier.SCOPE);
        assertThat(deleted).containsExactly("orders-drill-20261123");
    }

    @Test
    void drill_secret_passwordRotatedAfterTheTargetTime_stillVerifiesWithThePreviousVersion() throws Exception {
        String role = TlsPostgres.newRole("as-at-target-time");
        try (FakeKeyVault vault = new FakeKeyVault()) {
            KeyVaultSecretStore store = new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), clock);
            String v1 = vault.create("orders-login", secret(role, "as-at-target-time"), null);
            // Rotated after the target time: the source has the new password, the restored copy the old.
            store.putValue("orders-login", "rotation-2", secret(role, "rotated-later"), Set.of(SecretMetadata.PENDING));
            store.moveStage("orders-login", SecretMetadata.CURRENT, "rotation-2", v1);
            assertThat(store.valueByStage("orders-login", SecretMetadata.CURRENT))
                    .hasValueSatisfying(v -> assertThat(v).contains("rotated-later"));
            BackupFunctions f = functions(
                    restoredSettings(
                            restoredOrders(role),
                            Map.of(
                                    "DBRE_RESTORE_DB_AUTH", "secret",
                                    "DBRE_RESTORE_DB_SECRET_ID", "orders-login",
                                    "DBRE_KEY_VAULT_URL", vault.vaultUrl())),
                    () -> {
                        throw new AssertionError("no Entra token for a secret login");
                    },
                    () -> store);

            try (CapturedLogs logs = new CapturedLogs()) {
                runDrill(f);

                assertThat(logs.lines())
                        .anyMatch(l -> l.contains("trying the AWSPREVIOUS version of secret orders-login"))
                        .noneMatch(l -> l.contains("as-at-target-time") || l.contains("rotated-later"));
            }
        }
        Drills.assertOneVerifiedDrillCleanedUp(db);
    }

    @Test
    void drill_wrongPassword_failsNamingTheLoginFailure_withoutThePasswordInLogs() throws Exception {
        String role = TlsPostgres.newRole("the-real-one");
        try (FakeKeyVault vault = new FakeKeyVault()) {
            vault.create("orders-login", secret(role, "not-the-password"), null);
            BackupFunctions f = functions(
                    restoredSettings(
                            restoredOrders(role),
                            Map.of(
                                    "DBRE_RESTORE_DB_AUTH", "secret",
                                    "DBRE_RESTORE_DB_SECRET_ID", "orders-login",
                                    "DBRE_KEY_VAULT_URL", vault.vaultUrl())),
                    () -> {
                        throw new AssertionError("no Entra token for a secret login");
                    },
                    () -> new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), clock));

            try (CapturedLogs logs = new CapturedLogs()) {
                runDrill(f);

                assertThat(logs.lines())
                        .anyMatch(l -> l.contains("password authentication failed"))
                        .noneMatch(l -> l.contains("not-the-password") || l.contains("the-real-one"));
            }
        }
        assertThat(db.queryLong("select count(*) from restore_runs where drill and state = 'CLEANED_UP'"
                        + " and outcome = 'FAILED' and failure_reason like 'verification could not connect: %'"
                        + " and failure_reason like '%password authentication failed for user \"" + role + "\"%'"
                        + " and failure_reason not like '%not-the-password%'"))
                .isEqualTo(1);
        assertThat(deleted).containsExactly("orders-drill-20261123");
    }

    @Test
    void secretLogin_withoutTheVaultUrl_failsAtStartNamingIt() throws Exception {
        Map<String, String> env = settings();
        env.put("DBRE_RESTORE_DB_AUTH", "secret");
        env.put("DBRE_RESTORE_DB_SECRET_ID", "orders-login");
        env.put("DBRE_RESTORE_DB_SSLMODE", "require");

        assertThatThrownBy(() -> functions(env, () -> null, noVault()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_KEY_VAULT_URL"));
    }

    // ---- the policy from an Azure blob, read again at every tick --------------------------------

    private static final String POLICY_BLOB = "https://dbrepolicies.blob.core.windows.net/policies/orders.yaml";

    private static String policy(String name, String retention) {
        return "name: " + name + "\n"
                + "selection:\n  tag: {key: \"dbre:backup-policy\", value: gold}\n  regions: [westeurope]\n"
                + "schedule:\n  every: 1h\n"
                + "retention:\n" + retention;
    }

    /**
     * The fixture's backups (gold's one beside automatic, hand-made and another policy's ones) and
     * two completed backups of policy platinum, two days apart.
     */
    private static Reply twoPlatinumBackups() {
        String list = FakeHttpServer.resource("flexibleserver/backups-orders.json");
        JsonNode root;
        try {
            root = JSON.readTree(list);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        var values = (com.fasterxml.jackson.databind.node.ArrayNode) root.get("value");
        var newer = values.get(1).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) newer).put("name", "dbre-orders-20261122-2200-platinum");
        values.add(newer);
        var older = values.get(1).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) older).put("name", "dbre-orders-20261120-2200-platinum");
        ((com.fasterxml.jackson.databind.node.ObjectNode) older.get("properties"))
                .put("completedTime", "2026-11-20T22:03:10.1+00:00");
        values.add(older);
        return Reply.of(200, "application/json", root.toString());
    }

    private BackupFunctions blobPolicyFunctions(FakeHttpServer blobs) throws Exception {
        Map<String, String> env = settings();
        env.remove("DBRE_BACKUP_POLICY_FILE");
        env.put("DBRE_BACKUP_POLICY", POLICY_BLOB);
        return new BackupFunctions(AzureBackupRuntime.fromEnv(
                new Env(env),
                clock,
                new AzureBackupRuntime.Clients(
                        ArmClients.manager(
                                ArmClients.testPipeline(),
                                ArmClients.profile(http.uri().toString(), SUB)),
                        db.server().port(),
                        () -> {
                            throw new AssertionError("no Entra token in a snapshot run");
                        },
                        noVault(),
                        BlobPolicyReaderTest.reader(blobs))));
    }

    @Test
    void timer_blobPolicyEditedBetweenTicks_theNextTickRunsTheEditedPolicy() throws Exception {
        // Once-rules answer before setUp's: one listing per tick.
        http.once(get(RG + "/orders/backups"), twoPlatinumBackups());
        http.once(get(RG + "/orders/backups"), twoPlatinumBackups());
        http.always(
                r -> r.method().equals("DELETE") && r.path().startsWith(RG + "/orders/backups/"),
                Reply.of(202, null, null));
        AtomicReference<String> blob = new AtomicReference<>(policy("gold", "  daily: 7\n  keepAtLeast: 3\n"));
        try (FakeHttpServer blobs = FakeHttpServer.start()) {
            blobs.always(r -> r.method().equals("GET"), r -> BlobPolicyReaderTest.blob(blob.get()));
            BackupFunctions f = blobPolicyFunctions(blobs);

            f.snapshot("{}", new SimpleExecutionContext("t1", "snapshot-timer"));
            // Edited in storage: a new name (only backups named for it are its own) and a shorter
            // retention.
            blob.set(policy("platinum", "  daily: 1\n  keepAtLeast: 1\n"));
            clock.advance(Duration.ofHours(1));
            f.snapshot("{}", new SimpleExecutionContext("t2", "snapshot-timer"));

            assertThat(blobs.requests()).extracting(Recorded::path).containsOnly("/policies/orders.yaml");
        }
        assertThat(http.requests(r -> r.method().equals("PUT")))
                .extracting(Recorded::path)
                .containsExactly(
                        RG + "/orders/backups/dbre-orders-20261123-2300-gold",
                        RG + "/orders/backups/dbre-orders-20261124-0000-platinum");
        // Only the edited policy's shorter retention, under its new name, deletes its own older
        // backup; gold's backup, now another policy's, is left alone.
        assertThat(http.requests(r -> r.method().equals("DELETE")))
                .extracting(Recorded::path)
                .containsExactly(RG + "/orders/backups/dbre-orders-20261120-2200-platinum");
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'platinum'"))
                .isEqualTo(1);
    }

    @Test
    void timer_blobPolicyEditedToInvalid_isRefusedNamingTheField_andChangesNothing() throws Exception {
        AtomicReference<String> blob = new AtomicReference<>(policy("gold", "  daily: 7\n"));
        try (FakeHttpServer blobs = FakeHttpServer.start()) {
            blobs.always(r -> r.method().equals("GET"), r -> BlobPolicyReaderTest.blob(blob.get()));
            BackupFunctions f = blobPolicyFunctions(blobs);
            f.snapshot("{}", new SimpleExecutionContext("t1", "snapshot-timer"));
            http.clearRequests();
            long runs = db.queryLong("select count(*) from snapshot_runs");

            blob.set(policy("gold", "  daily: -2\n"));
            clock.advance(Duration.ofHours(1));
            assertThatThrownBy(() -> f.snapshot("{}", new SimpleExecutionContext("t2", "snapshot-timer")))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY");
                        assertThat(e.getMessage()).contains(POLICY_BLOB).contains("retention.daily");
                    });
            blob.set(policy("gold", "  daily: 7\n") + "copy:\n  region: northeurope\n");
            assertThatThrownBy(() -> f.snapshot("{}", new SimpleExecutionContext("t3", "snapshot-timer")))
                    .isInstanceOfSatisfying(
                            ConfigException.class,
                            e -> assertThat(e.getMessage())
                                    .contains("copy: ")
                                    .contains("geo-restore")
                                    .contains("nothing was changed"));

            assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
            assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(runs);
        }
    }

    @Test
    void timer_blobPolicyNotReadable_failsNamingTheLocation() throws Exception {
        try (FakeHttpServer blobs = FakeHttpServer.start()) {
            blobs.always(
                    r -> r.method().equals("GET"),
                    Reply.of(
                                    403,
                                    "application/xml",
                                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code>"
                                            + "<Message>This request is not authorized to perform this operation using this permission.</Message></Error>")
                            .withHeader("x-ms-error-code", "AuthorizationPermissionMismatch"));
            BackupFunctions f = blobPolicyFunctions(blobs);

            assertThatThrownBy(() -> f.snapshot("{}", new SimpleExecutionContext("t1", "snapshot-timer")))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.variable()).isEqualTo("DBRE_BACKUP_POLICY");
                        assertThat(e.getMessage()).contains(POLICY_BLOB).contains("Storage Blob Data Reader");
                    });
        }
        assertThat(http.requests(r -> !r.method().equals("GET"))).isEmpty();
    }

    private static String secret(String role, String password) {
        return "{\"username\":\"" + role + "\",\"password\":\"" + password + "\"}";
    }
}
