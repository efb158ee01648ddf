package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.dbre.config.Env;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.RecordResult;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda handler for a Kinesis event source mapping with {@code ReportBatchItemFailures}: decodes
 * the records (KPL aggregates split into their user records), hands them to the ingest core, and
 * reports exactly the Kinesis sequence numbers whose records were not stored because of a transient
 * fault, so Lambda retries only from the first of them. Bad lines are stored as rejects by the core
 * and never fail a record; a record the database refuses on its own is kept as a BAD_RECORD reject.
 * A fault that is not the records' and that a retry meets again (a bug, the schema, a grant) fails
 * the invocation ({@link IngestBugException}), so the event source mapping's {@code
 * MaximumRetryAttempts} and {@code OnFailure} destination apply.
 *
 * <p>Handler: {@code dev.dbre.aws.ingest.KinesisIngestHandler::handleRequest}.
 */
public final class KinesisIngestHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisIngestHandler.class);
    private static final SnapStartHooks HOOKS = SnapStartHooks.global();

    private final IngestService ingest;
    private final MetricsPublisher metrics;
    private final Clock clock;

    /**
     * Builds its clients from the environment (Lambda calls this once per execution environment).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public KinesisIngestHandler() {
        this(IngestComponents.fromEnv(Env.system()));
    }

    /** From components built once (the no-arg constructor; tests that check the SnapStart wiring). */
    KinesisIngestHandler(IngestComponents c) {
        this(c.ingest(), c.metrics(), c.clock());
        c.registerWith(HOOKS);
    }

    /** For tests and other runtimes: the core, the metrics publisher and the clock supplied. */
    public KinesisIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock) {
        this.ingest = ingest;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * @throws IngestBugException when records were not stored because of a bug (Lambda counts an
     *     error and retries the batch by the event source mapping's policy)
     */
    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "ingest")) {
            List<KinesisEventRecord> records =
                    event == null || event.getRecords() == null ? List.of() : event.getRecords();
            List<BatchItemFailure> failures = new ArrayList<>();
            // An ESM batch comes from one shard of one stream; grouping only guards against a mix.
            for (Map.Entry<String, List<KinesisEventRecord>> group :
                    bySource(records).entrySet()) {
                failures.addAll(ingestGroup(group.getKey(), group.getValue()));
            }
            LOG.info("kinesis batch: records={} failed={}", records.size(), failures.size());
            return new StreamsEventResponse(failures);
        }
    }

    private List<BatchItemFailure> ingestGroup(String source, List<KinesisEventRecord> records) {
        BatchResult result;
        try {
            result = ingest.ingest(new IngestBatch(source, KinesisRecords.toSourceRecords(records, clock.instant())));
        } catch (RuntimeException e) {
            // The core reports faults per record and does not throw: this is a bug (here or in
            // decoding), which a retry of the same records meets again.
            LOG.error("ingest failed for {} records of {}: {}", records.size(), source, e.toString(), e);
            metrics.publish(
                    IngestComponents.METRIC_DIMENSIONS,
                    List.of(
                            Metric.count(MetricNames.INGEST_RECORDS, records.size()),
                            Metric.count(MetricNames.INGEST_RECORDS_FAILED, records.size())));
            throw new IngestBugException(
                    "ingest failed for " + records.size() + " records of " + source + ": "
                            + e.getClass().getName(),
                    e);
        }
        metrics.publish(IngestComponents.METRIC_DIMENSIONS, IngestMetrics.of(result));
        if (result.failedByBug()) {
            RecordResult first = result.failed().get(0);
            throw new IngestBugException(result.failed().size() + " of " + records.size()
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
        return KinesisRecords.failures(records, result);
    }

    private static Map<String, List<KinesisEventRecord>> bySource(List<KinesisEventRecord> records) {
        Map<String, List<KinesisEventRecord>> out = new LinkedHashMap<>();
        for (KinesisEventRecord r : records) {
            out.computeIfAbsent(KinesisRecords.source(r), k -> new ArrayList<>())
                    .add(r);
        }
        return out;
    }
}
