package dev.dbre.azure.ingest;

import java.util.Map;
import java.util.Optional;

/**
 * The Event Hubs trigger's {@code PartitionContext} binding: which partition of which hub the batch
 * came from. Event Hubs extension 5.x names the fields {@code FullyQualifiedNamespace}, {@code
 * EventHubName}, {@code ConsumerGroup}, {@code PartitionId}; 4.x used {@code EventHubPath} and
 * {@code ConsumerGroupName} and had no namespace (then {@value IngestConfig#EVENTHUB_NAMESPACE}).
 *
 * @param consumerGroup not part of the exactly-once key; only to find events an earlier release
 *     keyed under it
 */
record EventHubsPartition(String namespace, String hub, Optional<String> consumerGroup, String partitionId) {
    /**
     * @param namespaceFallback used when the context has no FullyQualifiedNamespace
     * @throws IllegalArgumentException naming the field when the context is missing, or has no
     *     namespace (and no fallback), hub or partition
     */
    static EventHubsPartition of(Map<String, Object> partitionContext, Optional<String> namespaceFallback) {
        if (partitionContext == null) {
            throw new IllegalArgumentException("the trigger passed no PartitionContext");
        }
        String namespace = text(partitionContext, "FullyQualifiedNamespace")
                .or(() -> namespaceFallback)
                .orElseThrow(() -> new IllegalArgumentException("PartitionContext has no FullyQualifiedNamespace and "
                        + IngestConfig.EVENTHUB_NAMESPACE + " is not set"));
        String hub = text(partitionContext, "EventHubName")
                .or(() -> text(partitionContext, "EventHubPath"))
                .orElseThrow(() -> new IllegalArgumentException("PartitionContext has no EventHubName"));
        Optional<String> group =
                text(partitionContext, "ConsumerGroup").or(() -> text(partitionContext, "ConsumerGroupName"));
        String partition = text(partitionContext, "PartitionId")
                .orElseThrow(() -> new IllegalArgumentException("PartitionContext has no PartitionId"));
        return new EventHubsPartition(namespace, hub, group, partition);
    }

    /** The exactly-once source: the hub, not the consumer group (two readers of a hub share keys). */
    String source() {
        return "eventhubs:" + namespace + "/" + hub;
    }

    /** The source releases before schema V7 used: the hub and the consumer group. */
    Optional<String> sourceBeforeV7() {
        return consumerGroup.map(g -> source() + "/" + g);
    }

    /** The partition id of a context, for log lines about a batch that could not be keyed. */
    static String partitionIdOf(Map<String, Object> partitionContext) {
        return partitionContext == null
                ? null
                : text(partitionContext, "PartitionId").orElse(null);
    }

    private static Optional<String> text(Map<String, Object> context, String key) {
        Object v = context.get(key);
        String s = v == null ? "" : v.toString().trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
