package dev.dbre.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.functions.HttpRequest;
import dev.dbre.gcp.local.BufferedHttpResponse;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

        new HttpIngestFunction(TestRuntimes.forDatabase(db)).service(new Request(sample), out);

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
        function.service(new Request(sample), new BufferedHttpResponse());
        long points = db.queryLong("select count(*) from metric_points");
        GcpEvents.HttpSample other = new GcpEvents.HttpSample(
                sample.method(), sample.headers(), "payments.failed:500|c\n".getBytes(StandardCharsets.UTF_8));
        BufferedHttpResponse out = new BufferedHttpResponse();

        function.service(new Request(other), out);

        assertThat(out.status()).isEqualTo(409);
        assertThat(out.body()).contains("\"key\":\"agent-0c9d-000311\"");
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(points);
    }

    @Test
    void bodyOverTheLimit_answers413_withoutReadingItAll() throws Exception {
        Map<String, String> env = TestRuntimes.settings(db.server().port(), db.name());
        env.put("DBRE_HTTP_MAX_BODY_BYTES", "16");
        GcpIngestRuntime small = GcpIngestRuntime.fromEnv(new dev.dbre.config.Env(env), TestRuntimes.CLOCK);
        GcpEvents.HttpSample sample = GcpEvents.http("http-text.json");
        Request request = new Request(sample);
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
                .service(new Request(GcpEvents.http("http-text.json")), out);
        assertThat(out.status()).isEqualTo(503);
        assertThat(out.getHeaders().get("Retry-After")).isNotEmpty();
    }

    /** The request side of the framework's interface, over a sample. */
    static final class Request implements HttpRequest {
        private final GcpEvents.HttpSample sample;
        private final ByteArrayInputStream in;

        private final String path;

        Request(GcpEvents.HttpSample sample) {
            this(sample, "/");
        }

        Request(GcpEvents.HttpSample sample, String path) {
            this.sample = sample;
            this.in = new ByteArrayInputStream(sample.body());
            this.path = path;
        }

        int bytesRead() {
            return sample.body().length - in.available();
        }

        @Override
        public String getMethod() {
            return sample.method();
        }

        @Override
        public String getUri() {
            return "http://127.0.0.1/";
        }

        @Override
        public String getPath() {
            return path;
        }

        @Override
        public Optional<String> getQuery() {
            return Optional.empty();
        }

        @Override
        public Map<String, List<String>> getQueryParameters() {
            return Map.of();
        }

        @Override
        public Map<String, HttpPart> getParts() {
            return Map.of();
        }

        @Override
        public Optional<String> getContentType() {
            return Optional.ofNullable(sample.headers().get("Content-Type"));
        }

        @Override
        public long getContentLength() {
            return sample.body().length;
        }

        @Override
        public Optional<String> getCharacterEncoding() {
            return Optional.empty();
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            Map<String, List<String>> h = new LinkedHashMap<>();
            sample.headers().forEach((k, v) -> h.put(k, List.of(v)));
            return h;
        }
    }
}
