package dev.dbre.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.db.ConnectionFactory;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
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
