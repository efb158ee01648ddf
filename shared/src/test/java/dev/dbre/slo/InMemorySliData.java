package dev.dbre.slo;

import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SliData} over points held in memory, keyed by {@link MetricSource#key()}: counts add up per
 * step, values are compared or averaged per step; a step with no point has no data (NaN).
 */
final class InMemorySliData implements SliData {
    private record Point(Instant at, double value) {}

    private final Map<String, List<Point>> points = new HashMap<>();

    /** Adds {@code amount} to what {@code source} counts at {@code at}. */
    InMemorySliData count(MetricSource source, Instant at, double amount) {
        points.computeIfAbsent(source.key(), k -> new ArrayList<>()).add(new Point(at, amount));
        return this;
    }

    /** Records one value (a timer, a gauge ratio) of {@code source} at {@code at}. */
    InMemorySliData value(MetricSource source, Instant at, double value) {
        return count(source, at, value);
    }

    @Override
    public StepSeries counts(MetricSource source, StepGrid grid) {
        double[] out = nan(grid);
        for (Point p : points.getOrDefault(source.key(), List.of())) {
            int i = grid.indexOf(p.at);
            if (i >= 0) {
                out[i] = (Double.isNaN(out[i]) ? 0 : out[i]) + p.value;
            }
        }
        return new StepSeries(grid, out);
    }

    @Override
    public ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid) {
        double[] matching = nan(grid);
        double[] total = nan(grid);
        for (Point p : points.getOrDefault(source.key(), List.of())) {
            int i = grid.indexOf(p.at);
            if (i >= 0) {
                total[i] = (Double.isNaN(total[i]) ? 0 : total[i]) + 1;
                matching[i] = (Double.isNaN(matching[i]) ? 0 : matching[i]) + (op.test(p.value, threshold) ? 1 : 0);
            }
        }
        return new ThresholdCounts(new StepSeries(grid, matching), new StepSeries(grid, total));
    }

    @Override
    public StepSeries ratios(MetricSource source, StepGrid grid) {
        double[] sum = nan(grid);
        int[] n = new int[grid.steps()];
        for (Point p : points.getOrDefault(source.key(), List.of())) {
            int i = grid.indexOf(p.at);
            if (i >= 0) {
                sum[i] = (Double.isNaN(sum[i]) ? 0 : sum[i]) + p.value;
                n[i]++;
            }
        }
        for (int i = 0; i < sum.length; i++) {
            if (n[i] > 0) {
                sum[i] /= n[i];
            }
        }
        return new StepSeries(grid, sum);
    }

    private static double[] nan(StepGrid grid) {
        double[] v = new double[grid.steps()];
        java.util.Arrays.fill(v, Double.NaN);
        return v;
    }
}
