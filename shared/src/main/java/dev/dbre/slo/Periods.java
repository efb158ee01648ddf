package dev.dbre.slo;

import dev.dbre.slo.spec.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an SLO's window lies at a given time. A rolling window ends at the last whole step before
 * {@code at} (steps are aligned to the Unix epoch). A calendar window is the period that contains
 * {@code at}, counted in whole periods from {@code calendar.startTime} in the spec's time zone, so a
 * month is a calendar month and a day may be 23 or 25 hours long; its elapsed part ends at the last
 * whole step (steps are aligned to the period start).
 */
public final class Periods {
    private Periods() {}

    /**
     * One period.
     *
     * @param from its start
     * @param to the end of what is evaluated (the last whole step before "now", or the period end)
     * @param end the period's end (= {@code to} for a rolling window)
     */
    public record Period(Instant from, Instant to, Instant end, boolean rolling) {
        /** The full length of the period (a calendar month: its days in the zone). */
        public Duration length() {
            return Duration.between(from, end);
        }

        /** Whether the whole period lies in the past. */
        public boolean complete() {
            return to.equals(end);
        }
    }

    /** The current period at {@code at}, evaluated in whole steps. */
    public static Period current(TimeWindow window, Instant at, Duration step) {
        if (window.rolling()) {
            Instant to = floor(Instant.EPOCH, at, step);
            return new Period(to.minus(window.duration().nominal()), to, to, true);
        }
        ZonedDateTime start = window.calendarStart().atZone(window.zone());
        long k = indexOf(window, start, at);
        Instant from = window.duration().addTo(start, k).toInstant();
        Instant end = window.duration().addTo(start, k + 1).toInstant();
        Instant to = floor(from, at, step);
        return new Period(from, to.isAfter(end) ? end : to, end, false);
    }

    /** Up to {@code count} whole calendar periods before {@code current}, newest first (none for rolling). */
    public static List<Period> past(TimeWindow window, Period current, int count) {
        List<Period> out = new ArrayList<>();
        if (window.rolling()) {
            return out;
        }
        ZonedDateTime start = window.calendarStart().atZone(window.zone());
        long k = indexOf(window, start, current.from());
        for (long i = k - 1; i >= k - count; i--) {
            Instant from = window.duration().addTo(start, i).toInstant();
            Instant end = window.duration().addTo(start, i + 1).toInstant();
            out.add(new Period(from, end, end, false));
        }
        return out;
    }

    /** The k of the period [start + k x duration, start + (k+1) x duration) that contains {@code at}. */
    private static long indexOf(TimeWindow window, ZonedDateTime start, Instant at) {
        long nominal = window.duration().nominal().toSeconds();
        long k = Math.floorDiv(at.getEpochSecond() - start.toEpochSecond(), nominal);
        while (window.duration().addTo(start, k).toInstant().isAfter(at)) {
            k--;
        }
        while (!window.duration().addTo(start, k + 1).toInstant().isAfter(at)) {
            k++;
        }
        return k;
    }

    /** The latest {@code origin + n x step} at or before {@code t} (steps are whole seconds). */
    static Instant floor(Instant origin, Instant t, Duration step) {
        long offset = t.getEpochSecond() - origin.getEpochSecond();
        return origin.plusSeconds(Math.floorDiv(offset, step.toSeconds()) * step.toSeconds());
    }
}
