package dev.dbre.azure.ingest;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.Cardinality;
import com.microsoft.azure.functions.annotation.EventHubTrigger;
import com.microsoft.azure.functions.annotation.ExponentialBackoffRetry;
import com.microsoft.azure.functions.annotation.FunctionName;
import dev.dbre.config.Env;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestMetrics;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.obs.LogContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests a batch of Event Hubs events into PostgreSQL, exactly once per event.
 *
 * <p>Event Hubs has no per-event partial failure: the host checkpoints a partition after the
 * function returns. So when any record could not be stored (a transient database fault), the
 * function first stores everything it can, then throws; the retry policy below makes the host run
 * the same batch again, and the records already stored are recognised by their key (partition,
 * sequence number) and skipped. The retry count is unlimited (-1) because when the host gives up it
 * checkpoints past the batch and the events would be lost; a database outage therefore holds the
 * partition back, as a Kinesis stream with unlimited retries does.
 *
 * <p>A record the database refuses on its own, or an event whose SequenceNumber is missing or
 * garbled, is kept as a BAD_RECORD reject and does not fail the batch. A fault that a retry meets
 * again (a bug, the schema, a grant: {@link dev.dbre.ingest.RecordOutcome#BUG}, or a
 * PartitionContext that cannot key the batch) throws {@link IngestBugException} for {@value
 * IngestConfig#MAX_BUG_RETRIES} retries of the batch, then gives up: the batch is logged at
 * error level with its partition and sequence range (to replay from the hub once fixed) and the
 * function returns, so the host checkpoints past it instead of holding the partition forever. This
 * is what a Kinesis event source mapping does with {@code MaximumRetryAttempts} and an {@code
 * OnFailure} destination, which Event Hubs does not have.
 */
public class EventHubsIngestFunction {
    public static final String NAME = "ingest-eventhubs";
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsIngestFunction.class);

    private static final Map<String, String> METRIC_DIMENSIONS = Map.of("function", NAME);

    private final AzureIngestRuntime runtime;

    /** Used by the Functions host: the runtime is built from the app settings, once per process. */
    public EventHubsIngestFunction() {
        this(AzureIngestRuntime.SHARED.get());
    }

    /**
     * The function over a runtime built from {@code appSettings} (run-local drives it this way).
     *
     * @throws dev.dbre.config.ConfigException naming the setting that is missing or wrong
     */
    public static EventHubsIngestFunction fromSettings(Map<String, String> appSettings, Clock clock) {
        return new EventHubsIngestFunction(AzureIngestRuntime.fromEnv(new Env(appSettings), clock));
    }

    public EventHubsIngestFunction(AzureIngestRuntime runtime) {
        this.runtime = runtime;
    }

    /**
     * @throws IngestNotStoredException when some events were not stored because of a transient
     *     fault (the host retries the batch)
     * @throws IngestBugException when events were not stored because of a bug, or the trigger
     *     metadata cannot key them, and the batch has been retried fewer than {@value
     *     IngestConfig#MAX_BUG_RETRIES} times
     */
    @FunctionName(NAME)
    @ExponentialBackoffRetry(maxRetryCount = -1, minimumInterval = "00:00:02", maximumInterval = "00:05:00")
    public void run(
            @EventHubTrigger(
                            name = "events",
                            eventHubName = "%DBRE_EVENTHUB_NAME%",
                            consumerGroup = "%DBRE_EVENTHUB_CONSUMER_GROUP%",
                            connection = "DBRE_EVENTHUB",
                            cardinality = Cardinality.MANY,
                            dataType = "binary")
                    List<byte[]> events,
            @BindingName("SystemPropertiesArray") SystemProperty[] systemProperties,
            @BindingName("PartitionContext") Map<String, Object> partitionContext,
            ExecutionContext context) {
        try (LogContext ignored = LogContext.open(context.getInvocationId(), NAME)) {
            int maxBugRetries = runtime.config().maxBugRetries();
            IngestBatch batch;
            try {
                batch = EventHubsBatch.of(
                        events,
                        systemProperties,
                        partitionContext,
                        runtime.config().eventHubNamespace().orElse(null),
                        runtime.clock());
            } catch (IllegalArgumentException e) {
                // Nothing can key these events: a host or extension version this code does not know.
                String why = "the trigger metadata cannot key the events: " + e.getMessage();
                EventHubsBugRetries.failOrSkip(maxBugRetries, context, why, partitionContext, systemProperties);
                return;
            }
            BatchResult result = runtime.ingest().ingest(batch);
            runtime.metrics().publish(METRIC_DIMENSIONS, IngestMetrics.of(result));
            LOG.info(
                    "ingested {} events from {} partition {}: {} stored, {} rejected, {} duplicate, {} failed",
                    batch.records().size(),
                    batch.source(),
                    EventHubsPartition.partitionIdOf(partitionContext),
                    result.stored(),
                    result.rejected(),
                    result.duplicates(),
                    result.failed().size());
            EventHubsFailures.raise(
                    result, batch.records().size(), maxBugRetries, context, partitionContext, systemProperties);
        }
    }
}
