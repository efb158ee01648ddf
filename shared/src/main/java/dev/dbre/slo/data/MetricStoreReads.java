package dev.dbre.slo.data;

import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.SeriesType;
import dev.dbre.metrics.query.MetricQueries;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.metrics.query.StepResult;
import dev.dbre.metrics.query.TagFilter;
import dev.dbre.slo.SliData.ThresholdCounts;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.Operator;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code metric} and {@code service_check} sources, read through the metric store's query API
 * ({@link MetricQueries}): one query per question, its steps merged into the grid's steps.
 */
final class MetricStoreReads {
    private static final long HOUR_SECONDS = 3600;

    private final MetricQueries queries;
    private final int intervalSeconds;

    MetricStoreReads(MetricQueries queries, int intervalSeconds) {
        this.queries = queries;
        this.intervalSeconds = intervalSeconds;
    }

    /**
     * Per step: a count's total, the number of values of the other metric types, or (a service
     * check) the checks with the asked statuses; NaN where the step has no sample.
     */
    StepSeries counts(DbreQuery q, StepGrid grid) {
        Aggregate[] steps = read(q, grid);
        double[] out = Steps.nan(grid);
        for (int i = 0; i < steps.length; i++) {
            Aggregate a = steps[i];
            if (a == null || a.n() == 0) {
                continue;
            }
            out[i] = switch (a.type()) {
                case COUNT -> a.sum();
                case SERVICE_CHECK -> checks(a, q.statuses());
                default -> a.n();
            };
        }
        return new StepSeries(grid, out);
    }

    /**
     * Per step, the values that meet {@code value op threshold} and all values, from the sketch of a
     * timer, histogram or distribution: exact except for the values in the sketch bin that holds
     * the threshold, which count as at or below it (within {@link dev.dbre.metrics.Sketches#RELATIVE_ACCURACY}).
     */
    ThresholdCounts threshold(DbreQuery q, Operator op, double threshold, StepGrid grid) {
        Aggregate[] steps = read(q, grid);
        double[] matching = Steps.nan(grid);
        double[] total = Steps.nan(grid);
        for (int i = 0; i < steps.length; i++) {
            Aggregate a = steps[i];
            if (a == null || a.n() == 0) {
                continue;
            }
            if (a.quantileSketch() == null) {
                throw new IllegalArgumentException("metric '" + q.subject() + "' is a " + a.type()
                        + ": a threshold needs a timer, histogram or distribution (ms, h or d)");
            }
            Double atOrBelow = new StepResult(grid.start(i), grid.step(), a).fractionAtOrBelow(threshold);
            double share = op == Operator.LT || op == Operator.LTE ? atOrBelow : 1 - atOrBelow;
            total[i] = a.n();
            matching[i] = share * a.n();
        }
        return new ThresholdCounts(new StepSeries(grid, matching), new StepSeries(grid, total));
    }

    /** Per step, the mean of the values (a gauge's samples, a timer's values); NaN without one. */
    StepSeries ratios(DbreQuery q, StepGrid grid) {
        Aggregate[] steps = read(q, grid);
        double[] out = Steps.nan(grid);
        for (int i = 0; i < steps.length; i++) {
            Aggregate a = steps[i];
            if (a == null || a.n() == 0) {
                continue;
            }
            if (a.type() == SeriesType.SET || a.type() == SeriesType.SERVICE_CHECK) {
                throw new IllegalArgumentException("metric '" + q.subject() + "' is a " + a.type()
                        + ": a raw ratio needs values (a gauge, timer, histogram or distribution)");
            }
            out[i] = a.sum() / a.n();
        }
        return new StepSeries(grid, out);
    }

    /**
     * {@code exact} (per step of a minute-grain {@code grid}, read where the minute rollups are
     * kept) with the time before {@code minutesFrom} read from the hourly rollups: the same counts
     * at an hour's grain (events, and a sketch's bin counts, add). Each hour's total goes to the
     * step that holds the hour's start, so sums over whole hours stay exact; the first steps up to
     * {@code minutesFrom} are marked as {@linkplain StepSeries#hourGrainSteps read at hour grain}.
     *
     * @param minutesFrom where the kept minutes begin (a partition bound, so a whole hour)
     */
    StepSeries countsWithOlderHours(DbreQuery q, StepGrid grid, double[] exact, Instant minutesFrom) {
        int coarse = hourGrainSteps(grid, minutesFrom);
        if (coarse == 0) {
            return new StepSeries(grid, exact);
        }
        StepGrid hours = olderHours(grid, minutesFrom);
        double[] out = exact.clone();
        addHours(counts(q, hours).values(), hours, grid, out);
        return new StepSeries(grid, out, coarse);
    }

