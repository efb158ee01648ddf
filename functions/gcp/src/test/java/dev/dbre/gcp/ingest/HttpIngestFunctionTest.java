package dev.dbre.gcp.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.gcp.testing.BufferedHttpResponse;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.SampleRequest;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP function in-process, with minimal implementations of the framework's request and
 * response interfaces; the same requests also go through the real framework in {@link
 * FunctionsFrameworkTest}.
 */
class HttpIngestFunctionTest {
    private TestDatabase db;

    @BeforeEach
    void setUp() {
        db = PostgresExtension.newDatabase();
    }

    @Test
    void textSample_answers202_keyedByIdempotencyKey() throws Exception {
        GcpEvents.HttpSample sample = GcpEvents.http("http-text.json");
        BufferedHttpResponse out = new BufferedHttpResponse();

        new HttpIngestFunction(TestRuntimes.forDatabase(db)).service(new SampleRequest(sample), out);

        assertThat(out.status()).isEqualTo(202);
        assertThat(out.contentType()).isEqualTo("application/json");
        assertThat(out.body()).contains("\"stored\":2");
        assertThat(db.queryLong("select count(*) from ingest_records where sequence = 'agent-0c9d-000311'"))
                .isEqualTo(1);
    }

    @Test
    void sameIdempotencyKeyWithAnotherBody_answers409NamingTheKey_andStoresNothing() throws Exception {
        GcpEvents.HttpSample sample = GcpEvents.http("http-text.json");
        HttpIngestFunction function = new HttpIngestFunction(TestRuntimes.forDatabase(db));
        function.service(new SampleRequest(sample), new BufferedHttpResponse());
        long points = db.queryLong("select count(*) from metric_points");
        GcpEvents.HttpSample other = new GcpEvents.HttpSample(
                sample.method(), sample.headers(), "payments.failed:500|c\n".getBytes(StandardCharsets.UTF_8));
        BufferedHttpResponse out = new BufferedHttpResponse();

        function.service(new SampleRequest(other), out);

        assertThat(out.status()).isEqualTo(409);
        assertThat(out.body()).contains("\"key\":\"agent-0c9d-000311\"");
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(points);
    }

    @Test
    void bodyOverTheLimit_answers413_withoutReadingItAll() throws Exception {
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_HTTP_MAX_BODY_BYTES", "16");
        IngestComponents small = IngestComponents.fromEnv(new dev.dbre.config.Env(env), TestRuntimes.CLOCK);
        GcpEvents.HttpSample sample = GcpEvents.http("http-text.json");
        SampleRequest request = new SampleRequest(sample);
        BufferedHttpResponse out = new BufferedHttpResponse();

        new HttpIngestFunction(small).service(request, out);

        assertThat(out.status()).isEqualTo(413);
        assertThat(request.bytesRead()).isEqualTo(17);
        assertThat(db.queryLong("select count(*) from ingest_records")).isZero();
    }

    @Test
    void databaseDown_answers503() throws Exception {
        BufferedHttpResponse out = new BufferedHttpResponse();
        new HttpIngestFunction(TestRuntimes.forDatabaseDown())
                .service(new SampleRequest(GcpEvents.http("http-text.json")), out);
        assertThat(out.status()).isEqualTo(503);
        assertThat(out.getHeaders().get("Retry-After")).isNotEmpty();
    }
}
