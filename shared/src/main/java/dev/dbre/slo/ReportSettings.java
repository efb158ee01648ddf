package dev.dbre.slo;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.time.Duration;

/**
 * How a report is computed.
 *
 * @param step the resolution of Occurrences SLOs (slice SLOs use their slice); a whole number of
 *     minutes that divides an hour; default 1 minute
 * @param pastPeriods how many whole calendar periods before the current one are reported; default 3
 * @param minEvents the fewest events (or slices with data) a paging rule's long window needs before
 *     it may fire; null derives it per rule: enough that one bad event alone cannot burn above the
 *     threshold
 * @param chartPoints at most this many points per chart series; default 120
 * @param recordingUnused how long a recorded SLI question may go unasked before a report run deletes
 *     its recording ({@value #RECORDING_UNUSED_DAYS}); default {@value #DEFAULT_RECORDING_UNUSED_DAYS}
 *     days
 */
public record ReportSettings(
        Duration step, int pastPeriods, Long minEvents, int chartPoints, Duration recordingUnused) {
    /** The default of {@link #RECORDING_UNUSED_DAYS}: longer than a monthly report's interval. */
    public static final int DEFAULT_RECORDING_UNUSED_DAYS = 35;

    public static final ReportSettings DEFAULTS = new ReportSettings(Duration.ofMinutes(1), 3, null, 120);

    /** The fixed low-traffic minimum of every paging rule; unset derives it per rule. */
    public static final String MIN_EVENTS = "DBRE_SLO_MIN_EVENTS";

    /** Days a recorded SLI question may go unasked before its recording is deleted. */
    public static final String RECORDING_UNUSED_DAYS = "DBRE_SLO_RECORDING_UNUSED_DAYS";

    public ReportSettings {
        long minutes = step.toMinutes();
        if (!step.equals(Duration.ofMinutes(minutes)) || minutes < 1 || 60 % minutes != 0) {
            throw new IllegalArgumentException("step must be whole minutes that divide an hour, was " + step);
        }
        if (pastPeriods < 0 || chartPoints < 2 || (minEvents != null && minEvents < 1)) {
            throw new IllegalArgumentException("pastPeriods >= 0, chartPoints >= 2, minEvents >= 1");
        }
        if (recordingUnused.toDays() < 1) {
            throw new IllegalArgumentException("recordingUnused must be at least a day, was " + recordingUnused);
        }
    }

    /** With the default {@code recordingUnused}. */
    public ReportSettings(Duration step, int pastPeriods, Long minEvents, int chartPoints) {
        this(step, pastPeriods, minEvents, chartPoints, Duration.ofDays(DEFAULT_RECORDING_UNUSED_DAYS));
    }

    /**
     * The defaults with {@code minEvents} from {@link #MIN_EVENTS} and {@code recordingUnused} from
     * {@link #RECORDING_UNUSED_DAYS} when set.
     *
     * @throws ConfigException naming the variable when one is not a whole number >= 1
     */
    public static ReportSettings fromEnv(Env env) {
        String text = env.optional(MIN_EVENTS);
        ReportSettings s = text == null ? DEFAULTS : DEFAULTS.withMinEvents(parseMinEvents(MIN_EVENTS, text));
        String days = env.optional(RECORDING_UNUSED_DAYS);
        return days == null ? s : s.withRecordingUnused(Duration.ofDays(parseDays(RECORDING_UNUSED_DAYS, days)));
    }

    /** These settings with a fixed low-traffic minimum (null: derived per rule). */
    public ReportSettings withMinEvents(Long min) {
        return new ReportSettings(step, pastPeriods, min, chartPoints, recordingUnused);
    }

    /** These settings with another time a recorded question may go unasked. */
    public ReportSettings withRecordingUnused(Duration unused) {
        return new ReportSettings(step, pastPeriods, minEvents, chartPoints, unused);
    }

    private static long parseDays(String where, String text) {
        try {
            long days = Long.parseLong(text.strip());
            if (days >= 1 && days <= 36_500) {
                return days;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ConfigException(where, "must be a whole number of days from 1 to 36500, was '" + text + "'");
    }

    /** @throws ConfigException naming {@code where} unless {@code text} is a whole number >= 1 */
    public static long parseMinEvents(String where, String text) {
        try {
            long min = Long.parseLong(text.strip());
            if (min >= 1) {
                return min;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new ConfigException(where, "must be a whole number of events >= 1, was '" + text + "'");
    }
}
