package dev.dbre.aws.event;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tick of a schedule: EventBridge Scheduler's input template ({@code {"scheduledTime":
 * "<aws.scheduler.scheduled-time>", "dryRun": false}}, {@code events/aws/scheduler-snapshot.json})
 * or an EventBridge rule's "Scheduled Event" (its {@code time}).
 *
 * <p>{@code scheduledTime}, else {@code time}, fixes the slot (null: the handler uses its clock);
 * {@code dryRun} (true/false, or the strings "true"/"false") asks for a plan only. Other fields are
 * ignored. An input that is not a JSON object (none, or a template that is plain text) is a tick
 * with neither, so the schedule still runs; a field that is present but malformed is refused
 * ({@link BadEventException} naming it), because guessing would run the wrong slot or really
 * snapshot when a dry run was asked for.
 *
 * @param scheduledTime the schedule's time, or null when the input carries none
 * @param dryRun the input asked for a dry run
 */
public record ScheduledTick(Instant scheduledTime, boolean dryRun) {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledTick.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @throws BadEventException naming {@code scheduledTime}, {@code time} or {@code dryRun} when it
     *     is present but not an ISO-8601 instant / not a boolean
     * @throws UncheckedIOException when the input cannot be read at all
     */
    public static ScheduledTick decode(InputStream input) {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (JacksonException e) {
            LOG.warn("schedule input is not JSON ({}): running with the clock's time", e.getOriginalMessage());
            return new ScheduledTick(null, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schedule's input", e);
        }
        if (event == null || !event.isObject()) {
            return new ScheduledTick(null, false);
        }
        Instant scheduled = instant(event, "scheduledTime");
        return new ScheduledTick(scheduled != null ? scheduled : instant(event, "time"), dryRun(event));
    }

    private static Instant instant(JsonNode event, String field) {
        JsonNode v = event.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new BadEventException(field, "must be an ISO-8601 instant string, was " + v.getNodeType());
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new BadEventException(
                    field, "must be an ISO-8601 instant such as 2026-11-23T23:00:00Z, was '" + v.asText() + "'");
        }
    }

    private static boolean dryRun(JsonNode event) {
        JsonNode v = event.get("dryRun");
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
            return Boolean.parseBoolean(v.asText());
        }
        throw new BadEventException("dryRun", "must be true or false, was " + v);
    }
}
