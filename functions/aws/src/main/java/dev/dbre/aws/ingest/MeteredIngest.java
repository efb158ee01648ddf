package dev.dbre.aws.ingest;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.RecordResult;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest core with its metrics published for every batch, and the rule for a stream's batch
 * stated once: records that failed because of a transient fault are returned (to be retried alone);
 * a fault that is not the records' and that a retry meets again (a bug, the schema, a grant) fails
 * the invocation ({@link IngestBugException}), so the event source mapping's {@code
 * MaximumRetryAttempts} and {@code OnFailure} destination apply. When the core itself throws (it
 * reports faults per record, so that is a bug) the batch is still counted, as failed.
 */
final class MeteredIngest {
    private static final Logger LOG = LoggerFactory.getLogger(MeteredIngest.class);

    private final IngestService ingest;
    private final MetricsPublisher metrics;

    MeteredIngest(IngestService ingest, MetricsPublisher metrics) {
        this.ingest = ingest;
        this.metrics = metrics;
    }

    /**
     * Stores the batch (of {@code records} trigger records) and publishes its metrics.
     *
     * @return the result; its {@link BatchResult#failed()} records are to be retried
     * @throws IngestBugException when records were not stored because of a bug or a fault that is not
     *     theirs
     */
    BatchResult store(IngestBatch batch, int records) {
        BatchResult result;
        try {
            result = ingest.ingest(batch);
        } catch (RuntimeException e) {
            LOG.error("ingest failed for {} records of {}: {}", records, batch.source(), e.toString(), e);
            metrics.publish(
                    IngestWiring.METRIC_DIMENSIONS,
                    List.of(
                            Metric.count(MetricNames.INGEST_RECORDS, records),
                            Metric.count(MetricNames.INGEST_RECORDS_FAILED, records)));
            throw new IngestBugException(
                    "ingest failed for " + records + " records of " + batch.source() + ": "
                            + e.getClass().getName(),
                    e);
        }
        publish(result);
        if (result.failedByBug()) {
            RecordResult first = result.failed().get(0);
            throw new IngestBugException(result.failed().size() + " of " + records
                    + " records not stored because of a fault that is not theirs (first: shard=" + first.shard()
                    + " sequence=" + first.sequence() + ": " + first.failure()
                    + "); Lambda retries by the event source mapping's MaximumRetryAttempts, then OnFailure");
        }
        if (!result.failed().isEmpty()) {
            RecordResult first = result.failed().get(0);
            LOG.warn(
                    "{} records not stored, will be retried; first: shard={} sequence={} sub={} failure={}",
                    result.failed().size(),
                    first.shard(),
                    first.sequence(),
                    first.subSequence(),
                    first.failure());
        }
        return result;
    }

    /** Publishes the metrics of a batch stored elsewhere (the HTTP endpoint stores its own). */
    void publish(BatchResult result) {
        metrics.publish(IngestWiring.METRIC_DIMENSIONS, IngestMetrics.of(result));
    }
}
