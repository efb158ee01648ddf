package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private static TestDatabase db;

    @BeforeAll
    static void database() {
        db = PostgresExtension.newDatabase();
    }

    private static Cli invoke(String... args) {
        List<String> all = new ArrayList<>(List.of("invoke"));
        all.addAll(List.of(args));
        all.addAll(List.of("--jdbc-url", db.jdbcUrl(), "--user", "postgres"));
        return Cli.run(
                Map.of(
                        Home.ENV_HOME,
                        Path.of("target", "invoke-test-home").toAbsolutePath().toString()),
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
        Cli r = invoke(f.cloud(), f.name(), event(f.cloud(), file));
        if (f.needs() != null) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(f.id() + " calls ").contains("scripts/dbre ");
            assertThat(r.out()).isEmpty();
            return;
        }
        assertThat(r.exitCode()).as(r.err() + r.out()).isZero();
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
            case "azure slo-report" ->
                assertThat(response.get("status").asText()).isEqualTo("Succeeded");
            case "gcp maintenance", "gcp slo-report" ->
                assertThat(response.get("status").asInt()).as(r.out()).isEqualTo(200);
            default -> throw new AssertionError("no check for " + f.id() + ": " + r.out());
        }
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
            assertThat(r.out()).contains(f.name()).contains(f.handler());
            for (String e : f.events()) {
                assertThat(r.out()).contains("events/" + f.cloud() + "/" + e);
            }
        }
        assertThat(r.out()).contains("aws:").contains("azure:").contains("gcp:");
    }
}
