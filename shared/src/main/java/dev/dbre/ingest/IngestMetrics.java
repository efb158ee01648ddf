package dev.dbre.ingest;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import java.util.List;

/** The metrics of one ingest batch, the same on every cloud (names in {@link MetricNames}). */
public final class IngestMetrics {
    private IngestMetrics() {}

    /** The counts and timings of {@code result}. */
    public static List<Metric> of(BatchResult result) {
        return List.of(
                Metric.count(MetricNames.INGEST_RECORDS, result.records().size()),
                Metric.count(MetricNames.INGEST_POINTS_STORED, result.stored()),
                Metric.count(MetricNames.INGEST_LINES_REJECTED, result.rejected()),
                Metric.count(MetricNames.INGEST_FIELDS_IGNORED, result.ignoredFields()),
                Metric.count(MetricNames.INGEST_RECORDS_DUPLICATE, result.duplicates()),
                Metric.count(MetricNames.INGEST_RECORDS_FAILED, result.failed().size()),
                Metric.millis(MetricNames.INGEST_PARSE_TIME, result.parseNanos() / 1e6),
                Metric.millis(MetricNames.INGEST_STORE_TIME, result.storeNanos() / 1e6));
    }
}
