package dev.dbre.slo.spec;

import java.time.Duration;
import java.time.ZonedDateTime;

/**
 * An OpenSLO duration shorthand: a positive whole number and one case-sensitive unit of {@code m h
 * d w M Q Y} ({@code 1m} is a minute, {@code 1M} a month). Months, quarters and years are calendar
 * units: {@link #addTo} steps through the calendar of a time zone; {@link #nominal} gives 30, 90
 * and 365 days for them, as the OpenSLO go-sdk does.
 */
public record SpecDuration(long amount, Unit unit) {
    /** The shorthand units, with the fixed length of the non-calendar ones. */
    public enum Unit {
        MINUTE('m', Duration.ofMinutes(1)),
        HOUR('h', Duration.ofHours(1)),
        DAY('d', Duration.ofDays(1)),
        WEEK('w', Duration.ofDays(7)),
        MONTH('M', Duration.ofDays(30)),
        QUARTER('Q', Duration.ofDays(90)),
        YEAR('Y', Duration.ofDays(365));

        final char symbol;
        final Duration nominal;

        Unit(char symbol, Duration nominal) {
            this.symbol = symbol;
            this.nominal = nominal;
        }
    }

    public SpecDuration {
        if (amount <= 0) {
            throw new IllegalArgumentException("must be positive");
        }
    }

    /**
     * Parses {@code 28d}, {@code 1M}, ...
     *
     * @throws IllegalArgumentException naming the accepted form
     */
    public static SpecDuration parse(String text) {
        String bad = "must be a whole number and one unit of m h d w M Q Y (5m, 1h, 28d, 1M), was \"" + text + "\"";
        if (text == null || text.length() < 2 || text.length() > 10) {
            throw new IllegalArgumentException(bad);
        }
        char symbol = text.charAt(text.length() - 1);
        Unit unit = null;
        for (Unit u : Unit.values()) {
            if (u.symbol == symbol) {
                unit = u;
            }
        }
        String digits = text.substring(0, text.length() - 1);
        if (unit == null || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException(bad);
        }
        long amount = Long.parseLong(digits);
        if (amount <= 0) {
            throw new IllegalArgumentException(bad);
        }
        return new SpecDuration(amount, unit);
    }

    /** Whether the length depends on the calendar (M, Q, Y). */
    public boolean isCalendarUnit() {
        return unit == Unit.MONTH || unit == Unit.QUARTER || unit == Unit.YEAR;
    }

    /** The fixed length; months, quarters and years count 30, 90 and 365 days. */
    public Duration nominal() {
        return unit.nominal.multipliedBy(amount);
    }

    /** {@code t} plus {@code times} of this duration, in the calendar of {@code t}'s zone. */
    public ZonedDateTime addTo(ZonedDateTime t, long times) {
        long n = amount * times;
        return switch (unit) {
            case MINUTE -> t.plusMinutes(n);
            case HOUR -> t.plusHours(n);
            case DAY -> t.plusDays(n);
            case WEEK -> t.plusWeeks(n);
            case MONTH -> t.plusMonths(n);
            case QUARTER -> t.plusMonths(3 * n);
            case YEAR -> t.plusYears(n);
        };
    }

    /** The shorthand, e.g. {@code 28d}. */
    @Override
    public String toString() {
        return amount + String.valueOf(unit.symbol);
    }

    /** The shortest shorthand of a whole number of minutes: {@code 5m}, {@code 1h}, {@code 3d}. */
    public static String shorthand(Duration d) {
        long minutes = d.toMinutes();
        if (minutes > 0 && minutes % (24 * 60) == 0) {
            return minutes / (24 * 60) + "d";
        }
        if (minutes > 0 && minutes % 60 == 0) {
            return minutes / 60 + "h";
        }
        return minutes + "m";
    }
}
