package dev.dbre.slo;

import dev.dbre.slo.Periods.Period;
import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.Budget;
import dev.dbre.slo.SloReport.BurnRate;
import dev.dbre.slo.SloReport.Counts;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import dev.dbre.slo.SloReport.Series;
import dev.dbre.slo.SloReport.Threshold;
import dev.dbre.slo.SloReport.Window;
import dev.dbre.slo.spec.AlertRule;
import dev.dbre.slo.spec.BudgetingMethod;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import dev.dbre.slo.spec.Objective;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SpecDuration;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes the SLO report: per SLO objective the SLI, error budget, burn rates and alert state at a
 * given time. The maths (documented in {@code docs/slo.md}):
 *
 * <ul>
 *   <li>Each step of the grid contributes (good, total): Occurrences its events; Timeslices one
 *       slice, good when its ratio meets {@code timeSliceTarget}; RatioTimeslices one slice worth
 *       its ratio. A step with no data contributes nothing and is counted as without data.
 *   <li>SLI = sum good / sum total; burn rate over a window = (1 - SLI of the window) / (1 - target).
 *   <li>Budget consumed = (total - good) / ((1 - target) x total), except Timeslices, whose budget
 *       is over every slice of the period (so it only falls).
 *   <li>An alert fires when both its windows burn above its threshold and have data; a paging
 *       rule's long window also needs its minimum of events (low traffic), and below it reports
 *       "not enough data". Tickets need no minimum. With an {@code alertAfter} the condition must
 *       also have held at every step end of that span ("pending" until then); an AlertPolicy with
 *       {@code alertWhenNoData} also fires while a window has no data.
 * </ul>
 */
public final class SloEvaluator {
    /** The status of a window that has events enough to be judged. */
    public static final String OK = "ok";

    public static final String FIRING = "firing";
    public static final String NOT_ENOUGH_DATA = "not enough data";
    public static final String NO_DATA = "no data";
    /** The condition holds now, but not yet for the rule's {@code alertAfter}. */
    public static final String PENDING = "pending";

    private final SliData data;
    private final ReportSettings settings;

    public SloEvaluator(SliData data, ReportSettings settings) {
        this.data = data;
        this.settings = settings;
    }

    /** The report of every SLO objective of {@code set} at {@code at}. */
    public SloReport report(SloSpecSet set, Instant at, Instant generatedAt) {
        List<Entry> entries = new ArrayList<>();
        for (Slo slo : set.slos()) {
            for (Objective objective : slo.objectives()) {
                entries.add(evaluate(slo, objective, at));
            }
        }
        return new SloReport(SloReport.SCHEMA_VERSION, generatedAt, at, entries);
    }

