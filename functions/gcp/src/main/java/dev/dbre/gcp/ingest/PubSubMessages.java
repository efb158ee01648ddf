package dev.dbre.gcp.ingest;

import dev.dbre.gcp.trigger.PubSubEnvelope;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Pub/Sub's side of ingest: a {@code messagePublished} CloudEvent ({@link PubSubEnvelope}) becomes
 * a one-record {@link IngestBatch}, and the batch's result becomes an acknowledgement (return) or
 * a redelivery (throw).
 *
 * <p>Exactly-once key: source {@code pubsub:projects/<p>/topics/<t>} (the topic, from the event's
 * {@code source} {@code //pubsub.googleapis.com/projects/<p>/topics/<t>}), shard {@code ""},
 * sequence = the message id (unique within the topic, the same on every redelivery and in every
 * subscription). The key names the topic, not the subscription: two subscriptions of one topic
 * into one database store each message once. Releases before schema V7 keyed by the subscription;
 * that source is passed as the batch's previous source, so a message stored under it is still a
 * duplicate.
 *
 * <p>Never throws for bad input: an event that is not a MessagePublishedData, or whose data is not
 * base64, becomes an undecodable record (kept as a BAD_RECORD reject with the reason naming the
 * field, and acknowledged: redelivery cannot repair it).
 */
final class PubSubMessages {
    private static final String PUBSUB_SERVICE = "//pubsub.googleapis.com/";

    private PubSubMessages() {}

    static IngestBatch of(CloudEvent event, Clock clock) {
        byte[] raw = event.getData() == null ? new byte[0] : event.getData().toBytes();
        Instant eventTime =
                event.getTime() == null ? clock.instant() : event.getTime().toInstant();
        String source = topicSource(event);
        PubSubEnvelope message;
        try {
            message = PubSubEnvelope.decode(event);
        } catch (IllegalArgumentException e) {
            return one(
                    source,
                    List.of("pubsub:" + event.getSource()),
                    SourceRecord.undecodable("", event.getId(), 0, eventTime, raw, e.getMessage()));
        }
        List<String> previous =
                List.of("pubsub:" + (message.subscription() != null ? message.subscription() : event.getSource()));
        Instant arrival = message.publishTime() != null ? message.publishTime() : eventTime;
        byte[] payload;
        try {
            payload = message.payload();
        } catch (IllegalArgumentException e) {
            byte[] data = message.data().getBytes(StandardCharsets.UTF_8);
            return one(
                    source,
                    previous,
                    SourceRecord.undecodable("", message.messageId(), 0, arrival, data, e.getMessage()));
        }
        return one(source, previous, new SourceRecord("", message.messageId(), arrival, payload, format(message)));
    }

    /**
     * Returns when the message may be acknowledged (stored, or kept as a reject).
     *
     * @throws IngestBugException when it was not stored because of a fault a retry meets again (a
     *     bug, the schema, a grant): Pub/Sub redelivers it until the dead-letter policy moves it
     * @throws IngestNotStoredException when it was not stored because of a transient fault
     */
    static void acknowledgeOrThrow(IngestBatch batch, BatchResult result) {
        String sequence = batch.records().get(0).sequence();
        RecordResult record =
                result.records().isEmpty() ? null : result.records().get(0);
        if (result.failedByBug()) {
            throw new IngestBugException("message " + sequence + " not stored (" + record.failure()
                    + "): a fault that is not the message's; Pub/Sub delivers it again"
                    + " until the subscription's dead-letter policy moves it");
        }
        if (record == null || !result.failed().isEmpty()) {
            throw new IngestNotStoredException("message " + sequence + " not stored ("
                    + (record == null ? "no result" : record.failure()) + "); Pub/Sub delivers it again");
        }
    }

    /** From the {@code content-type} or {@code format} attribute; AUTO when neither says. */
    static PayloadFormat format(PubSubEnvelope message) {
        String v = message.attribute("content-type");
        if (v == null) {
            v = message.attribute("format");
        }
        if (v == null) {
            return PayloadFormat.AUTO;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("application/json") || t.equals("json")) {
            return PayloadFormat.JSON;
        }
        if (t.startsWith("text/") || t.equals("dogstatsd")) {
            return PayloadFormat.DOGSTATSD;
        }
        return PayloadFormat.AUTO;
    }

    /**
     * {@code pubsub:projects/<p>/topics/<t>} from the event source Eventarc (and the Functions
     * Framework's conversion of a legacy Pub/Sub event) sets; any other source is kept whole.
     */
    static String topicSource(CloudEvent event) {
        String s = String.valueOf(event.getSource());
        return "pubsub:" + (s.startsWith(PUBSUB_SERVICE) ? s.substring(PUBSUB_SERVICE.length()) : s);
    }

    private static IngestBatch one(String source, List<String> previousSources, SourceRecord record) {
        return new IngestBatch(source, List.of(record), previousSources);
    }
}
