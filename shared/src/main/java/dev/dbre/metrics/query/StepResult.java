package dev.dbre.metrics.query;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.store.Bin;
import com.datadoghq.sketch.ddsketch.store.Store;
import dev.dbre.metrics.Aggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;

/**
 * One step of a query: the merged aggregate of every matching series over {@code [start, start +
 * step)}, and the figures read from it. A step without data has {@code n() == 0}.
 */
public record StepResult(Instant start, Duration step, Aggregate aggregate) {
    /** Samples (weighted by 1 / rate for counts, timers, histograms, distributions). */
    public double count() {
        return aggregate.n();
    }

    /** A count's total, or the sum of the values (weighted by 1 / rate). */
    public double sum() {
        return aggregate.sum();
    }

    /** Per second over the step: a count's total (or the samples of other types) / step seconds. */
    public double rate() {
        double perStep = switch (aggregate.type()) {
            case COUNT -> aggregate.sum();
            default -> aggregate.n();
        };
        return perStep / step.toSeconds();
    }

    /** A gauge's latest value in the step, or null. */
    public Double last() {
        return aggregate.last();
    }

    public Double min() {
        return aggregate.min();
    }

    public Double max() {
        return aggregate.max();
    }

    /** Mean of the values (sum / count), or null without samples. */
    public Double mean() {
        return aggregate.n() == 0 ? null : aggregate.sum() / aggregate.n();
    }

    /** Estimated distinct members of a set. */
    public double cardinality() {
        return aggregate.distinctCount();
    }

    /** Service check runs with {@code status} 0 OK .. 3 UNKNOWN. */
    public long statusCount(int status) {
        return aggregate.statusCount(status);
    }

    /**
     * The value at quantile {@code q} (0..1) of a timer, histogram or distribution, within the
     * sketch's relative accuracy ({@link dev.dbre.metrics.Sketches#RELATIVE_ACCURACY}) of a value
     * of that rank; null without samples.
     */
    public Double quantile(double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("a quantile is between 0 and 1, was " + q);
        }
        DDSketch s = aggregate.quantileSketch();
        return s == null || s.isEmpty() ? null : s.getValueAtQuantile(q);
    }

    /**
     * The fraction of (weighted) values at or below {@code threshold}, from the sketch: exact except
     * for the values in the one sketch bin that holds the threshold, which all count as at or below
     * it. A bin spans a factor γ = (1 + α)/(1 − α) (α the relative accuracy, 0.01: γ ≈ 1.0202), so
     * those values are within γ of the threshold and the answer lies between the exact fractions at
     * {@code threshold / γ} and {@code threshold * γ} (for a positive threshold; for a negative one,
     * {@code threshold * γ} and {@code threshold / γ}); null without samples.
     */
    public Double fractionAtOrBelow(double threshold) {
        DDSketch s = aggregate.quantileSketch();
        if (s == null || s.isEmpty()) {
            return null;
        }
        IndexMapping mapping = s.getIndexMapping();
        double negative = s.getNegativeValueStore().getTotalCount();
        double positive = s.getPositiveValueStore().getTotalCount();
        double zero = s.getCount() - negative - positive;
        double below;
        if (threshold >= mapping.minIndexableValue()) {
            below = negative + zero + countBins(s.getPositiveValueStore(), mapping.index(threshold), true);
        } else if (threshold > -mapping.minIndexableValue()) {
            below = negative + (threshold >= 0 ? zero : 0);
        } else {
            // Values <= threshold < 0: magnitudes >= |threshold|, the negative store's high bins.
            below = countBins(s.getNegativeValueStore(), mapping.index(-threshold), false);
        }
        return below / s.getCount();
    }

    /** The fraction of values above {@code threshold}: {@code 1 - fractionAtOrBelow}. */
    public Double fractionAbove(double threshold) {
        Double atOrBelow = fractionAtOrBelow(threshold);
        return atOrBelow == null ? null : 1 - atOrBelow;
    }

    /** Bins at or below {@code index} ({@code atOrBelow}) or at or above it. */
    private static double countBins(Store store, int index, boolean atOrBelow) {
        double sum = 0;
        Iterator<Bin> bins = store.getAscendingIterator();
        while (bins.hasNext()) {
            Bin b = bins.next();
            if (atOrBelow ? b.getIndex() <= index : b.getIndex() >= index) {
                sum += b.getCount();
            }
        }
        return sum;
    }
}
