package dev.dbre.slo;

import dev.dbre.slo.spec.BudgetingMethod;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.RawType;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import dev.dbre.slo.spec.Objective;
import dev.dbre.slo.spec.Slo;

/**
 * What each step of a grid contributes to an SLO: {@code good[i]} of {@code total[i]}, with
 * {@code total[i]} NaN when the step has no data. Occurrences counts events; Timeslices makes each
 * step one slice, good (1) when its ratio meets {@code timeSliceTarget}, else bad (0); RatioTimeslices
 * makes each step one slice worth its ratio.
 *
 * <p>{@code hourGrainSteps}: the first steps whose data was read from hourly rollups ({@link
 * StepSeries#hourGrainSteps}). Occurrences counts them (an hour's events are in the step of its
 * start, so sums over the window stay exact); a slice cannot be judged from an hour's total, so for
 * Timeslices and RatioTimeslices those steps are slices without data.
 */
record Contributions(double[] good, double[] total, int hourGrainSteps) {

    static Contributions of(Slo slo, Objective objective, SliData data, StepGrid grid) {
        int n = grid.steps();
        double[] good = new double[n];
        double[] total = new double[n];
        int hourGrain = 0;
        switch (slo.indicator().metric()) {
            case RatioMetric r
            when r.raw() != null -> {
                StepSeries ratios = data.ratios(r.raw(), grid);
                for (int i = 0; i < n; i++) {
                    double v = ratios.get(i);
                    total[i] = Double.isNaN(v) ? Double.NaN : 1.0;
                    double ratio = Math.min(1.0, Math.max(0.0, v));
                    good[i] = r.rawType() == RawType.FAILURE ? 1.0 - ratio : ratio;
                }
            }
            case RatioMetric r -> {
                StepSeries all = data.counts(r.total(), grid);
                StepSeries part = data.counts(r.good() != null ? r.good() : r.bad(), grid);
                hourGrain = Math.max(all.hourGrainSteps(), part.hourGrainSteps());
                for (int i = 0; i < n; i++) {
                    double t = all.get(i);
                    // A step with no events is a step without data: it proves nothing either way.
                    total[i] = Double.isNaN(t) || t <= 0 ? Double.NaN : t;
                    double p = Double.isNaN(part.get(i)) ? 0.0 : Math.min(part.get(i), t);
                    good[i] = r.good() != null ? p : t - p;
                }
            }
            case ThresholdMetric t -> {
                SliData.ThresholdCounts counts = data.threshold(t.source(), objective.op(), objective.value(), grid);
                hourGrain = Math.max(
                        counts.total().hourGrainSteps(), counts.matching().hourGrainSteps());
                for (int i = 0; i < n; i++) {
                    double all = counts.total().get(i);
                    total[i] = Double.isNaN(all) || all <= 0 ? Double.NaN : all;
                    double m = counts.matching().get(i);
                    good[i] = Double.isNaN(m) ? 0.0 : Math.min(m, all);
                }
            }
        }
        if (slo.budgetingMethod() != BudgetingMethod.OCCURRENCES) {
            for (int i = 0; i < hourGrain; i++) {
                total[i] = Double.NaN;
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isNaN(total[i])) {
                    double ratio = good[i] / total[i];
                    good[i] = slo.budgetingMethod() == BudgetingMethod.TIMESLICES
                            ? (ratio >= objective.timeSliceTarget() ? 1.0 : 0.0)
                            : ratio;
                    total[i] = 1.0;
                }
            }
        }
        return new Contributions(good, total, hourGrain);
    }
}