    /** One objective of one SLO at {@code at}. */
    public Entry evaluate(Slo slo, Objective objective, Instant at) {
        Duration step = objective.timeSliceWindow() != null ? objective.timeSliceWindow() : settings.step();
        List<AlertRule> rules = slo.alertRules().isEmpty() ? AlertWindows.DEFAULTS : slo.alertRules();
        Period period = Periods.current(slo.window(), at, step);
        int periodSteps = steps(period.from(), period.to(), step);
        int lookback = 0;
        for (AlertRule rule : rules) {
            // alertAfter: the condition is judged at each step end of that span too
            lookback = Math.max(lookback, windowSteps(rule.longWindow(), step) + afterSteps(rule, step));
        }
        // The grid reaches back one longest alert window before the period, so every chart point's
        // burn rate sees a whole window.
        StepGrid grid = new StepGrid(
                period.to().minus(step.multipliedBy(periodSteps + lookback)), step, periodSteps + lookback);
        Contributions contributions = Contributions.of(slo, objective, data, grid);
        Tallies tallies = new Tallies(contributions);
        int a = lookback;
        int b = grid.steps();
        double budgetShare = objective.budgetShare();
        long periodSlices = period.length().dividedBy(step);
        Tally window = tallies.between(a, b);

        Map<Duration, Long> minimums = new TreeMap<>();
        List<Alert> alerts = new ArrayList<>();
        for (AlertRule rule : rules) {
            double k = AlertWindows.threshold(rule, period.length());
            // Only a paging rule's long window needs the low-traffic minimum: a ticket may be raised
            // by few events, and the short window only tells whether the burn still goes on.
            long min = pages(rule) ? minEvents(budgetShare, k) : 1;
            minimums.merge(rule.longWindow(), min, Math::max);
            minimums.merge(rule.shortWindow(), 1L, Math::max);
            alerts.add(alert(rule, k, min, tallies, b, step, budgetShare));
        }
        Map<String, BurnRate> burnRates = new LinkedHashMap<>();
        minimums.forEach((w, min) -> {
            Tally t = tallies.last(b, windowSteps(w, step));
            String status = status(t, min);
            burnRates.put(
                    SpecDuration.shorthand(w),
                    new BurnRate(status.equals(OK) ? t.burnRate(budgetShare) : null, t.total, status));
        });
        List<PastPeriod> history = new ArrayList<>();
        boolean oneStep = pastPeriodInOneStep(slo);
        for (Period past : Periods.past(slo.window(), period, settings.pastPeriods())) {
            // Only the period's totals are reported, so an additive source is asked for one step.
            StepGrid pastGrid = oneStep
                    ? new StepGrid(past.from(), past.length(), 1)
                    : new StepGrid(past.from(), step, steps(past.from(), past.to(), step));
            Tally t = new Tallies(Contributions.of(slo, objective, data, pastGrid)).between(0, pastGrid.steps());
            Budget pb =
                    budget(slo.budgetingMethod(), budgetShare, t, past.length().dividedBy(step), step);
            history.add(new PastPeriod(
                    past.from(),
                    past.to(),
                    t.sli(),
                    pb.consumed(),
                    pb.remaining(),
                    t.total >= windowMinimum(budgetShare)));
        }
        return new Entry(
                slo.name(),
                slo.displayName(),
                slo.service(),
                objectiveName(objective),
                slo.indicator().name(),
                slo.budgetingMethod().specName(),
                new Window(
                        period.from(),
                        period.to(),
                        period.rolling() ? "rolling" : "calendar",
                        slo.window().duration().toString(),
                        period.rolling() ? null : slo.window().zone().getId(),
                        period.end(),
                        contributions.hourGrainSteps() == 0 ? null : grid.start(contributions.hourGrainSteps())),
                objective.target(),
                objective.op() == null ? null : new Threshold(objective.op().specName(), objective.value()),
                window.sli(),
                budget(slo.budgetingMethod(), budgetShare, window, periodSlices, step),
                burnRates,
                alerts,
                window.total >= windowMinimum(budgetShare),
                new Counts(window.good, window.total, window.empty),
                history,
                series(slo.budgetingMethod(), budgetShare, tallies, grid, a, b, periodSlices, minimums.keySet()));
    }

    /**
     * Whether a past period's totals may be read as one step: Occurrences over counts or a
     * threshold (sums of events, so the sum over the steps is the count over the period) from
     * sources that are {@linkplain SliData#additive additive}. A store then reads the period from its
     * day or hour rollups, which it keeps longer than its minutes, instead of every minute of it.
     * Not for raw ratios (a mean of per-step means) nor slices (each slice is judged on its own).
     */
    private boolean pastPeriodInOneStep(Slo slo) {
        if (slo.budgetingMethod() != BudgetingMethod.OCCURRENCES) {
            return false;
        }
        return switch (slo.indicator().metric()) {
            case RatioMetric r when r.raw() != null -> false;
            case RatioMetric r -> data.additive(r.total()) && data.additive(r.good() != null ? r.good() : r.bad());
            case ThresholdMetric t -> data.additive(t.source());
        };
    }

    /**
     * Whether a rule pages someone: every severity but {@code ticket} (OpenSLO leaves severities free
     * text, so an unknown one is guarded as a page, the safer reading).
     */
    static boolean pages(AlertRule rule) {
        return !rule.severity().equalsIgnoreCase("ticket");
    }

