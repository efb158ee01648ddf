package dev.dbre.slo;

import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import java.time.Duration;
import java.time.Instant;

/**
 * The port through which the SLO report reads numbers: per step of a grid, what a metric source
 * counts, how many of its values meet a threshold, or the ratio it reports. The metric store's
 * query API implements it (and, for {@code type: dbre} record sources, the function's own tables);
 * a step with no data is {@link Double#NaN}, never 0.
 */
public interface SliData {
    /**
     * Per step, the sum of what {@code source} counts (events with sample rates applied; for dbre
     * record sources the count named by the query, e.g. batches stored, or databases within the RPO
     * at the end of the step).
     */
    StepSeries counts(MetricSource source, StepGrid grid);

    /**
     * Per step, how many values of {@code source} satisfy {@code value op threshold}, and how many
     * values there were. Sketch-backed stores answer within their documented relative error.
     */
    ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid);

    /** Per step, the ratio {@code source} reports itself (a raw ratio metric, e.g. a gauge), in [0, 1]. */
    StepSeries ratios(MetricSource source, StepGrid grid);

    /**
     * Whether what {@code source} counts over a span is the sum of what it counts over the span's
     * steps (events, not states such as "databases within the RPO at the end of the step"): then a
     * total over a whole past period may be asked as one step, which a store answers from its
     * coarsest rollups. False unless an implementation knows better.
     */
    default boolean additive(MetricSource source) {
        return false;
    }

    /**
     * Deletes what an implementation keeps for questions no report asked since {@code now -
     * unused} (the database's recorded SLIs); nothing by default.
     *
     * @return how many questions' kept data was deleted
     */
    default int pruneRecordings(Instant now, Duration unused) {
        return 0;
    }

    /** The two series of a threshold question, on the same grid. */
    record ThresholdCounts(StepSeries matching, StepSeries total) {}
}