    /** As {@link #countsWithOlderHours}, for the two series of a threshold. */
    ThresholdCounts thresholdWithOlderHours(
            DbreQuery q,
            Operator op,
            double threshold,
            StepGrid grid,
            double[] matching,
            double[] total,
            Instant minutesFrom) {
        int coarse = hourGrainSteps(grid, minutesFrom);
        if (coarse == 0) {
            return new ThresholdCounts(new StepSeries(grid, matching), new StepSeries(grid, total));
        }
        StepGrid hours = olderHours(grid, minutesFrom);
        ThresholdCounts older = threshold(q, op, threshold, hours);
        double[] m = matching.clone();
        double[] t = total.clone();
        addHours(older.matching().values(), hours, grid, m);
        addHours(older.total().values(), hours, grid, t);
        return new ThresholdCounts(new StepSeries(grid, m, coarse), new StepSeries(grid, t, coarse));
    }

    /** How many steps of {@code grid}, from the first, start before {@code minutesFrom}. */
    static int hourGrainSteps(StepGrid grid, Instant minutesFrom) {
        if (!minutesFrom.isAfter(grid.from())) {
            return 0;
        }
        if (!minutesFrom.isBefore(grid.to())) {
            return grid.steps();
        }
        long nanos = Duration.between(grid.from(), minutesFrom).toNanos();
        return (int) Math.ceilDiv(nanos, grid.step().toNanos());
    }

    /** The whole hours from the one holding the grid's start to {@code minutesFrom} (or the grid's end). */
    static StepGrid olderHours(StepGrid grid, Instant minutesFrom) {
        long first = Math.floorDiv(grid.from().getEpochSecond(), HOUR_SECONDS) * HOUR_SECONDS;
        Instant end = minutesFrom.isBefore(grid.to()) ? minutesFrom : grid.to();
        long hours = Math.ceilDiv(end.getEpochSecond() - first, HOUR_SECONDS);
        return new StepGrid(Instant.ofEpochSecond(first), Duration.ofHours(1), (int) hours);
    }

    /** Adds each hour's value to the step of {@code grid} that holds the hour's start (NaN: nothing). */
    static void addHours(double[] hourly, StepGrid hours, StepGrid grid, double[] into) {
        for (int h = 0; h < hourly.length; h++) {
            double v = hourly[h];
            int i = grid.indexOf(hours.start(h));
            if (Double.isNaN(v) || i < 0) {
                continue;
            }
            into[i] = Double.isNaN(into[i]) ? v : into[i] + v;
        }
    }

    private static double checks(Aggregate a, List<String> statuses) {
        long sum = 0;
        for (int s = 0; s < DbreQuery.STATUSES.size(); s++) {
            if (statuses.isEmpty() || statuses.contains(DbreQuery.STATUSES.get(s))) {
                sum += a.statusCount(s);
            }
        }
        return sum;
    }

    /**
     * The merged aggregate of every grid step (null where nothing matched). The query API's steps
     * start at its resolution's boundaries, so a grid whose start is not on one (a calendar period
     * in a zone with a half-hour offset) is read in finer steps that divide both its start and its
     * step, and merged.
     */
    private Aggregate[] read(DbreQuery q, StepGrid grid) {
        Aggregate[] out = new Aggregate[grid.steps()];
        if (grid.steps() == 0) {
            return out;
        }
        long stepSeconds = grid.step().toSeconds();
        if (grid.from().getNano() != 0 || grid.step().toNanosPart() != 0) {
            throw new IllegalArgumentException("the metric store is read in whole seconds: grid " + grid);
        }
        long readSeconds = gcd(stepSeconds, Math.floorMod(grid.from().getEpochSecond(), stepSeconds));
        if (readSeconds % intervalSeconds != 0) {
            throw new IllegalArgumentException("grid " + grid + " is finer than the metric store's interval ("
                    + intervalSeconds + " s): choose a step and start that are multiples of it");
        }
        QueryResult result;
        try {
            result = queries.query(
                    new MetricQuery(selector(q), grid.from(), grid.to(), Duration.ofSeconds(readSeconds)));
        } catch (SQLException e) {
            throw new SliDataException("could not read metric '" + q.subject() + "' from the metric store", e);
        }
        for (StepResult s : result.steps()) {
            int i = grid.indexOf(s.start());
            if (i < 0 || s.aggregate().n() == 0) {
                continue;
            }
            if (out[i] == null) {
                out[i] = new Aggregate(s.aggregate().type());
            }
            out[i].merge(s.aggregate());
        }
        return out;
    }

    /** The metric (or check) name and the tag filter: every tag must match ({@code key: "*"}: any value). */
    static MetricSelector selector(DbreQuery q) {
        List<TagFilter> filters = new ArrayList<>();
        for (Map.Entry<String, String> t : new java.util.TreeMap<>(q.tags()).entrySet()) {
            filters.add(new TagFilter(t.getKey(), "*".equals(t.getValue()) ? null : t.getValue(), false));
        }
        return new MetricSelector(q.subject(), filters);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
