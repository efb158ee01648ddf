package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.obs.LogContext;
import dev.dbre.obs.MetricsPublisher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda handler for a Kinesis event source mapping with {@code ReportBatchItemFailures}: decodes
 * the records (KPL aggregates split into their user records, {@link KinesisRecords}), hands them to
 * the ingest core, and reports exactly the Kinesis sequence numbers whose records were not stored
 * because of a transient fault, so Lambda retries only from the first of them. Bad lines are stored
 * as rejects by the core and never fail a record; a record the database refuses on its own is kept
 * as a BAD_RECORD reject. A fault that is not the records' fails the invocation ({@link
 * MeteredIngest}).
 *
 * <p>Handler: {@code dev.dbre.aws.ingest.KinesisIngestHandler::handleRequest}.
 */
public final class KinesisIngestHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(KinesisIngestHandler.class);

    private final MeteredIngest ingest;
    private final Clock clock;

    /**
     * Used by Lambda: the wiring of this execution environment ({@link IngestWiring}).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public KinesisIngestHandler() {
        this(IngestWiring.system());
    }

    /** From a wiring built once, its SnapStart actions registered with the global hooks. */
    KinesisIngestHandler(IngestWiring w) {
        this(w.registerWith(SnapStartHooks.global()).ingest(), w.metrics(), w.clock());
    }

    /** For tests and other runtimes: the core, the metrics publisher and the clock supplied. */
    public KinesisIngestHandler(IngestService ingest, MetricsPublisher metrics, Clock clock) {
        this.ingest = new MeteredIngest(ingest, metrics);
        this.clock = clock;
    }

    /**
     * @throws dev.dbre.ingest.IngestBugException when records were not stored because of a bug
     *     (Lambda counts an error and retries the batch by the event source mapping's policy)
     * @throws dev.dbre.aws.event.BadEventException when a record has no sequence number
     */
    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        try (LogContext ignored = LogContext.open(context == null ? null : context.getAwsRequestId(), "ingest")) {
            List<BatchItemFailure> failures = new ArrayList<>();
            int total = 0;
            for (Map.Entry<String, List<KinesisEventRecord>> group :
                    KinesisRecords.bySource(event).entrySet()) {
                List<KinesisEventRecord> records = group.getValue();
                IngestBatch batch =
                        new IngestBatch(group.getKey(), KinesisRecords.toSourceRecords(records, clock.instant()));
                BatchResult result = ingest.store(batch, records.size());
                failures.addAll(KinesisRecords.failures(records, result));
                total += records.size();
            }
            LOG.info("kinesis batch: records={} failed={}", total, failures.size());
            return new StreamsEventResponse(failures);
        }
    }
}
