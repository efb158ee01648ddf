package dev.dbre.slo.data;

import dev.dbre.slo.SliData;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import javax.sql.DataSource;

/** Placeholder so the SLO report's wiring compiles; h-slodata's implementation replaces it at merge. */
public final class DatabaseSliData implements SliData {
    public DatabaseSliData(DataSource dataSource) {}

    @Override
    public StepSeries counts(MetricSource source, StepGrid grid) {
        throw new UnsupportedOperationException("placeholder: replaced by h-slodata's DatabaseSliData");
    }

    @Override
    public ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid) {
        throw new UnsupportedOperationException("placeholder: replaced by h-slodata's DatabaseSliData");
    }

    @Override
    public StepSeries ratios(MetricSource source, StepGrid grid) {
        throw new UnsupportedOperationException("placeholder: replaced by h-slodata's DatabaseSliData");
    }
}
