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
 */
public record ReportSettings(Duration step, int pastPeriods, Long minEvents, int chartPoints) {
    public static final ReportSettings DEFAULTS = new ReportSettings(Duration.ofMinutes(1), 3, null, 120);

    /** The fixed low-traffic minimum of every paging rule; unset derives it per rule. */
    public static final String MIN_EVENTS = "DBRE_SLO_MIN_EVENTS";

    public ReportSettings {
        long minutes = step.toMinutes();
        if (!step.equals(Duration.ofMinutes(minutes)) || minutes < 1 || 60 % minutes != 0) {
            throw new IllegalArgumentException("step must be whole minutes that divide an hour, was " + step);
        }
        if (pastPeriods < 0 || chartPoints < 2 || (minEvents != null && minEvents < 1)) {
            throw new IllegalArgumentException("pastPeriods >= 0, chartPoints >= 2, minEvents >= 1");
        }
    }

    /** The defaults with {@code minEvents} from {@link #MIN_EVENTS} when set. */
    public static ReportSettings fromEnv(Env env) {
        String text = env.optional(MIN_EVENTS);
        return text == null ? DEFAULTS : DEFAULTS.withMinEvents(parseMinEvents(MIN_EVENTS, text));
    }

    /** These settings with a fixed low-traffic minimum (null: derived per rule). */
    public ReportSettings withMinEvents(Long min) {
        return new ReportSettings(step, pastPeriods, min, chartPoints);
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
