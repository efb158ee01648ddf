package dev.dbre.ingest;

import java.util.List;
import java.util.Objects;

/**
 * The records one invocation received from one source.
 *
 * @param source the stream, hub or subscription: e.g. a Kinesis stream ARN,
 *     "eventhubs:&lt;namespace&gt;/&lt;hub&gt;/&lt;consumer group&gt;", "pubsub:&lt;subscription&gt;", "http:&lt;route&gt;"
 * @param records in delivery order
 */
public record IngestBatch(String source, List<SourceRecord> records) {
    public IngestBatch {
        Objects.requireNonNull(source, "source");
        records = List.copyOf(records);
    }
}
