package dev.dbre.ingest;

import java.util.List;
import java.util.Objects;

/**
 * The records one invocation received from one source.
 *
 * @param source the stream the records belong to, never the reader of it (two readers of one
 *     stream into one database must store each record once): a Kinesis stream ARN,
 *     "eventhubs:&lt;namespace&gt;/&lt;hub&gt;", "pubsub:projects/&lt;p&gt;/topics/&lt;t&gt;",
 *     "http:&lt;route&gt;"
 * @param records in delivery order
 * @param previousSources sources under which an earlier release keyed these same records (the
 *     Event Hubs consumer group, the Pub/Sub subscription): a record already stored under one of
 *     them is a duplicate too. Empty where the key never changed.
 */
public record IngestBatch(String source, List<SourceRecord> records, List<String> previousSources) {
    public IngestBatch {
        Objects.requireNonNull(source, "source");
        records = List.copyOf(records);
        previousSources = previousSources.stream()
                .filter(s -> !s.equals(source))
                .distinct()
                .toList();
    }

    public IngestBatch(String source, List<SourceRecord> records) {
        this(source, records, List.of());
    }
}
