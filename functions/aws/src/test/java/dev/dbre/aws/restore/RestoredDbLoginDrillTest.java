package dev.dbre.aws.restore;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.aws.backup.BackupEvents;
import dev.dbre.aws.backup.BackupWiring;
import dev.dbre.aws.backup.FakeRds;
import dev.dbre.aws.db.RdsIamTokenCache;
import dev.dbre.aws.rotation.FakeSecretsManager;
import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.SqlText;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.testing.CapturedLogs;
import dev.dbre.testing.Drills;
import dev.dbre.testing.FakeHttpServer.Recorded;
import dev.dbre.testing.FakeHttpServer.Reply;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The scheduled drill with DBRE_RESTORE_DB_AUTH=secret: RDS is the local fake, the "restored
 * instance" is the TLS embedded PostgreSQL that really checks passwords (verify-full), and the
 * source's login secret comes through the real SDK from the Secrets Manager fake on 127.0.0.1.
 */
class RestoredDbLoginDrillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FIXTURE_HOST = "orders-drill.abcdefghijkl.us-east-1.rds.amazonaws.com";
    private static final String SECRET_ID = "prod/orders/app";

    private final FakeRds rds = new FakeRds();
    private final Set<String> restored = ConcurrentHashMap.newKeySet();
    /** The run id each restored instance was tagged with (RDS keeps the tags of the restore). */
    private final Map<String, String> runOf = new java.util.concurrent.ConcurrentHashMap<>();

    private final Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T22:00:05Z"));
    private FakeSecretsManager secrets;
    private TestDatabase runs;
    private String role;
    private String restoredDb;

    @BeforeEach
    void setUp() throws Exception {
        secrets = new FakeSecretsManager();
        runs = PostgresExtension.newDatabase();
        role = TlsPostgres.newRole("right-password-7f3a");
        restoredDb = ordersDatabaseOnTlsServer(role);
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
        secrets.close();
    }

    /** The restored copy: a database on the TLS server holding the drill's orders, readable by {@code reader}. */
    private static String ordersDatabaseOnTlsServer(String reader) throws Exception {
        String name = "orders_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(TlsPostgres.server().jdbcUrl("postgres"), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        TestDatabase db = new TestDatabase(TlsPostgres.server(), name);
        db.execute("create table orders (id bigint primary key, placed_at timestamptz not null)");
        db.execute("insert into orders values (1, '2026-11-20'), (2, '2026-11-21'), (3, '2026-11-22')");
        db.execute("grant select on orders to " + SqlText.identifier(reader));
        return name;
    }

    /** A restored instance is "available" at the TLS server; others do not exist. */
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
                        "<Port>" + TlsPostgres.server().port() + "</Port>",
                        "<DBInstanceIdentifier>orders-drill</DBInstanceIdentifier>",
                        "<DBInstanceIdentifier>" + id + "</DBInstanceIdentifier>",
                        FakeRds.FIXTURE_RUN,
                        runOf.get(id)));
    }

    private Map<String, String> env() throws Exception {
        Map<String, String> env = BackupEvents.databaseEnv(runs);
        Path drill = Path.of(System.getProperty("java.io.tmpdir"), "orders-drill-" + restoredDb + ".json");
        Files.writeString(
                drill,
                Files.readString(Path.of("src/test/resources/drills/orders-drill.json"))
                        .replace("${DATABASE}", restoredDb));
        env.put("DBRE_DRILL_REQUEST_FILE", drill.toString());
        env.put("DBRE_RESTORE_DB_AUTH", "secret");
        env.put("DBRE_RESTORE_DB_SECRET_ID", SECRET_ID);
        env.put("DBRE_RESTORE_DB_SSLMODE", "verify-full");
        env.put("DBRE_RESTORE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString());
        env.put("DBRE_SECRETS_ENDPOINT", secrets.endpoint().toString());
        return env;
    }

    private List<JsonNode> runDrill(Map<String, String> env) throws Exception {
        BackupWiring c =
                BackupWiring.fromEnv(new Env(env), rds.clients, FakeRds.CREDENTIALS, (dims, values) -> {}, clock);
        RestoreDrillHandler drill = new RestoreDrillHandler(c);
        String event = BackupEvents.text("scheduler-drill.json");
        return Drills.tick(
                clock,
                tick -> JSON.readTree(
                        BackupEvents.invoke(drill::handleRequest, event, BackupEvents.context("d" + tick))));
    }

    private String secretJson(String password) {
        return TlsPostgres.secretJson(role, password);
    }

    /** What a finished rotation leaves: a new version AWSCURRENT, the one before it AWSPREVIOUS. */
    private void rotateTo(String password) {
        FakeSecretsManager.Secret s = secrets.secret(SECRET_ID);
        s.stages.values().forEach(labels -> labels.remove("AWSPREVIOUS"));
        s.stages.values().forEach(labels -> {
            if (labels.remove("AWSCURRENT")) {
                labels.add("AWSPREVIOUS");
            }
        });
        String version = UUID.randomUUID().toString();
        s.values.put(version, secretJson(password));
        s.stages.put(version, new java.util.LinkedHashSet<>(Set.of("AWSCURRENT")));
    }

    private String failureReason() throws Exception {
        try (Connection c = runs.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select failure_reason from restore_runs")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void drill_verifiesLoggingInWithTheSourceSecret_overVerifiedTls() throws Exception {
        secrets.create(SECRET_ID, secretJson("right-password-7f3a"), true);

        List<JsonNode> outs = runDrill(env());

        JsonNode last = outs.get(outs.size() - 1);
        assertThat(outs.stream().map(o -> o.get("state").asText()))
                .containsSubsequence("VERIFYING", "VERIFIED", "CLEANED_UP");
        assertThat(last.get("outcome").asText()).isEqualTo("VERIFIED");
        Drills.assertOneVerifiedDrillCleanedUp(runs);
        assertThat(rds.sent("DeleteDBInstance")).hasSize(1);
    }

    @Test
    void drill_whenThePasswordWasRotatedAfterTheTargetTime_logsInWithThePreviousVersion() throws Exception {
        // The restored copy holds the password of the target time; the secret has moved on since.
        secrets.create(SECRET_ID, secretJson("right-password-7f3a"), true);
        rotateTo("rotated-later-9c1e");

        List<JsonNode> outs = runDrill(env());

        assertThat(outs.get(outs.size() - 1).get("outcome").asText()).isEqualTo("VERIFIED");
        Drills.assertOneVerifiedDrillCleanedUp(runs);
    }

    @Test
    void drill_withAWrongPassword_endsFailedNamingTheLogin_andLogsNoPassword() throws Exception {
        secrets.create(SECRET_ID, secretJson("wrong-password-2b8d"), true);

        List<JsonNode> outs;
        try (CapturedLogs logs = new CapturedLogs()) {
            outs = runDrill(env());
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains("wrong-password-2b8d"));
        }

        JsonNode last = outs.get(outs.size() - 1);
        assertThat(last.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(last.get("state").asText()).isEqualTo("CLEANED_UP");
        String reason = failureReason();
        assertThat(reason)
                .contains("verification could not connect")
                .contains("password authentication failed")
                .contains(role)
                .doesNotContain("wrong-password-2b8d");
        assertThat(outs.toString()).doesNotContain("wrong-password-2b8d");
        // A drill cleans up after a failed verification too.
        assertThat(rds.sent("DeleteDBInstance")).hasSize(1);
    }

    @Test
    void drill_verifiesLoggingInWithAnRdsIamToken_signedAtTheFunctionsClock() throws Exception {
        Map<String, String> env = env();
        env.put("DBRE_RESTORE_DB_AUTH", "iam");
        env.put("DBRE_RESTORE_DB_USER", role);
        env.remove("DBRE_RESTORE_DB_SECRET_ID");
        BackupWiring c =
                BackupWiring.fromEnv(new Env(env), rds.clients, FakeRds.CREDENTIALS, (dims, values) -> {}, clock);
        RestoreDrillHandler drill = new RestoreDrillHandler(c);
        DbSettings endpoint = RestoredDbLogin.fromEnv(new Env(env), null)
                .settings("127.0.0.1", TlsPostgres.server().port(), restoredDb);

        // Fixed credentials and the tick's time make the token known in advance: it becomes the
        // role's password, as RDS would accept it for a role granted rds_iam.
        List<JsonNode> outs = Drills.tick(clock, tick -> {
            String token = RdsIamTokenCache.forRds(
                            endpoint,
                            Region.US_EAST_1,
                            FakeRds.CREDENTIALS,
                            Clock.fixed(clock.instant(), ZoneOffset.UTC))
                    .get();
            try (Connection admin =
                            DriverManager.getConnection(TlsPostgres.server().jdbcUrl("postgres"), "postgres", "");
                    Statement s = admin.createStatement()) {
                s.execute("alter role " + SqlText.identifier(role) + " password " + SqlText.literal(token));
            }
            return JSON.readTree(BackupEvents.invoke(
                    drill::handleRequest, BackupEvents.text("scheduler-drill.json"), BackupEvents.context("i" + tick)));
        });

        assertThat(outs.get(outs.size() - 1).get("outcome").asText()).isEqualTo("VERIFIED");
        Drills.assertOneVerifiedDrillCleanedUp(runs);
    }

    @Test
    void withoutSecretAuth_noSecretsManagerClientIsBuilt() throws Exception {
        Map<String, String> env = env();
        env.put("DBRE_RESTORE_DB_AUTH", "none");
        env.put("DBRE_RESTORE_DB_SSLMODE", "disable");
        // Building a Secrets Manager client from this fails (ConfigException naming the variable):
        // the drill only passes if none is built.
        env.put("DBRE_SECRETS_ENDPOINT", "ftp://not-an-endpoint");

        List<JsonNode> outs = runDrill(env);

        assertThat(outs.get(outs.size() - 1).get("outcome").asText()).isEqualTo("VERIFIED");
    }
}
