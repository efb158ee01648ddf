package dev.dbre.aws.ingest;

import dev.dbre.ingest.BatchResult;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import java.util.List;
import java.util.Map;

/** The metrics one ingest invocation publishes, summed over its batches. */
final class IngestMetrics {
    /** Every ingest metric carries this one dimension. */
    static final Map<String, String> DIMENSIONS = Map.of("function", "ingest");

    private long records;
    private long stored;
    private long rejected;
    private long duplicates;
    private long failed;
    private long parseNanos;
    private long storeNanos;

    void add(BatchResult result) {
        records += result.records().size();
        stored += result.stored();
        rejected += result.rejected();
        duplicates += result.duplicates();
        failed += result.failed().size();
        parseNanos += result.parseNanos();
        storeNanos += result.storeNanos();
    }

    /** Records that could not be handed to the core at all (it threw): all count as failed. */
    void addUnprocessed(int count) {
        records += count;
        failed += count;
    }

    long records() {
        return records;
    }

    long stored() {
        return stored;
    }

    long rejected() {
        return rejected;
    }

    long duplicates() {
        return duplicates;
    }

    long failed() {
        return failed;
    }

    List<Metric> toMetrics() {
        return List.of(
                Metric.count(MetricNames.INGEST_RECORDS, records),
                Metric.count(MetricNames.INGEST_POINTS_STORED, stored),
                Metric.count(MetricNames.INGEST_LINES_REJECTED, rejected),
                Metric.count(MetricNames.INGEST_RECORDS_DUPLICATE, duplicates),
                Metric.count(MetricNames.INGEST_RECORDS_FAILED, failed),
                Metric.millis(MetricNames.INGEST_PARSE_TIME, parseNanos / 1e6),
                Metric.millis(MetricNames.INGEST_STORE_TIME, storeNanos / 1e6));
    }
}
