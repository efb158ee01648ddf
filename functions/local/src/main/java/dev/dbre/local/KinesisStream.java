package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * The generated stream's delivery: Kinesis records in event-source-mapping batches, through the
 * real {@link KinesisIngestHandler}, retried as Lambda retries with {@code ReportBatchItemFailures}
 * (from the lowest failed sequence number on).
 */
final class KinesisStream {
    /** Shaped like a Kinesis stream ARN: the handler uses the ARN as the ingest source. */
    static final String SOURCE = "arn:aws:kinesis:us-east-1:000000000000:stream/dbre-local-generated";

    static final String SHARD = "shardId-000000000000";
    /** Deliveries of a batch before giving up, as a bounded MaximumRetryAttempts would. */
    static final int DELIVERY_ATTEMPTS = 3;

    private final KinesisIngestHandler handler;

    KinesisStream(KinesisIngestHandler handler) {
        this.handler = handler;
    }

    /**
     * Kinesis sequence numbers are decimal strings that grow within a shard; these have the same
     * shape (56 digits) and order.
     */
    static String sequence(long recordIndex) {
        return String.format(Locale.ROOT, "4959%052d", recordIndex);
    }

    /** One record as the event source mapping delivers it. */
    static KinesisEvent.KinesisEventRecord record(long index, byte[] data, Instant arrival) {
        KinesisEvent.Record k = new KinesisEvent.Record();
        k.setKinesisSchemaVersion("1.0");
        k.setPartitionKey("generator");
        k.setSequenceNumber(sequence(index));
        k.setData(ByteBuffer.wrap(data));
        k.setApproximateArrivalTimestamp(Date.from(arrival));
        KinesisEvent.KinesisEventRecord r = new KinesisEvent.KinesisEventRecord();
        r.setKinesis(k);
        r.setEventSource("aws:kinesis");
        r.setEventVersion("1.0");
        r.setEventID(SHARD + ":" + k.getSequenceNumber());
        r.setEventName("aws:kinesis:record");
        r.setAwsRegion("us-east-1");
        r.setEventSourceARN(SOURCE);
        return r;
    }

    /**
     * Delivers one batch until the handler reports no failure, at most {@value #DELIVERY_ATTEMPTS}
     * times.
     *
     * @throws IllegalStateException if records are still reported failed after the last attempt
     */
    void deliver(List<KinesisEvent.KinesisEventRecord> records) {
        List<KinesisEvent.KinesisEventRecord> pending = records;
        for (int attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
            KinesisEvent event = new KinesisEvent();
            event.setRecords(pending);
            StreamsEventResponse response = handler.handleRequest(event, LambdaContext.next("dbre-ingest-kinesis"));
            List<StreamsEventResponse.BatchItemFailure> failures = response.getBatchItemFailures();
            if (failures == null || failures.isEmpty()) {
                return;
            }
            pending = from(pending, failures.get(0).getItemIdentifier());
        }
        throw new IllegalStateException(pending.size() + " Kinesis record(s) still reported failed after "
                + DELIVERY_ATTEMPTS + " deliveries, from sequence "
                + pending.get(0).getKinesis().getSequenceNumber() + " (see the log for the cause)");
    }

    /** Lambda checkpoints before the lowest failed sequence number and delivers again from it. */
    private static List<KinesisEvent.KinesisEventRecord> from(
            List<KinesisEvent.KinesisEventRecord> records, String sequence) {
        List<KinesisEvent.KinesisEventRecord> rest = new ArrayList<>();
        boolean found = false;
        for (KinesisEvent.KinesisEventRecord r : records) {
            found |= r.getKinesis().getSequenceNumber().equals(sequence);
            if (found) {
                rest.add(r);
            }
        }
        return found ? rest : records;
    }
}
