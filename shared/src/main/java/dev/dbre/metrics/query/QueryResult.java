package dev.dbre.metrics.query;

import dev.dbre.metrics.SeriesType;
import java.util.List;

/**
 * The answer to a {@link MetricQuery}: every step from the aligned start to the end (steps without
 * data included, with a count of 0).
 *
 * @param type the matching series' type, or null when no series matches
 * @param series how many series matched
 * @param resolution the coarsest resolution read (finer data fills what the rollup has not reached)
 */
public record QueryResult(
        MetricQuery query, SeriesType type, int series, Resolution resolution, List<StepResult> steps) {
    public QueryResult {
        steps = List.copyOf(steps);
    }
}
