package dev.dbre.aws.ingest;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.dbre.aws.event.BadEventException;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Kinesis records to the core's source records, and the core's result back to batch item failures. */
final class KinesisRecords {
    private KinesisRecords() {}

    /**
     * The event's records grouped by stream ARN, in delivery order. An event source mapping's batch
     * comes from one shard of one stream; grouping only guards against a hand-made mix. No event or
     * no records is an empty batch.
     *
     * @throws BadEventException naming {@code Records[i].kinesis} or {@code
     *     Records[i].kinesis.sequenceNumber} when a record lacks it (nothing could key it exactly once)
     */
    static Map<String, List<KinesisEventRecord>> bySource(KinesisEvent event) {
        Map<String, List<KinesisEventRecord>> out = new LinkedHashMap<>();
        if (event == null || event.getRecords() == null) {
            return out;
        }
        List<KinesisEventRecord> records = event.getRecords();
        for (int i = 0; i < records.size(); i++) {
            KinesisEventRecord r = records.get(i);
            if (r == null || r.getKinesis() == null) {
                throw new BadEventException("Records[" + i + "].kinesis", "is missing");
            }
            String sequence = r.getKinesis().getSequenceNumber();
            if (sequence == null || sequence.isBlank()) {
                throw new BadEventException("Records[" + i + "].kinesis.sequenceNumber", "is missing");
            }
            out.computeIfAbsent(source(r), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** The stream ARN every record of an ESM batch shares (the batch's source). */
    static String source(KinesisEventRecord r) {
        String arn = r.getEventSourceARN();
        return arn == null || arn.isBlank() ? "kinesis:unknown" : arn;
    }

    /** The shard id from the event id ({@code shardId-000000000006:4959...}). */
    static String shard(KinesisEventRecord r) {
        String id = r.getEventID();
        if (id == null) {
            return "";
        }
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }

    /**
     * One source record per Kinesis record, or one per user record of a KPL-aggregated record
     * (subSequence = its index). An aggregated record that cannot be read becomes one undecodable
     * record, kept as a BAD_RECORD reject.
     */
    static List<SourceRecord> toSourceRecords(List<KinesisEventRecord> records, Instant now) {
        List<SourceRecord> out = new ArrayList<>(records.size());
        for (KinesisEventRecord r : records) {
            String shard = shard(r);
            String sequence = r.getKinesis().getSequenceNumber();
            Instant arrival = r.getKinesis().getApproximateArrivalTimestamp() == null
                    ? now
                    : r.getKinesis().getApproximateArrivalTimestamp().toInstant();
            byte[] data = bytes(r.getKinesis().getData());
            KplDeaggregator.Result split = KplDeaggregator.deaggregate(data);
            if (split.error() != null) {
                out.add(SourceRecord.undecodable(shard, sequence, 0, arrival, data, split.error()));
                continue;
            }
            List<byte[]> users = split.userRecords();
            for (int i = 0; i < users.size(); i++) {
                out.add(new SourceRecord(shard, sequence, i, arrival, users.get(i), PayloadFormat.AUTO, null));
            }
        }
        return out;
    }

    /**
     * The Kinesis sequence numbers of the records that must be retried, once each, in delivery
     * order (Lambda checkpoints at the lowest one).
     */
    static List<BatchItemFailure> failures(List<KinesisEventRecord> records, BatchResult result) {
        Set<String> failed = new HashSet<>();
        for (RecordResult r : result.failed()) {
            failed.add(r.shard() + '\0' + r.sequence());
        }
        return failuresWhere(
                records, r -> failed.contains(shard(r) + '\0' + r.getKinesis().getSequenceNumber()));
    }

    private static List<BatchItemFailure> failuresWhere(
            List<KinesisEventRecord> records, Predicate<KinesisEventRecord> failed) {
        List<BatchItemFailure> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (KinesisEventRecord r : records) {
            String sequence = r.getKinesis().getSequenceNumber();
            if (failed.test(r) && seen.add(sequence)) {
                out.add(new BatchItemFailure(sequence));
            }
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer data) {
        if (data == null) {
            return new byte[0];
        }
        ByteBuffer b = data.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
