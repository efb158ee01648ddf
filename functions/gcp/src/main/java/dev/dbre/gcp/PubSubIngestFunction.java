package dev.dbre.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.config.Env;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.RecordResult;
import dev.dbre.obs.LogContext;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one Pub/Sub message (an Eventarc {@code messagePublished} CloudEvent) into PostgreSQL,
 * exactly once per message id. A message that cannot be decoded, or that the database refuses on
 * its own, is kept as a BAD_RECORD reject and acknowledged; a transient database fault throws, so
 * Pub/Sub delivers the message again. A fault that a retry meets again (a bug, the schema, a grant)
 * throws {@link IngestBugException}: Pub/Sub redelivers it by the subscription's retry policy and,
 * with a dead-letter topic, moves it there after its maximum delivery attempts.
 */
public final class PubSubIngestFunction implements CloudEventsFunction {
    static final String NAME = "ingest-pubsub";
    private static final Logger LOG = LoggerFactory.getLogger(PubSubIngestFunction.class);

    private final GcpIngestRuntime runtime;

    /** Used by the Functions Framework: the runtime is built from the environment, once. */
    public PubSubIngestFunction() {
        this(GcpIngestRuntime.shared());
    }

    /**
     * The function over a runtime built from {@code env} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static PubSubIngestFunction fromEnv(Map<String, String> env, Clock clock) {
        return new PubSubIngestFunction(GcpIngestRuntime.fromEnv(new Env(env), clock));
    }

    PubSubIngestFunction(GcpIngestRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws IngestNotStoredException when the message could not be stored because of a transient
     *     fault (the framework answers 500 and Pub/Sub redelivers)
     * @throws IngestBugException when it could not be stored because of a bug (the same, until the
     *     subscription's dead-letter policy moves it)
     */
    @Override
    public void accept(CloudEvent event) {
        Object traceparent = event.getExtension("traceparent");
        try (LogContext ignored = LogContext.open(event.getId(), NAME);
                CloudTrace trace =
                        CloudTrace.open(null, traceparent == null ? null : traceparent.toString(), runtime.project)) {
            IngestBatch batch = PubSubMessages.of(event, runtime.clock);
            BatchResult result = runtime.ingest.ingest(batch);
            runtime.metrics.publish(Map.of("function", NAME), IngestMetrics.of(result));
            List<RecordResult> failed = result.failed();
            RecordResult record =
                    result.records().isEmpty() ? null : result.records().get(0);
            LOG.info(
                    "pubsub message {} from {}: {}, {} stored, {} rejected",
                    batch.records().get(0).sequence(),
                    batch.source(),
                    record == null ? "no result" : record.outcome(),
                    result.stored(),
                    result.rejected());
            if (result.failedByBug()) {
                throw new IngestBugException("message " + batch.records().get(0).sequence() + " not stored ("
                        + record.failure() + "): a fault that is not the message's; Pub/Sub delivers it again"
                        + " until the subscription's dead-letter policy moves it");
            }
            if (record == null || !failed.isEmpty()) {
                throw new IngestNotStoredException(
                        "message " + batch.records().get(0).sequence() + " not stored ("
                                + (record == null ? "no result" : record.failure()) + "); Pub/Sub delivers it again");
            }
        }
    }
}
