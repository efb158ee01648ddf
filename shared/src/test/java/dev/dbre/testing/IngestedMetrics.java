package dev.dbre.testing;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What the tests of the metric store's rollups, retention and queries start from: its tables empty,
 * then DogStatsD lines stored through the real ingest, one source record at a time.
 */
public final class IngestedMetrics {
    private IngestedMetrics() {}

    /** Empties the ingest records and every table of the metric store (aggregates, rollups, series). */
    public static void clean(TestDatabase db) throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, ingest_rejects, metric_agg, metric_agg_1m, metric_agg_1h,"
                + " metric_agg_1d, metric_rollup_queue, metric_series, metric_rollup_state");
    }

    /** Stores {@code payload} (DogStatsD lines) as record {@code sequence} of shard-1 of {@code source}. */
    public static BatchResult store(
            IngestService ingest, String source, String sequence, Instant arrival, String payload) {
        return ingest.ingest(new IngestBatch(
                source,
                List.of(new SourceRecord(
                        "shard-1",
                        sequence,
                        arrival,
                        payload.getBytes(StandardCharsets.UTF_8),
                        PayloadFormat.DOGSTATSD))));
    }
}
