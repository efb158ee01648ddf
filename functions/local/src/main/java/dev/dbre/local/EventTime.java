package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * When the platform delivered an ingest event: the newest time it stamped on it. A local replay of
 * a sample event runs its function at that time, so the event is stored as it was when it was
 * sent; at today's clock its lines would be older than the store accepts ({@code TOO_OLD}).
 */
final class EventTime {
    private EventTime() {}

    /**
     * The newest delivery time in {@code event}: Kinesis {@code Records[].kinesis.approximateArrivalTimestamp}
     * (epoch seconds), API Gateway {@code requestContext.timeEpoch} (epoch milliseconds), Event Hubs
     * {@code SystemPropertiesArray[].EnqueuedTimeUtc} or {@code x-opt-enqueued-time}, Pub/Sub
     * {@code message.publishTime} (bare or in a CloudEvent's {@code data}); empty when it has none
     * (the Azure and Google Cloud HTTP requests carry no time: the function's clock is their arrival).
     */
    static Optional<Instant> deliveredAt(JsonNode event) {
        Instant newest = null;
        for (JsonNode r : event.path("Records")) {
            JsonNode arrival = r.path("kinesis").path("approximateArrivalTimestamp");
            if (arrival.isNumber()) {
                newest = later(newest, epochSeconds(arrival.decimalValue()));
            }
        }
        JsonNode timeEpoch = event.path("requestContext").path("timeEpoch");
        if (timeEpoch.isNumber()) {
            newest = later(newest, Instant.ofEpochMilli(timeEpoch.longValue()));
        }
        for (JsonNode p : event.path("SystemPropertiesArray")) {
            newest = later(newest, iso(p.path("EnqueuedTimeUtc")));
            newest = later(newest, iso(p.path("x-opt-enqueued-time")));
        }
        newest = later(newest, iso(event.path("message").path("publishTime")));
        newest = later(newest, iso(event.path("data").path("message").path("publishTime")));
        return Optional.ofNullable(newest);
    }

    /** A clock that reads {@code at} now and moves on from it at the wall clock's pace. */
    static Clock startingAt(Instant at, Clock wall) {
        return Clock.offset(wall, Duration.between(wall.instant(), at));
    }

    private static Instant epochSeconds(BigDecimal seconds) {
        BigDecimal whole = new BigDecimal(seconds.toBigInteger());
        return Instant.ofEpochSecond(
                whole.longValueExact(),
                seconds.subtract(whole).movePointRight(9).longValue());
    }

    private static Instant iso(JsonNode text) {
        if (!text.isTextual()) {
            return null;
        }
        try {
            return Instant.parse(text.asText());
        } catch (DateTimeParseException e) {
            return null; // not a time this replay can use: the event runs at the wall clock
        }
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isAfter(a) ? a : b;
    }
}
