package dev.dbre.gcp.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pub/Sub message inside an Eventarc {@code google.cloud.pubsub.topic.v1.messagePublished}
 * CloudEvent, the one shape every Pub/Sub-triggered function reads (ingest, the scheduler ticks,
 * Secret Manager notifications). The event's data is a {@code MessagePublishedData} JSON object:
 * {@code {"message": {"data", "attributes", "messageId", "publishTime"}, "subscription"}}; the
 * Functions Framework's conversion of a legacy Pub/Sub event adds the snake_case spellings ({@code
 * message_id}, {@code publish_time}), read when the camelCase one is absent.
 *
 * @param messageId the message id; the event id when the message has none (Eventarc sets the
 *     event id to the message id)
 * @param publishTime when Pub/Sub accepted the message, or null when the message does not say
 * @param data the message body as sent (base64), or null when the message has none (Pub/Sub
 *     allows a message with attributes only)
 * @param attributes the message attributes, empty when there are none
 * @param subscription the push subscription that delivered it, or null
 */
public record PubSubEnvelope(
        String messageId, Instant publishTime, String data, Map<String, String> attributes, String subscription) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public PubSubEnvelope {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * Decodes the event's data.
     *
     * @throws IllegalArgumentException naming the field that is missing or of the wrong shape
     *     (the data is not JSON, has no {@code message} object, or a field of it is not a string,
     *     {@code publishTime} not an RFC 3339 time, {@code attributes} not an object of strings)
     */
    public static PubSubEnvelope decode(CloudEvent event) {
        byte[] raw = event.getData() == null ? new byte[0] : event.getData().toBytes();
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "the CloudEvent data is not a Pub/Sub MessagePublishedData (the data is not JSON)");
        }
        JsonNode message = root == null ? null : root.get("message");
        if (message == null || !message.isObject()) {
            throw new IllegalArgumentException(
                    "the CloudEvent data is not a Pub/Sub MessagePublishedData (no message object)");
        }
        String messageId = text(message, "message.", "messageId", "message_id");
        String publishTime = text(message, "message.", "publishTime", "publish_time");
        return new PubSubEnvelope(
                messageId != null ? messageId : event.getId(),
                publishTime == null ? null : time("message.publishTime", publishTime),
                text(message, "message.", "data", "data"),
                attributes(message.get("attributes")),
                text(root, "", "subscription", "subscription"));
    }

    /**
     * The body, base64-decoded; empty when the message has none.
     *
     * @throws IllegalArgumentException naming {@code message.data} when it is not valid base64
     */
    public byte[] payload() {
        if (data == null) {
            return new byte[0];
        }
        try {
            return Base64.getDecoder().decode(data.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("message.data is not valid base64: " + e.getMessage());
        }
    }

    /** The attribute {@code name}, or null. */
    public String attribute(String name) {
        return attributes.get(name);
    }

    private static Instant time(String field, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " is not an RFC 3339 time: '" + text + "'");
        }
    }

    private static Map<String, String> attributes(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("message.attributes is not an object of strings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("message.attributes." + e.getKey() + " is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The first of the two spellings that is set; null when neither is; an error when not a string. */
    private static String text(JsonNode node, String prefix, String name, String otherName) {
        for (String n : new String[] {name, otherName}) {
            JsonNode v = node.get(n);
            if (v == null || v.isNull()) {
                continue;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(prefix + n + " is not a string");
            }
            if (!v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }
}
