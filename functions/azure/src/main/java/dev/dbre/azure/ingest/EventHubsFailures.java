package dev.dbre.azure.ingest;

import com.microsoft.azure.functions.ExecutionContext;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.ingest.RecordResult;
import java.util.List;
import java.util.Map;

/**
 * Event Hubs' answer to events the core could not store. Event Hubs has no per-event partial
 * failure (the host checkpoints the partition when the function returns), so the function throws
 * and the host runs the whole batch again; the events stored the first time come back DUPLICATE.
 */
final class EventHubsFailures {
    private EventHubsFailures() {}

    /**
     * Returns when every event was stored (or kept as a reject).
     *
     * @throws IngestNotStoredException when events were not stored because of a transient fault
     * @throws IngestBugException when because of a bug, while the batch has been retried fewer than
     *     {@code maxBugRetries} times (then it logs the batch's range and returns: {@link
     *     EventHubsBugRetries})
     */
    static void raise(
            BatchResult result,
            int events,
            int maxBugRetries,
            ExecutionContext context,
            Map<String, Object> partitionContext,
            SystemProperty[] properties) {
        List<RecordResult> failed = result.failed();
        if (failed.isEmpty()) {
            return;
        }
        RecordResult first = failed.get(0);
        String what = failed.size() + " of " + events + " events not stored (first: partition " + first.shard()
                + " sequence " + first.sequence() + ": " + first.failure() + ")";
        if (result.failedByBug()) {
            EventHubsBugRetries.failOrSkip(maxBugRetries, context, what, partitionContext, properties);
            return;
        }
        throw new IngestNotStoredException(what + "; the host retries the batch");
    }
}
