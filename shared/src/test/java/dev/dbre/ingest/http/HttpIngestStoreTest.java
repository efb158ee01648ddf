package dev.dbre.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HttpIngest over the real IngestService and PostgreSQL: a client retry stores nothing twice. */
@ExtendWith(PostgresExtension.class)
class HttpIngestStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void retriedRequestWithTheSameIdempotencyKey_storesNothingTwice(TestDatabase db) throws Exception {
        IngestService service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);
        byte[] body = "a:1|c|#env:prod\nb:2|g\nc:oops|g\n".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("Content-Type", "text/plain", "Idempotency-Key", "client-retry-1");

        HttpIngestResponse first = http.handle(new HttpIngestRequest("POST", headers, body, "req-a", "ingest"));
        HttpIngestResponse retry = http.handle(new HttpIngestRequest("POST", headers, body, "req-b", "ingest"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.body()).contains("\"stored\":2", "\"rejected\":1", "\"duplicate\":false");
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body()).contains("\"duplicate\":true");
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_VALUE'"))
                .isEqualTo(1);
        assertThat(
                        db.queryLong(
                                "select count(*) from ingest_records where source = 'http:ingest' and sequence = 'client-retry-1'"))
                .isEqualTo(1);
    }

    @Test
    void reusedKeyWithAnotherBody_is409NamingTheKey_andStoresNothing(TestDatabase db) throws Exception {
        IngestService service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);
        Map<String, String> headers = Map.of("Content-Type", "text/plain", "Idempotency-Key", "reused-key-7");
        byte[] first = "orders.created:1|c\n".getBytes(StandardCharsets.UTF_8);
        byte[] other = "orders.created:1000|c\n".getBytes(StandardCharsets.UTF_8);

        HttpIngestResponse stored = http.handle(new HttpIngestRequest("POST", headers, first, "req-a", "ingest"));
        HttpIngestResponse reused = http.handle(new HttpIngestRequest("POST", headers, other, "req-b", "ingest"));
        HttpIngestResponse retried = http.handle(new HttpIngestRequest("POST", headers, first, "req-c", "ingest"));

        assertThat(stored.status()).isEqualTo(202);
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.body()).contains("reused-key-7").contains("\"key\":\"reused-key-7\"");
        assertThat(retried.status()).isEqualTo(202);
        assertThat(retried.body()).contains("\"duplicate\":true");
        assertThat(db.queryLong("select count(*) from metric_points where name = 'orders.created'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select sum(value)::bigint from metric_points where name = 'orders.created'"))
                .isEqualTo(1);
    }

    @Test
    void concurrentRequestsWithOneKeyAndTwoBodies_storeOneBody_andRefuseTheOther(TestDatabase db) throws Exception {
        IngestService service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);
        Map<String, String> headers = Map.of("Idempotency-Key", "raced-key-1");
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<HttpIngestResponse> a = pool.submit(() -> {
                start.await();
                return http.handle(new HttpIngestRequest(
                        "POST", headers, "raced:1|c".getBytes(StandardCharsets.UTF_8), "a", "ingest"));
            });
            java.util.concurrent.Future<HttpIngestResponse> b = pool.submit(() -> {
                start.await();
                return http.handle(new HttpIngestRequest(
                        "POST", headers, "raced:2|c".getBytes(StandardCharsets.UTF_8), "b", "ingest"));
            });

            assertThat(java.util.List.of(a.get().status(), b.get().status())).containsExactlyInAnyOrder(202, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.queryLong("select count(*) from metric_points where name = 'raced'"))
                .isEqualTo(1);
    }

    @Test
    void gzippedBody_isBoundByItsDecodedBytes(TestDatabase db) throws Exception {
        IngestService service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);
        byte[] plain = "gz.bound:1|c\n".getBytes(StandardCharsets.UTF_8);
        Map<String, String> key = Map.of("Idempotency-Key", "gz-key-1");
        Map<String, String> gzipped = Map.of("Idempotency-Key", "gz-key-1", "Content-Encoding", "gzip");

        HttpIngestResponse first = http.handle(new HttpIngestRequest("POST", key, plain, "req-a", "ingest"));
        HttpIngestResponse sameLinesGzipped =
                http.handle(new HttpIngestRequest("POST", gzipped, gzip(plain), "req-b", "ingest"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(sameLinesGzipped.status()).isEqualTo(202);
        assertThat(sameLinesGzipped.body()).contains("\"duplicate\":true");
    }

    @Test
    void keyStoredBeforeDigestsWereKept_staysADuplicateWhateverTheBody(TestDatabase db) throws Exception {
        IngestService service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);
        Map<String, String> headers = Map.of("Idempotency-Key", "legacy-key-1");
        http.handle(
                new HttpIngestRequest("POST", headers, "legacy:1|c".getBytes(StandardCharsets.UTF_8), "a", "ingest"));
        // What a row written before V4 looks like: the key without a digest.
        db.execute("update ingest_records set payload_sha256 = null where sequence = 'legacy-key-1'");

        HttpIngestResponse other = http.handle(
                new HttpIngestRequest("POST", headers, "legacy:2|c".getBytes(StandardCharsets.UTF_8), "b", "ingest"));

        assertThat(other.status()).isEqualTo(202);
        assertThat(other.body()).contains("\"duplicate\":true");
        assertThat(db.queryLong("select count(*) from metric_points where name = 'legacy'"))
                .isEqualTo(1);
    }

    private static byte[] gzip(byte[] plain) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void faultThatIsNotTheRequests_is500_not503(TestDatabase db) {
        // The tables are not on the search path: a retry meets the same fault, so no Retry-After.
        ConnectionFactory wrongSchema = () -> {
            Connection c = db.open();
            try (Statement s = c.createStatement()) {
                s.execute("set search_path = nowhere");
            }
            return c;
        };
        IngestService service = new IngestService(wrongSchema, ParseLimits.DEFAULTS, CLOCK);
        HttpIngest http = new HttpIngest(service::ingest, HttpIngestLimits.DEFAULTS, CLOCK);

        HttpIngestResponse response = http.handle(new HttpIngestRequest(
                "POST",
                Map.of("Content-Type", "text/plain"),
                "a:1|c".getBytes(StandardCharsets.UTF_8),
                "req",
                "ingest"));

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.headers()).doesNotContainKey("Retry-After");
        assertThat(response.body()).contains("retrying will not help");
    }
}
