package dev.dbre.gcp.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.invoker.runner.Invoker;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The functions run by the real Functions Framework (java-function-invoker), over HTTP, into the
 * embedded PostgreSQL: the same path a request takes on Cloud Run functions.
 *
 * <p>The invoker listens on every interface (it has no host option); the tests only ever connect
 * to 127.0.0.1. The database settings reach the functions as {@code DBRE_*} system properties (the
 * {@link GcpEnv} fallback), because the environment of a running JVM cannot be changed.
 */
class FunctionsFrameworkTest {
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static TestDatabase db;
    private static Map<String, String> settings;
    private static Invoker pubsub;
    private static Invoker http;
    private static int pubsubPort;
    private static int httpPort;

    @BeforeAll
    static void startFramework() throws Exception {
        db = PostgresExtension.newDatabase();
        settings = TestRuntimes.settings(db.server().port(), db.name());
        settings.forEach(System::setProperty);
        ClassLoader loader = FunctionsFrameworkTest.class.getClassLoader();
        pubsubPort = TestRuntimes.freePort();
        pubsub = new Invoker(pubsubPort, PubSubIngestFunction.class.getName(), "cloudevent", loader);
        pubsub.startTestServer();
        httpPort = TestRuntimes.freePort();
        http = new Invoker(httpPort, HttpIngestFunction.class.getName(), "http", loader);
        http.startTestServer();
    }

    @AfterAll
    static void stopFramework() throws Exception {
        if (pubsub != null) {
            pubsub.stopServer();
        }
        if (http != null) {
            http.stopServer();
        }
        settings.keySet().forEach(System::clearProperty);
    }

    private static HttpResponse<String> post(int port, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The samples' publish time (2026-11-23), and the |T of the gzip sample's gauge. */
    private static final String SAMPLE_PUBLISH_TIME = "2026-11-23T10:00:00.512Z";

    private static final String SAMPLE_GAUGE_TS = "1795428000";

    /**
     * The functions run at the wall clock here (the invoker makes them), so the samples are sent as
     * if published now: at their own time, days ago, their lines would be TOO_OLD.
     */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void structuredModeCloudEvent_returns200_andTheMessageIsStored() throws Exception {
        String text = GcpEvents.text("pubsub-cloudevent.json");
        assertThat(text).contains(SAMPLE_PUBLISH_TIME);
        byte[] body = text.replace(SAMPLE_PUBLISH_TIME, NOW.toString()).getBytes(UTF_8);

        HttpResponse<String> r = post(pubsubPort, Map.of("Content-Type", "application/cloudevents+json"), body);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(db.queryLong("select count(*) from ingest_records where sequence = '11863428911432541'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where sequence = '11863428911432541'"))
                .isEqualTo(1);
    }

    @Test
    void binaryModeCloudEvent_returns200_andTheMessageIsStored() throws Exception {
        ObjectNode ce = (ObjectNode) GcpEvents.json("pubsub-cloudevent.json");
        ObjectNode message = (ObjectNode) ce.get("data").get("message");
        message.put("messageId", "binary-mode-1");
        message.put("message_id", "binary-mode-1");
        message.put("publishTime", NOW.toString());
        message.put("publish_time", NOW.toString());

        HttpResponse<String> r = post(
                pubsubPort,
                Map.of(
                        "ce-specversion",
                        "1.0",
                        "ce-id",
                        "binary-mode-1",
                        "ce-source",
                        ce.get("source").asText(),
                        "ce-type",
                        ce.get("type").asText(),
                        "ce-time",
                        NOW.toString(),
                        "Content-Type",
                        "application/json"),
                GcpEvents.JSON.writeValueAsBytes(ce.get("data")));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(db.queryLong("select count(*) from ingest_records where sequence = 'binary-mode-1'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points p join ingest_records r on r.id = p.record_id"
                        + " where r.sequence = 'binary-mode-1'"))
                .isEqualTo(2);
    }

    @Test
    void httpPost_returns202WithCounts_andRowsAppear() throws Exception {
        GcpEvents.HttpSample sample = GcpEvents.http("http-text.json");

        HttpResponse<String> r = post(httpPort, sample.headers(), sample.body());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = GcpEvents.JSON.readTree(r.body());
        assertThat(body.get("stored").asLong()).isEqualTo(2);
        assertThat(body.get("rejected").asLong()).isEqualTo(1);
        assertThat(
                        db.queryLong(
                                "select count(*) from ingest_records where source = 'http:ingest' and sequence = 'agent-0c9d-000311'"))
                .isEqualTo(1);
    }

    @Test
    void gzipJsonPost_isDecoded_andKeyedByTheExecutionId() throws Exception {
        GcpEvents.HttpSample sample = GcpEvents.http("http-json-gzip.json");
        String json = new String(new GZIPInputStream(new ByteArrayInputStream(sample.body())).readAllBytes(), UTF_8);
        assertThat(json).contains(SAMPLE_GAUGE_TS);
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(json.replace(SAMPLE_GAUGE_TS, String.valueOf(NOW.getEpochSecond()))
                    .getBytes(UTF_8));
        }

        HttpResponse<String> r = post(httpPort, sample.headers(), gzipped.toByteArray());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(GcpEvents.JSON.readTree(r.body()).get("stored").asLong()).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_records where sequence = 'c3m7r0t2w5'"))
                .isEqualTo(1);
    }

    @Test
    void httpGet_returns405() throws Exception {
        HttpResponse<String> r = CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }
}
