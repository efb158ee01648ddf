package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes test data the way the product does: one ingest batch through {@link IngestService}. */
final class Ingested {
    static final String SOURCE = "kinesis:arn:aws:kinesis:eu-west-1:111122223333:stream/metrics";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private Ingested() {}

    /** Empties every table the SLO sources read. */
    static void clean(TestDatabase db) throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects, metric_agg, metric_agg_1m, metric_agg_1h, metric_rollup_queue, metric_series,"
                + " metric_rollup_state, ingest_batch_failures, snapshot_runs, rotation_runs,"
                + " drill_runs, rpo_measurements, metric_agg_1d, restore_run_events, restore_runs,"
                + " metric_minute_changes, slo_sli_recordings, slo_sli_minutes");
    }

    /** Ingests {@code payload} (DogStatsD or JSON lines) as one record of one batch, stored at {@code clock}'s time. */
    static BatchResult store(TestDatabase db, Clock clock, String source, String payload) {
        IngestService service =
                new IngestService(db.connections(), ParseLimits.DEFAULTS, MetricStoreSettings.DEFAULTS, clock);
        BatchResult result = service.ingest(new IngestBatch(
                source,
                List.of(new SourceRecord(
                        "shard-1",
                        Integer.toString(SEQUENCE.incrementAndGet()),
                        clock.instant(),
                        payload.getBytes(StandardCharsets.UTF_8),
                        PayloadFormat.AUTO))));
        assertThat(result.records()).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(RecordOutcome.STORED));
        return result;
    }

    static DatabaseSliData data(TestDatabase db) {
        return new DatabaseSliData(new ConnectionFactoryDataSource(db.connections()));
    }
}
