package dev.dbre.gcp.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import dev.dbre.gcp.backup.CloudSqlFunctionsFixture;
import dev.dbre.gcp.rotation.FakeSecretManager;
import dev.dbre.gcp.rotation.SecretManagerStore;
import dev.dbre.gcp.testing.BufferedHttpResponse;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.SampleRequest;
import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.testing.CapturedLogs;
import dev.dbre.testing.Drills;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Sends events/gcp/http-restore*.json and scheduler-drill-pubsub.json through the restore and drill
 * functions, built from environment variables, against the Cloud SQL fake; the drill verifies on the
 * embedded PostgreSQL.
 */
class RestoreFunctionsTest extends CloudSqlFunctionsFixture {
    @Test
    void httpRestore_submitsThenAdvanceStartsTheClone() throws Exception {
        RestoreFunction function = new RestoreFunction(runtime());
        BufferedHttpResponse submitted = new BufferedHttpResponse();
        function.service(new SampleRequest(GcpEvents.http("http-restore.json")), submitted);

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
        function.service(new SampleRequest(step, "/advance"), stepped);

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
    void httpRestoreFromASnapshot_picksTheNewestCompletedBackupRunOfThePolicy_andAdvanceCreatesTheInstance()
            throws Exception {
        http.always(call("POST", BASE), json("operation-create", Map.of()));
        RestoreFunction function = new RestoreFunction(runtime());
        BufferedHttpResponse submitted = new BufferedHttpResponse();
        function.service(new SampleRequest(GcpEvents.http("http-restore-snapshot.json")), submitted);

        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        JsonNode run = JSON.readTree(submitted.body());
        // Every run of the fixture completed: the newest of gold is the last slot's.
        assertThat(run.at("/snapshot/id").asText()).isEqualTo("dbre-orders-20261123-2200");
        GcpEvents.HttpSample advance = GcpEvents.http("http-restore-advance.json");
        GcpEvents.HttpSample step = new GcpEvents.HttpSample(
                advance.method(),
                advance.headers(),
                new String(advance.body(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace(
                                "3f1e2d3c-4b5a-4697-8877-66554433aa11",
                                run.get("runId").asText())
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        BufferedHttpResponse stepped = new BufferedHttpResponse();
        function.service(new SampleRequest(step, "/advance"), stepped);

        assertThat(JSON.readTree(stepped.body()).get("state").asText()).isEqualTo("RESTORING");
        JsonNode created =
                JSON.readTree(http.requests(call("POST", BASE)).get(0).body());
        assertThat(created.get("name").asText()).isEqualTo("orders-from-gold");
        assertThat(http.requests(call("POST", BASE + "/orders/clone"))).isEmpty();
    }

    @Test
    void httpAdvance_ofAnUnknownRun_is404() throws Exception {
        BufferedHttpResponse out = new BufferedHttpResponse();
        new RestoreFunction(runtime())
                .service(new SampleRequest(GcpEvents.http("http-restore-advance.json"), "/advance"), out);

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
