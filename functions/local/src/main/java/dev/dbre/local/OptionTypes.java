package dev.dbre.local;

import dev.dbre.config.ConfigException;
import dev.dbre.rotation.RotationStrategy;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The option value types every command shares, checked when the command line is read: a value
 * that does not fit is a usage error (exit 2) naming the option, before anything runs.
 */
final class OptionTypes {
    private OptionTypes() {}

    private static final Pattern SHORT_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    /**
     * A duration as {@code 30m}, {@code 1h30m}, {@code 90s} or ISO-8601 ({@code PT30M}): the same
     * two spellings for every duration option.
     */
    static final class DurationType implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    static Duration parseDuration(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT_DURATION.matcher(v);
        if (!v.isEmpty() && m.matches()) {
            Duration d = Duration.ZERO;
            if (m.group(1) != null) {
                d = d.plusHours(Long.parseLong(m.group(1)));
            }
            if (m.group(2) != null) {
                d = d.plusMinutes(Long.parseLong(m.group(2)));
            }
            if (m.group(3) != null) {
                d = d.plusSeconds(Long.parseLong(m.group(3)));
            }
            return positive(d, value);
        }
        try {
            return positive(Duration.parse(value.strip().toUpperCase(Locale.ROOT)), value);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration; use e.g. 30m, 1h30m, 90s or ISO-8601 PT30M");
        }
    }

    private static Duration positive(Duration d, String value) {
        if (d.isZero() || d.isNegative()) {
            throw new TypeConversionException("'" + value + "' must be a duration above zero");
        }
        return d;
    }

    /** How a duration is printed: the short form the options accept ({@code 30m}, {@code 1h30m}, {@code 45s}). */
    static String format(Duration d) {
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || b.isEmpty()) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }

    /** A point in time: ISO-8601 with a zone or offset, e.g. 2026-11-23T22:43:01Z. */
    static final class TimeType implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a time; use ISO-8601 with a zone, e.g."
                        + " 2026-11-23T22:43:01Z or 2026-11-23T23:43:01+01:00");
            }
        }
    }

    /** single or alternating. */
    static final class StrategyType implements ITypeConverter<RotationStrategy> {
        @Override
        public RotationStrategy convert(String value) {
            try {
                return RotationStrategy.parse(value, "--strategy");
            } catch (ConfigException e) {
                throw new TypeConversionException("'" + value + "' is not a strategy; use single or alternating");
            }
        }
    }
}
