package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.local.rotation.LocalSecretStore;
import dev.dbre.port.SecretMetadata;
import dev.dbre.rotation.DbSecret;
import dev.dbre.rotation.ScramVerifier;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code dbre invoke}, in process, against one shared embedded PostgreSQL: every sample event of
 * {@code events/} through the function the registry gives it, each response checked, and the errors
 * a user meets (wrong cloud, function, shape, file).
 */
class InvokeCommandTest {
    static final Path EVENTS = Path.of("..", "..", "events").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    static final Path HOME = Path.of("target", "invoke-test-home").toAbsolutePath();
    /** Where invoke keeps its stand-ins: the local source, its backups and restores, the secrets. */
    static final Path INVOKE_HOME = HOME.resolve(InvokeCommand.HOME_DIR);

    private static TestDatabase db;

    @BeforeAll
    static void database() throws Exception {
        db = PostgresExtension.newDatabase();
        // As invoke's own embedded server does: the rotated user must log in with its password.
        InvokeSecrets.requirePassword(db.server().dataDir(), db.connections());
        // A previous build's stand-ins: their restores' names would be taken by runs this database lacks.
        KeptPostgres.deleteTree(INVOKE_HOME);
    }

    private static Cli invoke(String... args) {
        List<String> all = new ArrayList<>(List.of("invoke"));
        all.addAll(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", "postgres"));
        return Cli.run(
                Map.of(Home.ENV_HOME, HOME.toString()),
                new ByteArrayInputStream(new byte[0]),
                all.toArray(String[]::new));
    }

    private static String event(String cloud, String file) {
        return EVENTS.resolve(cloud).resolve(file).toString();
    }

    @Test
    void everyFunction_hasSampleEventsOfItsShape_andEveryEventFileHasAFunction() throws IOException {
        Set<String> claimed = new TreeSet<>();
        for (InvokeFunctions.Function f : InvokeFunctions.all()) {
            assertThat(f.events()).as(f.id()).isNotEmpty();
            for (String e : f.events()) {
                Path file = EVENTS.resolve(f.cloud()).resolve(e);
                assertThat(file).as(f.id()).isRegularFile();
                assertThat(f.shape().matches(JSON.readTree(file.toFile())))
                        .as(f.id() + ": " + e + " is " + f.shape().description)
                        .isTrue();
                claimed.add(f.cloud() + "/" + e);
            }
        }
        Set<String> files = new TreeSet<>();
        for (String cloud : InvokeFunctions.CLOUDS) {
            try (Stream<Path> s = Files.list(EVENTS.resolve(cloud))) {
                s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".json"))
                        .forEach(n -> files.add(cloud + "/" + n));
            }
        }
        assertThat(claimed).isEqualTo(files);
    }

    @Test
    void everyEventShapesSampleIsInThatShape() throws IOException {
        for (EventShape s : EventShape.values()) {
            JsonNode doc =
                    JSON.readTree(EVENTS.resolve(s.cloud).resolve(s.sample).toFile());
            assertThat(s.matches(doc)).as(s + " " + s.sample).isTrue();
        }
    }

    /** Every event file through {@code invoke}: the response the platform would get, and what it stored. */
    @TestFactory
    Stream<DynamicTest> everyEventFile_throughInvoke_answersAsItsPlatformWould() {
        List<DynamicTest> tests = new ArrayList<>();
        for (InvokeFunctions.Function f : InvokeFunctions.all()) {
            for (String e : f.events()) {
                tests.add(DynamicTest.dynamicTest(f.id() + " " + e, () -> check(f, e)));
            }
        }
        return tests.stream();
    }

    private static void check(InvokeFunctions.Function f, String file) throws Exception {
        long recordsBefore = db.queryLong("select count(*) from ingest_records");
        long snapshotRunsBefore = db.queryLong("select count(*) from snapshot_runs");
        long outOfTimeBefore = outOfTimeRejects();
        Cli r = invoke(f.cloud(), f.name(), event(f.cloud(), file));
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
        // Run at its delivery time, no line of a sample is TOO_OLD or TOO_NEW; but an HTTP request
        // carries no time, and the gzip samples' gauge is timed 2026-11-23: at now it is TOO_OLD.
        assertThat(outOfTimeRejects() - outOfTimeBefore)
                .as(r.err())
                .isEqualTo(file.equals("http-json-gzip.json") ? 1 : 0);
        JsonNode response = JSON.readTree(r.out());
        long stored = db.queryLong("select count(*) from ingest_records") - recordsBefore;
        switch (f.cloud() + " " + f.name()) {
            case "aws ingest-kinesis" -> {
                assertThat(response.get("batchItemFailures")).isEmpty();
                assertThat(stored).isEqualTo(6);
            }
            case "aws ingest-http" -> {
                int expected = file.contains("all-bad") ? 400 : 202;
                assertThat(response.get("statusCode").asInt()).as(r.out()).isEqualTo(expected);
                assertThat(stored).isEqualTo(1);
            }
            case "azure ingest-eventhubs" -> {
                assertThat(response.get("status").asText()).isEqualTo("Succeeded");
                assertThat(stored).isPositive();
            }
            case "azure ingest-http", "gcp ingest-http" -> {
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(202);
                assertThat(JSON.readTree(response.get("body").asText())
                                .get("stored")
                                .asLong())
                        .isPositive();
                assertThat(stored).isEqualTo(1);
            }
            case "gcp ingest-pubsub" -> {
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
                assertThat(stored).isEqualTo(1);
            }
            case "aws maintenance" ->
                assertThat(response.path("resolutions").has("1m")).as(r.out()).isTrue();
            case "azure maintenance" -> {
                assertThat(response.get("status").asText()).isEqualTo("Succeeded");
                assertThat(response.get("report").get("complete").asBoolean())
                        .as(r.out())
                        .isTrue();
            }
            case "aws migrate" -> assertThat(response.get("applied").asInt()).isZero();
            case "aws slo-report" -> {
                assertThat(response.get("at").asText()).isEqualTo("2026-03-01T00:00:00Z");
                assertThat(response.get("slos")).isNotEmpty();
            }
            case "aws snapshot" -> checkSnapshot(file, response, r, snapshotRunsBefore);
            case "aws restore-submit" ->
                checkRestoreSubmit(
                        file,
                        response.get("statusCode").asInt(),
                        JSON.readTree(response.get("body").asText()),
                        r);
            case "aws restore-step" -> {
                // The sample's placeholder run id stands for the newest run: the snapshot restore, done.
                assertThat(r.err()).contains("-> the newest restore run");
                assertThat(response.get("done").asBoolean()).as(r.out()).isTrue();
                assertThat(response.get("outcome").asText()).isEqualTo("VERIFIED");
            }
            case "aws restore-drill" -> {
                assertThat(response.get("drill").asBoolean()).as(r.out()).isTrue();
                assertThat(response.get("outcome").asText()).as(r.out()).isEqualTo("VERIFIED");
                assertThat(response.get("state").asText()).isEqualTo("CLEANED_UP");
                assertThat(db.queryLong("select count(*) from restore_runs where run_id = '"
                                + response.get("runId").asText()
                                + "' and source_id = 'orders' and state = 'CLEANED_UP'"))
                        .isOne();
                assertThat(INVOKE_HOME
                                .resolve("backup/restores")
                                .resolve(response.get("newName").asText()))
                        .doesNotExist();
            }
            case "aws restore-fleet-drill" -> {
                assertThat(response.get("policy").asText()).as(r.out()).isEqualTo("gold");
                assertThat(response.get("failures")).isEmpty();
                assertThat(db.queryLong("select count(*) from drill_runs d join restore_runs r using (run_id)"
                                + " where d.policy = 'gold' and d.database_id = 'orders' and r.outcome = 'VERIFIED'"
                                + " and r.state = 'CLEANED_UP'"))
                        .isOne();
            }
            case "aws rotation" -> checkRotationStep(file, response, r);
            case "azure snapshot-timer" -> {
                assertThat(response.get("status").asText()).as(r.out()).isEqualTo("Succeeded");
                assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and failures = 0"))
                        .isGreaterThan(snapshotRunsBefore);
            }
            case "azure restore-submit" ->
                checkRestoreSubmit(
                        file,
                        response.get("status").asInt(),
                        JSON.readTree(response.get("body").asText()),
                        r);
            case "azure restore-advance" -> {
                JsonNode body = JSON.readTree(response.get("body").asText());
                assertThat(body.get("done").asBoolean()).as(r.out()).isTrue();
                assertThat(body.get("outcome").asText()).isEqualTo("VERIFIED");
            }
            case "azure restore-drill-timer" -> {
                assertThat(response.get("status").asText()).as(r.out()).isEqualTo("Succeeded");
                assertThat(r.err()).contains("the drill timer's ticks");
                assertThat(
                                db.queryLong(
                                        "select count(*) from restore_runs where drill and source_id = 'orders'"
                                                + " and new_name like 'orders-drill-%' and outcome = 'VERIFIED' and state = 'CLEANED_UP'"))
                        .isOne();
            }
            case "azure rotate-keyvault" -> {
                assertThat(response.get("status").asText()).as(r.out()).isEqualTo("Succeeded");
                assertThat(db.queryLong("select count(*) from rotation_runs where cloud = 'azure' and secret_id ="
                                + " 'app-db' and outcome = 'COMPLETED'"))
                        .isEqualTo(4);
                assertRotated("app-db", null);
            }
            case "azure slo-report" ->
                assertThat(response.get("status").asText()).isEqualTo("Succeeded");
            case "gcp snapshot" -> {
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
                // The message's publishTime is the slot: 2026-11-23T23:00Z, the AWS sample's too.
                assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and failures = 0"
                                + " and slot_start = '2026-11-23T23:00:00Z'"))
                        .isGreaterThan(0);
                assertThat(db.queryLong("select count(*) from snapshot_runs")).isGreaterThan(snapshotRunsBefore);
            }
            case "gcp restore" -> {
                JsonNode body = JSON.readTree(response.get("body").asText());
                if (file.endsWith("-advance.json")) {
                    assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
                    assertThat(body.get("done").asBoolean()).isTrue();
                } else {
                    checkRestoreSubmit(file, response.get("status").asInt(), body, r);
                }
            }
            case "gcp drill" -> {
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
                assertThat(r.err()).contains("the drill schedule's messages");
                assertThat(
                                db.queryLong(
                                        "select count(*) from restore_runs where drill and source_id = 'orders'"
                                                + " and new_name like 'orders-drill-%' and outcome = 'VERIFIED' and state = 'CLEANED_UP'"))
                        .isOne();
            }
            case "gcp rotate-secret-manager" -> {
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
                String id = "projects/dbre-prod/secrets/app-db";
                assertThat(db.queryLong("select count(*) from rotation_runs where cloud = 'gcp' and secret_id = '" + id
                                + "' and outcome = 'COMPLETED'"))
                        .isEqualTo(4);
                assertRotated(id, null);
            }
            case "gcp maintenance", "gcp slo-report" ->
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
            default -> throw new AssertionError("no check for " + f.id() + ": " + r.out());
        }
    }

    private static void checkSnapshot(String file, JsonNode response, Cli r, long runsBefore) throws Exception {
        assertThat(r.err()).contains("-> local database orders");
        assertThat(response.get("policy").asText()).as(r.out()).isEqualTo("gold");
        assertThat(response.get("failed").asInt()).isZero();
        if (file.contains("dry-run")) {
            assertThat(response.get("dryRun").asBoolean()).isTrue();
            assertThat(response.get("created").asInt()).isZero();
            assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(runsBefore);
        } else {
            // The slot of the event's scheduledTime, 2026-11-23T23:00Z: taken by this call or an earlier one.
            assertThat(db.queryLong("select count(*) from snapshot_runs where policy = 'gold' and database_id ="
                            + " 'orders' and failures = 0 and slot_start = '2026-11-23T23:00:00Z'"))
                    .isGreaterThan(runsBefore == 0 ? 0 : 1);
            assertThat(db.queryLong("select sum(created) from snapshot_runs where policy = 'gold' and"
                            + " slot_start = '2026-11-23T23:00:00Z'"))
                    .isOne();
            assertThat(INVOKE_HOME.resolve("backup/snapshots/local/dbre-orders-20261123-2300"))
                    .isDirectory();
        }
    }

    private static void checkRestoreSubmit(String file, int status, JsonNode body, Cli r) throws Exception {
        if (file.endsWith("-restore-snapshot.json")) {
            // The clouds' samples are one request (one requestId): the first submits, the others find it.
            assertThat(status).as(r.out()).isEqualTo(202);
            assertThat(body.get("snapshot").get("id").asText()).isEqualTo("dbre-orders-20261123-2300");
            assertThat(db.queryLong("select count(*) from restore_runs where new_name = 'orders-from-gold'"
                            + " and state = 'VERIFIED'"))
                    .isOne();
            assertThat(restoredOrders("orders-from-gold")).isEqualTo(InvokeBackup.ORDERS);
        } else {
            // The samples' times are the cloud's history: both lie before the stand-in's first backup.
            assertThat(status).as(r.out()).isEqualTo(422);
            assertThat(body.get("error").asText()).isEqualTo("TARGET_OUTSIDE_WINDOW");
            assertThat(r.err()).contains("the stand-in's restore window");
        }
    }

    /** The rows of {@code app.orders} in a restored cluster, started for the count. */
    private static long restoredOrders(String newName) throws Exception {
        try (LocalBackupProvider p =
                        new LocalBackupProvider(INVOKE_HOME.resolve("backup"), java.time.Duration.ofMinutes(1));
                Connection c = p.connect(newName, InvokeBackup.SAMPLE_DATABASE).open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void checkRotationStep(String file, JsonNode response, Cli r) throws Exception {
        assertThat(response.isNull()).as(r.out()).isTrue();
        assertThat(r.err()).contains("-> local secret arn:aws:secretsmanager:");
        String step = file.replace("secretsmanager-rotation-", "").replace(".json", "");
        assertThat(db.queryLong("select count(*) from rotation_runs where cloud = 'aws' and step = '" + step
                        + "' and outcome = 'COMPLETED' and token = '8a1e5b7c-3f2d-4c6e-9b0a-5d4f3e2c1b0a'"))
                .isOne();
        if (step.equals("finishSecret")) {
            assertRotated(
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/app-db-AbCdEf",
                    "8a1e5b7c-3f2d-4c6e-9b0a-5d4f3e2c1b0a");
        }
    }

    /** The secret's CURRENT version is {@code token} (when given), its password logs in, the previous one does not. */
    private static void assertRotated(String id, String token) throws Exception {
        LocalSecretStore store =
                new LocalSecretStore(InvokeSecrets.storeDir(INVOKE_HOME, db.jdbcUrl()), Clock.systemUTC());
        if (token != null) {
            assertThat(store.describe(id).versionStages().get(token)).contains(SecretMetadata.CURRENT);
        }
        String password = DbSecret.parse(
                        store.valueByStage(id, SecretMetadata.CURRENT).orElseThrow(), "CURRENT")
                .password();
        assertThat(scramMatches(password))
                .as("the role's verifier is the new password's")
                .isTrue();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), InvokeSecrets.APP_USER, password);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(InvokeSecrets.APP_USER);
        }
        String previous = DbSecret.parse(
                        store.valueByStage(id, SecretMetadata.PREVIOUS).orElseThrow(), "PREVIOUS")
                .password();
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), InvokeSecrets.APP_USER, previous))
                .isInstanceOf(java.sql.SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    /** Whether the role's SCRAM verifier was made from {@code password} (its own salt and iterations). */
    private static boolean scramMatches(String password) throws Exception {
        String verifier;
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select rolpassword from pg_authid where rolname = '" + InvokeSecrets.APP_USER + "'")) {
            rs.next();
            verifier = rs.getString(1);
        }
        // SCRAM-SHA-256$<iterations>:<salt>$<stored key>:<server key>
        String[] head = verifier.substring(verifier.indexOf('$') + 1, verifier.indexOf('$', 14))
                .split(":");
        byte[] salt = Base64.getDecoder().decode(head[1]);
        return ScramVerifier.of(password, salt, Integer.parseInt(head[0])).equals(verifier);
    }

    @Test
    void aRestoreToATimeInTheStandInsWindow_reallyRestoresIt_throughTheStepHandler() throws Exception {
        invoke("aws", "snapshot", event("aws", "scheduler-snapshot.json")); // a base backup: the window starts
        ObjectNode sample = (ObjectNode)
                JSON.readTree(EVENTS.resolve("aws/apigw-http-v2-restore.json").toFile());
        ObjectNode body = (ObjectNode) JSON.readTree(sample.get("body").asText());
        body.put("targetTime", Instant.now().toString());
        body.put("requestId", "change-pitr-test");
        body.put("newName", "orders-pitr-test");
        sample.put("body", body.toString());
        Path file = Files.createDirectories(Path.of("target", "invoke-test")).resolve("restore-in-window.json");
        Files.writeString(file, sample.toString());

        Cli r = invoke("aws", "restore-submit", file.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode response = JSON.readTree(r.out());
        assertThat(response.get("statusCode").asInt()).as(r.out()).isEqualTo(202);
        assertThat(r.err()).contains("RESTORING").contains("VERIFIED");
        assertThat(db.queryLong("select count(*) from restore_runs where new_name = 'orders-pitr-test'"
                        + " and state = 'VERIFIED' and target_time is not null"))
                .isOne();
        assertThat(restoredOrders("orders-pitr-test")).isEqualTo(InvokeBackup.ORDERS);
    }

    @Test
    void aCloudEventInStructuredMode_isTakenToo_andARedeliveryStoresNothingTwice() throws Exception {
        String file = event("gcp", "pubsub-cloudevent.json");
        invoke("gcp", "ingest-pubsub", file);
        long before = db.queryLong("select count(*) from ingest_records");

        Cli r = invoke("gcp", "ingest-pubsub", file, "--structured");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(JSON.readTree(r.out()).get("status").asInt()).isEqualTo(200);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(before);
    }

    private static long outOfTimeRejects() throws Exception {
        return db.queryLong("select count(*) from ingest_rejects where reason in ('TOO_OLD', 'TOO_NEW')");
    }

    @Test
    void anIngestEvent_runsAtItsDeliveryTime_andAtNowItsOldLinesAreTooOld() throws Exception {
        // The sample's four records arrived in 2023: at its delivery time they are stored.
        Cli replay = invoke("aws", "ingest-kinesis", event("aws", "kinesis-batch.json"));
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        assertThat(replay.err())
                .contains("the function runs at 2023-11-14T22:13:23.123Z, when the platform delivered the event");

        // A copy of it under new sequence numbers (or it would be a redelivery), run at the wall clock.
        String text = Files.readString(Path.of(event("aws", "kinesis-batch.json")));
        Path copy = HOME.resolve("kinesis-batch-at-now.json");
        Files.createDirectories(HOME);
        Files.writeString(copy, text.replace("\"sequenceNumber\": \"4959", "\"sequenceNumber\": \"5959"));
        assertThat(copy).content().isNotEqualTo(text);
        long before = outOfTimeRejects();
        Cli now = invoke("aws", "ingest-kinesis", copy.toString(), "--at", "now");
        assertThat(now.exitCode()).as(now.err()).isZero();
        assertThat(now.err()).doesNotContain("the function runs at");
        assertThat(outOfTimeRejects() - before).as(now.err()).isPositive();
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'TOO_OLD'"
                        + " and detail like 'timestamp 2023-11-14T%'"))
                .isPositive();
    }

    @Test
    void atAnInstant_runsTheFunctionThen_soAPointOfThatDayIsStored() throws Exception {
        // The gzip sample's gauge is timed 2026-11-23T10:00:00Z; a copy under a new execution id.
        ObjectNode sample = (ObjectNode)
                JSON.readTree(Path.of(event("gcp", "http-json-gzip.json")).toFile());
        ((ObjectNode) sample.get("headers")).put("Function-Execution-Id", "at-instant-1");
        Path copy = HOME.resolve("gcp-http-json-gzip-at.json");
        Files.createDirectories(HOME);
        JSON.writeValue(copy.toFile(), sample);
        long before = outOfTimeRejects();

        Cli r = invoke("gcp", "ingest-http", copy.toString(), "--at", "2026-11-23T10:05:00Z");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("the function runs at 2026-11-23T10:05:00Z, as --at asks");
        JsonNode body = JSON.readTree(JSON.readTree(r.out()).get("body").asText());
        assertThat(body.get("stored").asLong()).as(r.out()).isEqualTo(2);
        assertThat(outOfTimeRejects()).isEqualTo(before);
    }

    @Test
    void atThatIsNotATime_isAUsageError_namingWhatItTakes() {
        Cli r = invoke("aws", "ingest-kinesis", event("aws", "kinesis-batch.json"), "--at", "yesterday");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("--at 'yesterday': expected event, now or an ISO-8601 instant such as 2026-11-23T10:00:00Z");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aKinesisEventGivenToTheHttpFunction_isRefused_namingTheShapeExpected_andASample() {
        Cli r = invoke("aws", "ingest-http", event("aws", "kinesis-batch.json"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("is not an event aws ingest-http takes")
                .contains("API Gateway HTTP API request")
                .contains("events/aws/apigw-http-v2-text.json")
                .contains("it looks like a Kinesis event")
                .contains("which ingest-kinesis take");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anEventOfAnotherCloud_isRefused_namingTheCloudAndFunctionsThatTakeIt() {
        Cli r = invoke("azure", "ingest-http", event("aws", "kinesis-batch.json"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("expected an HTTP trigger request")
                .contains("events/azure/http-text.json")
                .contains("which aws ingest-kinesis take");
    }

    @Test
    void aWrongCloud_isAUsageError_namingTheClouds() {
        Cli r = invoke("oracle", "ingest-http", event("aws", "kinesis-batch.json"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown cloud 'oracle'").contains("aws, azure, gcp");
    }

    @Test
    void aWrongFunction_isAUsageError_listingTheCloudsFunctions() {
        Cli r = invoke("azure", "ingest-kinesis", event("aws", "kinesis-batch.json"));

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains("no function 'ingest-kinesis' on azure")
                .contains("ingest-eventhubs")
                .contains("slo-report");
    }

    @Test
    void aMissingOrNonJsonFile_isAUsageError_namingTheFileAndTheShape() throws IOException {
        Cli missing = invoke("aws", "ingest-kinesis", "no-such-event.json");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no event file no-such-event.json").contains("a Kinesis event");

        Path text = Files.createDirectories(Path.of("target", "invoke-test")).resolve("not-json.json");
        Files.writeString(text, "web.hits:1|c\n", StandardCharsets.UTF_8);
        Cli notJson = invoke("aws", "ingest-kinesis", text.toString());
        assertThat(notJson.exitCode()).isEqualTo(2);
        assertThat(notJson.err()).contains("is not JSON (line 1").contains("events/aws/kinesis-batch.json");
    }

    @Test
    void aSettingTheFunctionRefuses_isAUsageError_namingTheVariable() {
        Cli r = invoke("aws", "slo-report", event("aws", "scheduler-slo-report.json"), "--env", "DBRE_SLO_FORMATS=pdf");

        assertThat(r.exitCode()).as(r.out()).isEqualTo(2);
        assertThat(r.err()).contains("DBRE_SLO_FORMATS").contains("--env");
    }

    @Test
    void aDatabaseNotMigrated_isOneLineSayingSo() throws Exception {
        TestDatabase empty = PostgresExtension.newDatabase();
        empty.execute("drop table ingest_records cascade");
        Cli r = Cli.run(
                Map.of(),
                new ByteArrayInputStream(new byte[0]),
                "invoke",
                "aws",
                "ingest-kinesis",
                event("aws", "kinesis-batch.json"),
                "--jdbc-url",
                empty.jdbcUrl(),
                "--user",
                "postgres");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("has no table ingest_records").contains("dbre migrate");
    }

    @Test
    void list_namesEveryFunctionOfEveryCloud_itsHandler_andItsEvents() {
        Cli r = Cli.run("invoke", "--list");

        assertThat(r.exitCode()).isZero();
        for (InvokeFunctions.Function f : InvokeFunctions.all()) {
            assertThat(r.out()).contains(f.name()).contains(f.handler()).contains("runs here on: " + f.runsOn());
            for (String e : f.events()) {
                assertThat(r.out()).contains("events/" + f.cloud() + "/" + e);
            }
        }
        assertThat(r.out()).contains("aws:").contains("azure:").contains("gcp:");
    }
}