    /**
     * The alert at the grid's end {@code b}. With an {@code alertAfter}, it fires only if its
     * condition also held at every step end of that span before (rounded up to whole steps): the
     * data says how long the burn has lasted, whatever the runs' schedule.
     */
    private Alert alert(AlertRule rule, double k, long min, Tallies tallies, int b, Duration step, double budgetShare) {
        Judged now = judge(rule, k, min, tallies, b, step, budgetShare);
        boolean held = now.firing;
        for (int j = 1; held && j <= afterSteps(rule, step); j++) {
            held = judge(rule, k, min, tallies, b - j, step, budgetShare).firing;
        }
        String status = now.firing && !held ? PENDING : now.status;
        return new Alert(
                rule.name(),
                rule.severity(),
                SpecDuration.shorthand(rule.longWindow()),
                SpecDuration.shorthand(rule.shortWindow()),
                k,
                held,
                status,
                now.longRate,
                now.shortRate,
                SpecDuration.shorthand(rule.alertAfter()));
    }

    /** An alert's condition at one step end. */
    private record Judged(String status, boolean firing, Double longRate, Double shortRate) {}

    /**
     * Both windows burn above k (with data, the long one of a paging rule with its minimum of
     * events); or, for a policy with {@code alertWhenNoData}, a window has no data at all.
     */
    private static Judged judge(
            AlertRule rule, double k, long min, Tallies tallies, int end, Duration step, double budgetShare) {
        Tally longWindow = tallies.last(end, windowSteps(rule.longWindow(), step));
        Tally shortWindow = tallies.last(end, windowSteps(rule.shortWindow(), step));
        String longStatus = status(longWindow, min);
        String shortStatus = status(shortWindow, 1);
        Double longRate = longWindow.total > 0 ? longWindow.burnRate(budgetShare) : null;
        Double shortRate = shortWindow.total > 0 ? shortWindow.burnRate(budgetShare) : null;
        if (longStatus.equals(NO_DATA) || shortStatus.equals(NO_DATA)) {
            return new Judged(NO_DATA, rule.notices().whenNoData(), longRate, shortRate);
        } else if (!longStatus.equals(OK) || !shortStatus.equals(OK)) {
            return new Judged(NOT_ENOUGH_DATA, false, longRate, shortRate);
        }
        boolean firing = above(longRate, k) && above(shortRate, k);
        return new Judged(firing ? FIRING : OK, firing, longRate, shortRate);
    }

    /** The whole steps of a rule's {@code alertAfter}, rounded up (0 without one). */
    static int afterSteps(AlertRule rule, Duration step) {
        long seconds = rule.alertAfter().toSeconds();
        return (int) ((seconds + step.toSeconds() - 1) / step.toSeconds());
    }

    /**
     * Whether a burn rate is above the threshold. Both are quotients of decimals (0.144 / 0.01,
     * 0.02 x 720h / 1h), so a rate equal to k may come out a few ulps above it: a relative margin of
     * 1e-9 keeps "exactly at k" from firing.
     */
    static boolean above(double burnRate, double k) {
        return burnRate > k * (1 + 1e-9);
    }

    /**
     * The fewest events a paging rule's long window needs: enough that one bad event alone cannot
     * burn above {@code k} (one bad in n burns 1 / (n x budgetShare)), unless the settings fix a
     * minimum ({@code DBRE_SLO_MIN_EVENTS}, {@code dbre slo-report --min-events}).
     */
    long minEvents(double budgetShare, double k) {
        if (settings.minEvents() != null) {
            return settings.minEvents();
        }
        return ceil(1.0 / (budgetShare * k));
    }

    /** The fewest events a whole window needs: enough that one bad event cannot spend all the budget. */
    static long windowMinimum(double budgetShare) {
        return ceil(1.0 / budgetShare);
    }

    /** The tolerance keeps 1 / (1 - 0.999) = 1000.0000000000009 at 1000. */
    private static long ceil(double x) {
        return Math.max(1, (long) Math.ceil(x - 1e-9));
    }

    private static String status(Tally t, long min) {
        if (t.total <= 0) {
            return NO_DATA;
        }
        return t.total < min ? NOT_ENOUGH_DATA : OK;
    }

