package dev.dbre.slo;

import java.time.Duration;

/**
 * How a report is computed.
 *
 * @param step the resolution of Occurrences SLOs (slice SLOs use their slice); a whole number of
 *     minutes that divides an hour; default 1 minute
 * @param pastPeriods how many whole calendar periods before the current one are reported; default 3
 * @param minEvents the fewest events (or slices with data) an alert window needs before it may fire;
 *     null derives it per rule: enough that one bad event alone cannot burn above the threshold
 * @param chartPoints at most this many points per chart series; default 120
 */
public record ReportSettings(Duration step, int pastPeriods, Long minEvents, int chartPoints) {
    public static final ReportSettings DEFAULTS = new ReportSettings(Duration.ofMinutes(1), 3, null, 120);

    public ReportSettings {
        long minutes = step.toMinutes();
        if (!step.equals(Duration.ofMinutes(minutes)) || minutes < 1 || 60 % minutes != 0) {
            throw new IllegalArgumentException("step must be whole minutes that divide an hour, was " + step);
        }
        if (pastPeriods < 0 || chartPoints < 2 || (minEvents != null && minEvents < 1)) {
            throw new IllegalArgumentException("pastPeriods >= 0, chartPoints >= 2, minEvents >= 1");
        }
    }
}
