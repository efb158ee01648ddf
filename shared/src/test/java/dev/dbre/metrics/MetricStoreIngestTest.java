package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class MetricStoreIngestTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String SOURCE = "test:metric-store";

    private final TestDatabase db;

    MetricStoreIngestTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects, metric_agg, metric_agg_1m, metric_agg_1h, metric_rollup_queue, metric_series");
    }

    @Test
    void debug() throws Exception {
        MutableClock clock = new MutableClock(T0);
        IngestService service =
                new IngestService(db.connections(), ParseLimits.DEFAULTS, MetricStoreSettings.WITH_RAW_POINTS, clock);
        BatchResult r = service.ingest(new IngestBatch(SOURCE, List.of(record("1", T0, "a:1|c\nb:2|g"))));
        System.out.println(rows("select reason, detail, convert_from(raw, 'UTF8') from ingest_rejects"));
        assertThat(r.records().get(0).outcome()).isEqualTo(RecordOutcome.STORED);
    }

    static SourceRecord record(String sequence, Instant arrival, String payload) {
        return new SourceRecord(
                "shard-1", sequence, arrival, payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.DOGSTATSD);
    }

    List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
