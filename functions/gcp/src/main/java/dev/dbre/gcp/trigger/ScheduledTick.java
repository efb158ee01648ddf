package dev.dbre.gcp.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.time.Instant;

/**
 * A Cloud Scheduler tick delivered through Pub/Sub (Cloud Scheduler → topic → Eventarc {@code
 * messagePublished}): when it fired and whether it asks for a dry run.
 *
 * @param scheduledTime the message's {@code publishTime} (a redelivery carries the same one, so it
 *     plans the same slot), else the event's time, else null (the caller's clock)
 * @param dryRun the body was {@code {"dryRun": true}}
 * @param ignoredBody why the body was not read as a tick's options (not base64, not a JSON
 *     object), or null; such a body is ignored, as the scheduler's job may carry any text
 */
public record ScheduledTick(Instant scheduledTime, boolean dryRun, String ignoredBody) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws IllegalArgumentException naming the field when the event is not a Pub/Sub message
     *     ({@link PubSubEnvelope#decode}) or {@code dryRun} is there but not true or false
     */
    public static ScheduledTick of(CloudEvent event) {
        Instant eventTime = event.getTime() == null ? null : event.getTime().toInstant();
        if (event.getData() == null) {
            return new ScheduledTick(eventTime, false, null);
        }
        PubSubEnvelope message = PubSubEnvelope.decode(event);
        Instant scheduled = message.publishTime() != null ? message.publishTime() : eventTime;
        if (message.data() == null) {
            return new ScheduledTick(scheduled, false, null);
        }
        JsonNode body;
        try {
            body = JSON.readTree(message.payload());
        } catch (IOException | IllegalArgumentException e) {
            return new ScheduledTick(scheduled, false, "message.data is not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            return new ScheduledTick(scheduled, false, "message.data is not a JSON object");
        }
        JsonNode dryRun = body.get("dryRun");
        if (dryRun != null && !dryRun.isNull() && !dryRun.isBoolean()) {
            // Refused rather than ignored: a run the sender meant to be dry must not change anything.
            throw new IllegalArgumentException("message.data.dryRun must be true or false, was " + dryRun);
        }
        return new ScheduledTick(scheduled, dryRun != null && dryRun.asBoolean(false), null);
    }
}
