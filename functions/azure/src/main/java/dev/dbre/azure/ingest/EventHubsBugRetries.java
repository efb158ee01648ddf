package dev.dbre.azure.ingest;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.RetryContext;
import dev.dbre.ingest.IngestBugException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded retry of an Event Hubs batch that failed because of a bug: Event Hubs has no
 * failure destination, so after the retries the batch's range is logged for a replay and the
 * host is let checkpoint past it (see {@link EventHubsIngestFunction}).
 */
final class EventHubsBugRetries {
    private static final Logger LOG = LoggerFactory.getLogger(EventHubsBugRetries.class);

    private EventHubsBugRetries() {}

    /**
     * Throws {@link IngestBugException} while the host has retried this batch fewer than {@value
     * IngestConfig#MAX_BUG_RETRIES} ({@code maxBugRetries}) times; then logs the batch's range at error level and
     * returns, so the host checkpoints past it.
     */
    static void failOrSkip(
            int maxBugRetries,
            ExecutionContext context,
            String what,
            Map<String, Object> partitionContext,
            SystemProperty[] properties) {
        RetryContext retry = context.getRetryContext();
        int retries = retry == null ? 0 : retry.getRetrycount();
        if (retries < maxBugRetries) {
            throw new IngestBugException(what + "; a fault that is not the events', the host retries the batch (retry "
                    + (retries + 1) + " of " + maxBugRetries + ", then the batch is skipped)");
        }
        LOG.error(
                "giving up on an Event Hubs batch after {} retries: {}. The host checkpoints past it; replay"
                        + " partition {} sequence numbers {} to {} from the hub once the fault is fixed",
                retries,
                what,
                EventHubsPartition.partitionIdOf(partitionContext),
                sequenceAt(properties, 0),
                sequenceAt(properties, properties == null ? 0 : properties.length - 1));
    }

    private static String sequenceAt(SystemProperty[] properties, int i) {
        return properties == null || i < 0 || i >= properties.length || properties[i] == null
                ? "?"
                : properties[i].SequenceNumber;
    }
}
