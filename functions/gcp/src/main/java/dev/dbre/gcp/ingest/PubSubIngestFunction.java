package dev.dbre.gcp.ingest;

import com.google.cloud.functions.CloudEventsFunction;
import dev.dbre.config.Env;
import dev.dbre.gcp.obs.CloudTrace;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.obs.LogContext;
import io.cloudevents.CloudEvent;
import java.time.Clock;
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

    private final IngestComponents components;

    /** Used by the Functions Framework: the components are built from the environment, once. */
    public PubSubIngestFunction() {
        this(IngestComponents.SHARED.get());
    }

    public PubSubIngestFunction(IngestComponents components) {
        this.components = components;
    }

    /**
     * The function over components built from {@code env} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static PubSubIngestFunction fromEnv(Map<String, String> env, Clock clock) {
        return new PubSubIngestFunction(IngestComponents.fromEnv(new Env(env), clock));
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
                CloudTrace trace = CloudTrace.open(
                        null,
                        traceparent == null ? null : traceparent.toString(),
                        components.config().project())) {
            IngestBatch batch = PubSubMessages.of(event, components.clock());
            BatchResult result = components.ingest().ingest(batch);
            components.metrics().publish(Map.of("function", NAME), IngestMetrics.of(result));
            LOG.info(
                    "pubsub message {} from {}: {} stored, {} rejected, {} failed",
                    batch.records().get(0).sequence(),
                    batch.source(),
                    result.stored(),
                    result.rejected(),
                    result.failed().size());
            PubSubMessages.acknowledgeOrThrow(batch, result);
        }
    }
}
