package dev.dbre.azure.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.azure.testing.SimpleHttpRequestMessage;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sends the {@code events/azure/http-*.json} requests through the HTTP function into PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class HttpIngestFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase db;
    private HttpIngestFunction function;

    @BeforeEach
    void freshDatabase() {
        db = PostgresExtension.newDatabase();
        function = new HttpIngestFunction(TestRuntimes.forDatabase(db));
    }

    private HttpResponseMessage call(HttpIngestFunction f, SimpleHttpRequestMessage request, String invocationId) {
        return f.run(request, new SimpleExecutionContext(invocationId, HttpIngestFunction.NAME));
    }

    private static JsonNode body(HttpResponseMessage r) throws Exception {
        return JSON.readTree((String) r.getBody());
    }

    @Test
    void textSample_answers202WithCounts_andStoresPointsAndTheBadLine() throws Exception {
        HttpResponseMessage r = call(function, AzureEvents.http("http-text.json"), "inv-1");

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
        JsonNode b = body(r);
        assertThat(b.get("stored").asLong()).isEqualTo(2);
        assertThat(b.get("rejected").asLong()).isEqualTo(1);
        assertThat(b.get("duplicate").asBoolean()).isFalse();
        assertThat(b.get("batchId").asLong()).isPositive();
        assertThat(
                        db.queryLong(
                                "select count(*) from ingest_records where source = 'http:ingest' and sequence = 'agent-7f3c-000042'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects where line = 3 and reason = 'BAD_VALUE'"))
                .isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyAgain_answersDuplicate_andStoresNothingTwice() throws Exception {
        call(function, AzureEvents.http("http-text.json"), "inv-1");
        HttpResponseMessage again = call(function, AzureEvents.http("http-text.json"), "inv-2");

        assertThat(again.getStatusCode()).isEqualTo(202);
        assertThat(body(again).get("duplicate").asBoolean()).isTrue();
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBody_answers409NamingTheKey_andStoresNothing() throws Exception {
        SimpleHttpRequestMessage sample = AzureEvents.http("http-text.json");
        call(function, sample, "inv-1");
        SimpleHttpRequestMessage other = new SimpleHttpRequestMessage(
                sample.getUri(),
                sample.getHttpMethod(),
                sample.getHeaders(),
                Optional.of("payments.failed:500|c\n".getBytes(StandardCharsets.UTF_8)));

        HttpResponseMessage again = call(function, other, "inv-2");

        assertThat(again.getStatusCode()).isEqualTo(409);
        assertThat(body(again).get("key").asText()).isEqualTo("agent-7f3c-000042");
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
    }

    @Test
    void gzipJsonSample_isDecoded_andKeyedByTheInvocationId() throws Exception {
        HttpResponseMessage r = call(function, AzureEvents.http("http-json-gzip.json"), "6f1c0b1e-inv");

        assertThat(r.getStatusCode()).isEqualTo(202);
        assertThat(body(r).get("stored").asLong()).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_records where sequence = '6f1c0b1e-inv'"))
                .isEqualTo(1);
        assertThat(
                        db.queryLong(
                                "select count(*) from metric_points where name = 'cache.size' and ts = to_timestamp(1795428000)"))
                .isEqualTo(1);
    }

    @Test
    void nothingParsable_answers400NamingTheFirstBadLine_andKeepsTheLines() throws Exception {
        SimpleHttpRequestMessage sample = AzureEvents.http("http-text.json");
        Map<String, String> headers = new HashMap<>(sample.getHeaders());
        headers.remove("idempotency-key");
        SimpleHttpRequestMessage bad = new SimpleHttpRequestMessage(
                sample.getUri(),
                HttpMethod.POST,
                headers,
                Optional.of("nope\nstill:nope|zz\n".getBytes(StandardCharsets.UTF_8)));

        HttpResponseMessage r = call(function, bad, "inv-bad");

        assertThat(r.getStatusCode()).isEqualTo(400);
        JsonNode b = body(r);
        assertThat(b.get("error").asText()).isEqualTo("no line could be parsed");
        assertThat(b.get("line").asInt()).isEqualTo(1);
        assertThat(b.get("reason").asText()).isNotBlank();
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(2);
    }

    @Test
    void databaseDown_answers503WithRetryAfter() throws Exception {
        HttpResponseMessage r = call(
                new HttpIngestFunction(TestRuntimes.forDatabaseDown()), AzureEvents.http("http-text.json"), "inv-1");
        assertThat(r.getStatusCode()).isEqualTo(503);
        assertThat(r.getHeader("Retry-After")).isNotBlank();
    }

    @Test
    void get_answers405() throws Exception {
        SimpleHttpRequestMessage sample = AzureEvents.http("http-text.json");
        SimpleHttpRequestMessage get =
                new SimpleHttpRequestMessage(sample.getUri(), HttpMethod.GET, sample.getHeaders(), Optional.empty());
        HttpResponseMessage r = call(function, get, "inv-1");
        assertThat(r.getStatusCode()).isEqualTo(405);
        assertThat(db.queryLong("select count(*) from ingest_records")).isZero();
    }
}