    static Budget budget(BudgetingMethod method, double budgetShare, Tally t, long periodSlices, Duration step) {
        double bad = t.total - t.good;
        Double consumed;
        double totalAmount;
        double consumedAmount;
        String unit;
        double sliceMinutes = step.toSeconds() / 60.0;
        switch (method) {
            case OCCURRENCES -> {
                unit = "events";
                totalAmount = budgetShare * t.total;
                consumedAmount = bad;
                consumed = t.total > 0 ? bad / (budgetShare * t.total) : null;
            }
            case RATIO_TIMESLICES -> {
                unit = "minutes";
                totalAmount = budgetShare * t.total * sliceMinutes;
                consumedAmount = bad * sliceMinutes;
                consumed = t.total > 0 ? bad / (budgetShare * t.total) : null;
            }
            default -> {
                // Timeslices: the budget is a share of every slice of the period, so a slice
                // without data neither spends nor adds budget, and the burn-down only falls.
                unit = "minutes";
                totalAmount = budgetShare * periodSlices * sliceMinutes;
                consumedAmount = bad * sliceMinutes;
                consumed = t.total > 0 ? bad / (budgetShare * periodSlices) : null;
            }
        }
        return new Budget(
                budgetShare,
                consumed,
                consumed == null ? null : 1.0 - consumed,
                unit,
                totalAmount,
                consumedAmount,
                totalAmount - consumedAmount);
    }

    private Series series(
            BudgetingMethod method,
            double budgetShare,
            Tallies tallies,
            StepGrid grid,
            int a,
            int b,
            long periodSlices,
            Iterable<Duration> windows) {
        int steps = b - a;
        int bucket = Math.max(1, (int) Math.ceil(steps / (double) settings.chartPoints()));
        List<Instant> times = new ArrayList<>();
        List<Double> sli = new ArrayList<>();
        List<Double> remaining = new ArrayList<>();
        Map<String, List<Double>> burn = new LinkedHashMap<>();
        for (Duration w : windows) {
            burn.put(SpecDuration.shorthand(w), new ArrayList<>());
        }
        for (int start = a; start < b; start += bucket) {
            int end = Math.min(b, start + bucket);
            times.add(grid.start(end));
            sli.add(tallies.between(start, end).sli());
            remaining.add(budget(method, budgetShare, tallies.between(a, end), periodSlices, grid.step())
                    .remaining());
            for (Duration w : windows) {
                Tally t = tallies.last(end, windowSteps(w, grid.step()));
                burn.get(SpecDuration.shorthand(w)).add(t.total > 0 ? t.burnRate(budgetShare) : null);
            }
        }
        return new Series(times, sli, remaining, burn);
    }

    static String objectiveName(Objective o) {
        if (o.displayName() != null) {
            return o.displayName();
        }
        String percent = new BigDecimal(Double.toString(o.target() * 100))
                        .stripTrailingZeros()
                        .toPlainString() + "%";
        if (o.op() == null) {
            return percent;
        }
        String value =
                new BigDecimal(Double.toString(o.value())).stripTrailingZeros().toPlainString();
        return percent + " of values " + o.op().symbol() + " " + value;
    }

    private static int steps(Instant from, Instant to, Duration step) {
        return Math.toIntExact(Duration.between(from, to).dividedBy(step));
    }

    /** A window covers the whole steps that end by its end; one shorter than a step covers one step. */
    static int windowSteps(Duration window, Duration step) {
        return (int) Math.max(1, (window.toSeconds() + step.toSeconds() - 1) / step.toSeconds());
    }

    /** What a range of steps adds up to. */
    record Tally(double good, double total, long empty) {
        Double sli() {
            return total > 0 ? good / total : null;
        }

        double burnRate(double budgetShare) {
            return (1.0 - good / total) / budgetShare;
        }
    }

    /** Prefix sums over the grid, so any range's tally is two subtractions. */
    static final class Tallies {
        private final double[] good;
        private final double[] total;
        private final long[] empty;

        Tallies(Contributions c) {
            int n = c.good().length;
            good = new double[n + 1];
            total = new double[n + 1];
            empty = new long[n + 1];
            for (int i = 0; i < n; i++) {
                boolean none = Double.isNaN(c.total()[i]);
                good[i + 1] = good[i] + (none ? 0 : c.good()[i]);
                total[i + 1] = total[i] + (none ? 0 : c.total()[i]);
                empty[i + 1] = empty[i] + (none ? 1 : 0);
            }
        }

        Tally between(int from, int to) {
            int a = Math.max(0, from);
            return new Tally(good[to] - good[a], total[to] - total[a], empty[to] - empty[a]);
        }

        /** The last {@code steps} steps before index {@code end}. */
        Tally last(int end, int steps) {
            return between(end - steps, end);
        }
    }
}
