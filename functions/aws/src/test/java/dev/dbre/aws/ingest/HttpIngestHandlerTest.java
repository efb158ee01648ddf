package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sends the events/aws/apigw-http-v2-*.json files through the handler into a real embedded PostgreSQL. */
class HttpIngestHandlerTest {
    /** A few minutes after the sample events were sent (their arrival and |T, 2023-11-14 22:13Z): older is TOO_OLD. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2023-11-14T22:20:00Z"), ZoneOffset.UTC);

    static final ObjectMapper JSON = new ObjectMapper();

    private final RecordingMetrics metrics = new RecordingMetrics();

    private HttpIngestHandler handler(TestDatabase db, HttpIngestLimits limits) {
        return new HttpIngestHandler(
                new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK), metrics, CLOCK, limits);
    }

    private HttpIngestHandler handler(TestDatabase db) {
        return handler(db, HttpIngestLimits.DEFAULTS);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse r) throws Exception {
        assertThat(r.getHeaders()).containsEntry("Content-Type", "application/json");
        return JSON.readTree(r.getBody());
    }

    @Test
    void textBody_202WithCounts_badLineKeptWithItsReason() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);

        APIGatewayV2HTTPResponse r = handler(db)
                .handleRequest(LambdaEvents.http("apigw-http-v2-text.json"), LambdaEvents.context("req-text"));

        assertThat(r.getStatusCode()).isEqualTo(202);
        JsonNode b = body(r);
        assertThat(b.get("rejected").asLong()).isEqualTo(1);
        assertThat(b.get("duplicate").asBoolean()).isFalse();
        assertThat(b.get("batchId").asLong()).isPositive();
        // "api.latency:23:25:19|ms|@0.5" is one line with three values: three rows.
        assertThat(rows.list("select name, value from metric_points order by name, idx"))
                .containsExactly("api.latency|23", "api.latency|25", "api.latency|19", "api.requests|1");
        assertThat(b.get("stored").asLong()).isEqualTo(rows.count("metric_points"));
        assertThat(rows.list("select source, shard, sequence, line, reason from ingest_rejects_by_source"))
                .containsExactly("http:POST /ingest||2f6c1e9a-text-0001|3|BAD_VALUE");
        // No timestamp on the lines: the time the function received the request.
        assertThat(rows.list("select distinct extract(epoch from ts)::bigint from metric_points"))
                .containsExactly(Long.toString(CLOCK.instant().getEpochSecond()));
        assertThat(metrics.dimensions).containsExactly(Map.of("function", "ingest"));
        assertThat(metrics.last(MetricNames.INGEST_LINES_REJECTED)).isEqualTo(1);
    }

    @Test
    void jsonBody_202_everyObjectStoredWithItsTags() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);

        APIGatewayV2HTTPResponse r = handler(db)
                .handleRequest(LambdaEvents.http("apigw-http-v2-json.json"), LambdaEvents.context("req-json"));

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(body(r).get("stored").asLong()).isEqualTo(2);
        assertThat(body(r).get("rejected").asLong()).isZero();
        assertThat(rows.list("select name, value, array_to_string(tags, ',') from metric_points order by name"))
                .containsExactly("rds.connections|87|db:orders", "rds.replica_lag_ms|120|db:orders,role:replica");
        assertThat(rows.count("ingest_rejects")).isZero();
    }

    @Test
    void gzipBase64Body_isDecompressedAndStored() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);

        APIGatewayV2HTTPResponse r = handler(db)
                .handleRequest(LambdaEvents.http("apigw-http-v2-gzip.json"), LambdaEvents.context("req-gzip"));

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(body(r).get("stored").asLong()).isEqualTo(4);
        assertThat(rows.list("select name from metric_points order by name"))
                .containsExactly("gz.latency", "gz.queue", "gz.requests");
        assertThat(rows.list("select name, status, host, message from service_checks"))
                .containsExactly("gz.db.up|0|db1|ok");
    }

    @Test
    void allLinesBad_400NamesTheFirstBadLine_andKeepsEveryLine() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);

        APIGatewayV2HTTPResponse r = handler(db)
                .handleRequest(LambdaEvents.http("apigw-http-v2-all-bad.json"), LambdaEvents.context("req-bad"));

        assertThat(r.getStatusCode()).isEqualTo(400);
        JsonNode b = body(r);
        assertThat(b.get("error").asText()).isEqualTo("no line could be parsed");
        assertThat(b.get("line").asInt()).isEqualTo(1);
        assertThat(b.get("reason").asText()).isEqualTo("UNKNOWN_TYPE");
        assertThat(rows.list("select line, reason from ingest_rejects order by line"))
                .containsExactly("1|UNKNOWN_TYPE", "2|EMPTY_NAME", "3|BAD_VALUE");
        // Without an Idempotency-Key the API Gateway request id is the key.
        assertThat(rows.list("select sequence from ingest_records")).containsExactly("Jn5dNjXyoAMEVtQ=");
        assertThat(rows.count("metric_points")).isZero();
    }

    @Test
    void retriedRequestWithTheSameIdempotencyKey_isADuplicate_storesNothingTwice() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        HttpIngestHandler handler = handler(db);
        handler.handleRequest(LambdaEvents.http("apigw-http-v2-text.json"), LambdaEvents.context("req-1"));
        long points = rows.count("metric_points");
        APIGatewayV2HTTPEvent retry = LambdaEvents.http("apigw-http-v2-text.json");
        retry.getRequestContext().setRequestId("a-new-request-id-for-the-retry");

        APIGatewayV2HTTPResponse r = handler.handleRequest(retry, LambdaEvents.context("req-2"));

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(body(r).get("duplicate").asBoolean()).isTrue();
        assertThat(body(r).get("stored").asLong()).isZero();
        assertThat(rows.count("metric_points")).isEqualTo(points).isEqualTo(4);
        assertThat(rows.count("ingest_rejects")).isEqualTo(1);
    }

    @Test
    void reusedIdempotencyKeyWithAnotherBody_is409NamingTheKey_storesNothing() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        HttpIngestHandler handler = handler(db);
        handler.handleRequest(LambdaEvents.http("apigw-http-v2-text.json"), LambdaEvents.context("req-1"));
        long points = rows.count("metric_points");
        APIGatewayV2HTTPEvent reused = LambdaEvents.http("apigw-http-v2-text.json");
        reused.getRequestContext().setRequestId("another-request-same-key");
        reused.setBody("payments.failed:500|c\n");

        APIGatewayV2HTTPResponse r = handler.handleRequest(reused, LambdaEvents.context("req-2"));

        assertThat(r.getStatusCode()).isEqualTo(409);
        assertThat(body(r).get("key").asText()).isEqualTo("2f6c1e9a-text-0001");
        assertThat(rows.count("metric_points")).isEqualTo(points);
    }

    @Test
    void databaseDown_503WithRetryAfter() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        IngestService down = new IngestService(
                JdbcConnectionFactory.of("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "postgres", null),
                ParseLimits.DEFAULTS,
                CLOCK);

        APIGatewayV2HTTPResponse r = new HttpIngestHandler(down, metrics, CLOCK)
                .handleRequest(LambdaEvents.http("apigw-http-v2-json.json"), LambdaEvents.context("req-down"));

        assertThat(r.getStatusCode()).isEqualTo(503);
        assertThat(r.getHeaders()).containsEntry("Retry-After", "5");
        assertThat(body(r).get("detail").asText()).contains("send the same request again");
        assertThat(metrics.last(MetricNames.INGEST_RECORDS_FAILED)).isEqualTo(1);
    }

    @Test
    void bodyOverTheLimit_413_nothingStored() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();

        APIGatewayV2HTTPResponse r = handler(db, new HttpIngestLimits(32, 1 << 20))
                .handleRequest(LambdaEvents.http("apigw-http-v2-text.json"), LambdaEvents.context("req-big"));

        assertThat(r.getStatusCode()).isEqualTo(413);
        assertThat(body(r).get("detail").asText()).contains("limited to 32 bytes");
        assertThat(new Rows(db).count("ingest_records")).isZero();
    }

    @Test
    void gzipBodyInflatingOverTheLimit_413() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();

        APIGatewayV2HTTPResponse r = handler(db, new HttpIngestLimits(1 << 20, 40))
                .handleRequest(LambdaEvents.http("apigw-http-v2-gzip.json"), LambdaEvents.context("req-bomb"));

        assertThat(r.getStatusCode()).isEqualTo(413);
        assertThat(body(r).get("error").asText()).isEqualTo("decoded body too large");
        assertThat(body(r).get("detail").asText()).contains("40 bytes");
    }

    @Test
    void badBase64_400() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-gzip.json");
        event.setBody("not*base64!");

        APIGatewayV2HTTPResponse r = handler(db).handleRequest(event, LambdaEvents.context("req-b64"));

        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).isEqualTo("bad base64 body");
        assertThat(body(r).get("detail").asText()).contains("not base64");
    }

    @Test
    void corruptGzip_400() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-gzip.json");
        event.setBody(java.util.Base64.getEncoder().encodeToString("plainly not gzip".getBytes()));

        APIGatewayV2HTTPResponse r = handler(db).handleRequest(event, LambdaEvents.context("req-gz"));

        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).isEqualTo("bad gzip body");
    }

    @Test
    void headerNamesAreCaseInsensitive() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-gzip.json");
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Encoding", "GZIP");
        headers.put("CONTENT-TYPE", "text/plain");
        headers.put("Idempotency-KEY", "mixed-case-key");
        event.setHeaders(headers);

        APIGatewayV2HTTPResponse r = handler(db).handleRequest(event, LambdaEvents.context("req-case"));

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(rows.list("select sequence from ingest_records")).containsExactly("mixed-case-key");
    }

    @Test
    void base64BodyFarOverTheLimit_413BeforeDecoding() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-gzip.json");
        event.setBody(java.util.Base64.getEncoder().encodeToString(new byte[1000]));

        APIGatewayV2HTTPResponse r = handler(db, new HttpIngestLimits(500, 1 << 20))
                .handleRequest(event, LambdaEvents.context("req-b64-big"));

        assertThat(r.getStatusCode()).isEqualTo(413);
        assertThat(body(r).get("detail").asText()).contains("limited to 500 bytes");
    }

    @Test
    void notPost_405() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-text.json");
        event.getRequestContext().getHttp().setMethod("GET");

        APIGatewayV2HTTPResponse r = handler(db).handleRequest(event, LambdaEvents.context("req-get"));

        assertThat(r.getStatusCode()).isEqualTo(405);
        assertThat(r.getHeaders()).containsEntry("Allow", "POST");
    }

    @Test
    void emptyBody_400() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        APIGatewayV2HTTPEvent event = LambdaEvents.http("apigw-http-v2-text.json");
        event.setBody("");

        APIGatewayV2HTTPResponse r = handler(db).handleRequest(event, LambdaEvents.context("req-empty"));

        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(body(r).get("error").asText()).contains("empty body");
    }
}
