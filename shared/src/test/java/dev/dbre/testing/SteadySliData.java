package dev.dbre.testing;

import dev.dbre.slo.SliData;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import java.util.Arrays;

/**
 * SLI data held in memory for handler tests: every step counts {@code total} events, of which
 * {@code bad} for a source whose metric name contains {@code badMarker}. With 10 and 1 against a 1%
 * budget every window burns 10: page-slow, ticket-fast and ticket-slow fire, page-fast (14.4) does not.
 */
public record SteadySliData(String badMarker, double total, double bad) implements SliData {
    /** 10 events a step, 1 bad for a source naming {@code api.errors}. */
    public static SteadySliData tenPercentErrors() {
        return new SteadySliData("api.errors", 10, 1);
    }

    @Override
    public StepSeries counts(MetricSource source, StepGrid grid) {
        double[] v = new double[grid.steps()];
        Arrays.fill(v, source.key().contains(badMarker) ? bad : total);
        return new StepSeries(grid, v);
    }

    @Override
    public ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid) {
        throw new UnsupportedOperationException("ratio metrics only");
    }

    @Override
    public StepSeries ratios(MetricSource source, StepGrid grid) {
        throw new UnsupportedOperationException("ratio metrics only");
    }

    /** The OpenSLO spec the data fits: api-availability, 99% of requests over 30 days. */
    public static final String SPEC = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-availability}
            spec:
              service: api
              indicator:
                metadata: {name: api-errors}
                spec:
                  ratioMetric:
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.errors}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}
              timeWindow: [{duration: 30d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            """;
}
