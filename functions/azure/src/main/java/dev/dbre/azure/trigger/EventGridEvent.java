package dev.dbre.azure.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * One Event Grid event as the Event Grid trigger passes it (a JSON string), in the Event Grid
 * schema ({@code eventType}) or the CloudEvents 1.0 schema ({@code type}), alone or as the webhook
 * delivery's array of one. Only what the functions read is kept: the id, the type and {@code data}.
 *
 * @param id the event's id ({@code id}); empty only when the event has none
 * @param type {@code eventType} (Event Grid schema) or {@code type} (CloudEvents); empty when neither
 * @param data the {@code data} object (a missing node when absent)
 */
public record EventGridEvent(Optional<String> id, Optional<String> type, JsonNode data) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException when the text is not JSON, not an object (or an array of
     *     exactly one), or {@code data} is there but not an object
     */
    public static EventGridEvent parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the Event Grid event is not JSON: " + e.getOriginalMessage());
        }
        if (root != null && root.isArray() && root.size() == 1) {
            root = root.get(0); // the webhook delivery shape: an array of one event
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the Event Grid event is not a JSON object");
        }
        JsonNode data = root.path("data");
        if (!data.isMissingNode() && !data.isNull() && !data.isObject()) {
            throw new IllegalArgumentException("the Event Grid event's data is not an object: " + data.getNodeType());
        }
        JsonNode event = root;
        return new EventGridEvent(text(event, "id"), text(event, "eventType").or(() -> text(event, "type")), data);
    }

    /** {@code data.<field>} as text; empty when absent, null, empty or not a single value. */
    public Optional<String> data(String field) {
        return text(data, field);
    }

    /**
     * @throws IllegalArgumentException naming {@code data.<field>} when it is absent or empty
     */
    public String requireData(String field) {
        return data(field)
                .orElseThrow(() -> new IllegalArgumentException(
                        "the Event Grid event " + id.orElse("?") + " has no data." + field));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }
}
