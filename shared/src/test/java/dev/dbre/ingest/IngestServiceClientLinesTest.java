package dev.dbre.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Lines as real DogStatsD clients write them, stored (docs/ingest-format.md, issue 8 and 16). */
@ExtendWith(PostgresExtension.class)
class IngestServiceClientLinesTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-23T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:01Z"), ZoneOffset.UTC);
    private static final String SOURCE = "http:/ingest";

    private final TestDatabase db;
    private final IngestService service;

    IngestServiceClientLinesTest(TestDatabase db) {
        this.db = db;
        this.service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects");
    }

    @Test
    void unknownFields_areStoredWithoutThem_andCountedInTheBatchFigures() throws Exception {
        String payload = String.join(
                "\n",
                "a:1|c|f:gzip|#env:ci|x:1",
                "b:2|g|#|T1795427000",
                "_sc|db.up|0|x:y|m:ok",
                "_e{1,1}:t|x|f:1",
                "c:3|c|x:1|@2"); // a malformed known field stays a reject; its ignored field is not counted
        BatchResult result = service.ingest(batch(payload));

        assertThat(result.stored()).isEqualTo(4);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.ignoredFields()).isEqualTo(4);
        assertThat(db.queryLong("select fields_ignored from ingest_batches where id = " + result.batchId()))
                .isEqualTo(4);
        assertThat(IngestMetrics.of(result))
                .filteredOn(m -> m.name().equals(MetricNames.INGEST_FIELDS_IGNORED))
                .extracting(Metric::value)
                .containsExactly(4.0);
        assertThat(db.queryLong("select count(*) from metric_points where name = 'b' and tags = '{}'"
                        + " and ts = to_timestamp(1795427000)"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_SAMPLE_RATE'"))
                .isEqualTo(1);
    }

    @Test
    void serviceCheckContainerAfterTheMessage_andEventLineBreaks_areStored() throws Exception {
        String payload = String.join(
                "\n",
                "_sc|db.can_connect|2|h:db-1|#db:orders|m:connection refused | port 5432|c:ci-83a8f1b8d2f3e1a0",
                "_e{8,35}:failover|primary db-1\\nreplica db-2 promoted|t:warning|c:ci-83a8f1b8d2f3e1a0");
        BatchResult result = service.ingest(batch(payload));
        assertThat(result.rejected()).isZero();

        try (Connection c = db.open();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select host, message, tags, container from service_checks")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("host")).isEqualTo("db-1");
                assertThat(rs.getString("message")).isEqualTo("connection refused | port 5432");
                assertThat((String[]) rs.getArray("tags").getArray()).containsExactly("db:orders");
                assertThat(rs.getString("container")).isEqualTo("ci-83a8f1b8d2f3e1a0");
            }
            try (ResultSet rs = s.executeQuery("select title, text, alert_type, container from ingest_events")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("title")).isEqualTo("failover");
                assertThat(rs.getString("text")).isEqualTo("primary db-1\nreplica db-2 promoted");
                assertThat(rs.getString("alert_type")).isEqualTo("warning");
                assertThat(rs.getString("container")).isEqualTo("ci-83a8f1b8d2f3e1a0");
            }
        }
    }

    private static IngestBatch batch(String payload) {
        return new IngestBatch(
                SOURCE,
                List.of(new SourceRecord(
                        "", "1", ARRIVAL, payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.DOGSTATSD)));
    }
}
