package dev.dbre.azure.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The Timer trigger's {@code TimerInfo}, as the Java worker passes it (a JSON string): {@code
 * {"Schedule":{..},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue":bool}}. Every field is
 * optional ({@code ScheduleStatus} is null when the schedule is not monitored); a field of the wrong
 * shape is refused naming it. The functions run on the invocation's own time, not on these values:
 * they are logged, and a tick that is past due says so.
 *
 * @param pastDue the host ran this tick late ({@code IsPastDue})
 * @param last the previous scheduled occurrence ({@code ScheduleStatus.Last}), when monitored
 * @param next the next scheduled occurrence ({@code ScheduleStatus.Next}), when monitored
 */
public record TimerTick(boolean pastDue, Optional<Instant> last, Optional<Instant> next) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param timerInfo the binding value; null or blank is a tick without details
     * @throws IllegalArgumentException when it is not a JSON object, or a field has the wrong shape
     *     (the message names the field)
     */
    public static TimerTick parse(String timerInfo) {
        if (timerInfo == null || timerInfo.isBlank()) {
            return new TimerTick(false, Optional.empty(), Optional.empty());
        }
        JsonNode root;
        try {
            root = JSON.readTree(timerInfo);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the TimerInfo is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the TimerInfo is not a JSON object");
        }
        JsonNode pastDue = root.path("IsPastDue");
        if (!pastDue.isMissingNode() && !pastDue.isNull() && !pastDue.isBoolean()) {
            throw new IllegalArgumentException("TimerInfo.IsPastDue is not true or false: " + pastDue);
        }
        JsonNode status = root.path("ScheduleStatus");
        if (!status.isMissingNode() && !status.isNull() && !status.isObject()) {
            throw new IllegalArgumentException("TimerInfo.ScheduleStatus is not an object: " + status);
        }
        return new TimerTick(pastDue.asBoolean(false), time(status, "Last"), time(status, "Next"));
    }

    private static Optional<Instant> time(JsonNode status, String field) {
        JsonNode v = status.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(v.asText()).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "TimerInfo.ScheduleStatus." + field + " is not an ISO-8601 time with offset: " + v);
        }
    }

    @Override
    public String toString() {
        return "tick[pastDue=" + pastDue + ", last="
                + last.map(Instant::toString).orElse("-") + ", next="
                + next.map(Instant::toString).orElse("-") + "]";
    }
}
