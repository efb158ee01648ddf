package dev.dbre.slo;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The SLO report: one entry per SLO objective. Its JSON form is documented by {@code
 * docs/slo-report.schema.json} (version {@link #SCHEMA_VERSION}); numbers the data cannot give are
 * null, never NaN.
 */
public record SloReport(int schemaVersion, Instant generatedAt, Instant at, List<Entry> slos) {
    /** Bumped on any change of the JSON shape. */
    public static final int SCHEMA_VERSION = 2;

    public SloReport {
        slos = List.copyOf(slos);
    }

    /**
     * One SLO objective.
     *
     * @param objective the objective's displayName, or a generated one ("99.5%")
     * @param threshold the op and value of a threshold SLI, else null
     * @param sli the SLI over the window, null when there is no data
     * @param enoughData whether the window has enough events that a single bad one cannot consume the
     *     whole budget (at least 1 / (1 - target))
     * @param history whole past calendar periods, newest first (empty for a rolling window)
     */
    public record Entry(
            String name,
            String displayName,
            String service,
            String objective,
            String indicator,
            String budgetingMethod,
            Window window,
            double target,
            Threshold threshold,
            Double sli,
            Budget budget,
            Map<String, BurnRate> burnRates,
            List<Alert> alerts,
            boolean enoughData,
            Counts counts,
            List<PastPeriod> history,
            Series series) {}

    /**
     * The evaluated window.
     *
     * @param kind rolling or calendar
     * @param duration the spec's shorthand, e.g. {@code 28d} or {@code 1M}
     * @param timeZone the calendar's zone (null for rolling)
     * @param periodEnd the end of the calendar period (= {@code to} for rolling)
     * @param hourGrainUntil null, or the end of the first part of the steps evaluated (the window
     *     and the alert windows' lookback before it) that was read from hourly rollups because the
     *     minute rollups of that time are no longer kept: Occurrences counts its events exactly at an
     *     hour's grain, slices there have no data (docs/slo.md, "Long windows"); since schema 2
     */
    public record Window(
            Instant from,
            Instant to,
            String kind,
            String duration,
            String timeZone,
            Instant periodEnd,
            Instant hourGrainUntil) {}

    public record Threshold(String op, double value) {}

    /**
     * The error budget.
     *
     * @param total the budget as a share of events (or slices): 1 - target
     * @param consumed the share of the budget spent (above 1 when overspent); null with no data
     * @param remaining 1 - consumed; null with no data
     * @param unit what the amounts count: {@code events} or {@code minutes}
     * @param totalAmount the budget in that unit (Timeslices: of the whole period)
     * @param consumedAmount spent, in that unit
     * @param remainingAmount left, in that unit (negative when overspent)
     */
    public record Budget(
            double total,
            Double consumed,
            Double remaining,
            String unit,
            double totalAmount,
            double consumedAmount,
            double remainingAmount) {}

    /**
     * The burn rate over one window ending now.
     *
     * @param burnRate null unless status is {@code ok}
     * @param events events (or slices with data) in the window
     * @param status {@code ok}, {@code not enough data} or {@code no data}
     */
    public record BurnRate(Double burnRate, double events, String status) {}

    /**
     * One multi-window burn-rate alert.
     *
     * @param firing whether it fires: both windows burn above the threshold for its {@code alertAfter},
     *     or (a policy with {@code alertWhenNoData}) a window has no data
     * @param status {@code firing}, {@code ok}, {@code not enough data}, {@code no data} or {@code
     *     pending} (the condition holds, not yet for {@code alertAfter})
     */
    public record Alert(
            String name,
            String severity,
            String longWindow,
            String shortWindow,
            double threshold,
            boolean firing,
            String status,
            Double longBurnRate,
            Double shortBurnRate,
            String alertAfter) {}

    /**
     * What the window counted.
     *
     * @param good good events (Occurrences), good slices (Timeslices) or the sum of slice ratios
     * @param total events, or slices with data
     * @param slicesWithoutData steps or slices with no data (neither good nor bad)
     */
    public record Counts(double good, double total, long slicesWithoutData) {}

    /** A whole past calendar period. */
    public record PastPeriod(
            Instant from, Instant to, Double sli, Double budgetConsumed, Double budgetRemaining, boolean enoughData) {}

    /**
     * Chart data over the window: per point, its time (the end of its bucket), the SLI within the
     * bucket (null with no data), the budget left from the window start to that time, and the burn
     * rate of each alert window ending there (null with no data).
     */
    public record Series(
            List<Instant> times, List<Double> sli, List<Double> budgetRemaining, Map<String, List<Double>> burnRates) {}
}
