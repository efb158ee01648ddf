package dev.dbre.gcp.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Turns a Pub/Sub {@code google.cloud.pubsub.topic.v1.messagePublished} CloudEvent into a
 * one-record {@link IngestBatch}.
 *
 * <p>The event's data is a {@code MessagePublishedData} JSON object: {@code message.data} (base64),
 * {@code message.messageId}, {@code message.publishTime}, {@code message.attributes} and {@code
 * subscription}. Exactly-once key: source {@code pubsub:projects/<p>/topics/<t>} (the topic, from
 * the event's {@code source} {@code //pubsub.googleapis.com/projects/<p>/topics/<t>}), shard {@code
 * ""}, sequence = the message id (unique within the topic, the same on every redelivery and in
 * every subscription). The key names the topic, not the subscription: two subscriptions of one
 * topic into one database store each message once. Releases before schema V7 keyed by the
 * subscription; that source is passed as the batch's previous source, so a message stored under it
 * is still a duplicate.
 *
 * <p>Never throws for bad input: an event that is not a MessagePublishedData, or whose data is not
 * base64, becomes an undecodable record (kept as a BAD_RECORD reject, and acknowledged: redelivery
 * cannot repair it).
 */
final class PubSubMessages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBSUB_SERVICE = "//pubsub.googleapis.com/";

    private PubSubMessages() {}

    static IngestBatch of(CloudEvent event, Clock clock) {
        byte[] raw = event.getData() == null ? new byte[0] : event.getData().toBytes();
        Instant eventTime =
                event.getTime() == null ? clock.instant() : event.getTime().toInstant();
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (IOException e) {
            root = null;
        }
        JsonNode message = root == null ? null : root.path("message");
        String subscription = root == null ? null : text(root, "subscription");
        String source = topicSource(event);
        List<String> previous = List.of("pubsub:" + (subscription != null ? subscription : event.getSource()));
        if (message == null || !message.isObject()) {
            return one(
                    source,
                    previous,
                    SourceRecord.undecodable(
                            "",
                            event.getId(),
                            0,
                            eventTime,
                            raw,
                            "the CloudEvent data is not a Pub/Sub MessagePublishedData (no message object)"));
        }
        String messageId = first(message, "messageId", "message_id");
        String sequence = messageId != null ? messageId : event.getId();
        Instant arrival = publishTime(first(message, "publishTime", "publish_time"), eventTime);
        String data = text(message, "data");
        if (data == null) {
            // Pub/Sub allows a message with attributes only: nothing to parse, the key is still kept.
            return one(source, previous, new SourceRecord("", sequence, arrival, new byte[0], PayloadFormat.AUTO));
        }
        byte[] payload;
        try {
            payload = Base64.getDecoder().decode(data.trim());
        } catch (IllegalArgumentException e) {
            return one(
                    source,
                    previous,
                    SourceRecord.undecodable(
                            "",
                            sequence,
                            0,
                            arrival,
                            data.getBytes(StandardCharsets.UTF_8),
                            "message.data is not valid base64: " + e.getMessage()));
        }
        return one(
                source, previous, new SourceRecord("", sequence, arrival, payload, format(message.path("attributes"))));
    }

    /** From the {@code content-type} or {@code format} attribute; AUTO when neither says. */
    static PayloadFormat format(JsonNode attributes) {
        String v = first(attributes, "content-type", "format");
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

    private static Instant publishTime(String text, Instant fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return fallback;
        }
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

    private static String first(JsonNode node, String name, String otherName) {
        String v = text(node, name);
        return v != null ? v : text(node, otherName);
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }
}
