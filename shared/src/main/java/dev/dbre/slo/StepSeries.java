package dev.dbre.slo;

import java.util.Arrays;

/**
 * One number per step of a grid; {@link Double#NaN} where the step has no data (which is not the
 * same as zero: a step with no data is neither good nor bad).
 *
 * @param hourGrainSteps how many steps from the first were read from hourly rollups because the
 *     finer data of that time is no longer kept: each hour's total is in the step that holds the
 *     hour's start, so sums over many steps are exact but a single step is not (docs/slo.md, "Long
 *     windows"); 0 when every step holds its own value
 */
public record StepSeries(StepGrid grid, double[] values, int hourGrainSteps) {
    public StepSeries {
        if (values.length != grid.steps()) {
            throw new IllegalArgumentException(
                    "a series has one value per step: " + values.length + " != " + grid.steps());
        }
        if (hourGrainSteps < 0 || hourGrainSteps > grid.steps()) {
            throw new IllegalArgumentException(
                    "hourGrainSteps must be in [0, " + grid.steps() + "], was " + hourGrainSteps);
        }
        values = values.clone();
    }

    /** A series whose every step holds its own value. */
    public StepSeries(StepGrid grid, double[] values) {
        this(grid, values, 0);
    }

    /** A series with no data at all. */
    public static StepSeries empty(StepGrid grid) {
        double[] v = new double[grid.steps()];
        Arrays.fill(v, Double.NaN);
        return new StepSeries(grid, v);
    }

    public double get(int i) {
        return values[i];
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepSeries s
                && s.grid.equals(grid)
                && Arrays.equals(s.values, values)
                && s.hourGrainSteps == hourGrainSteps;
    }

    @Override
    public int hashCode() {
        return (grid.hashCode() * 31 + Arrays.hashCode(values)) * 31 + hourGrainSteps;
    }

    @Override
    public String toString() {
        return "StepSeries[" + grid + ", " + Arrays.toString(values)
                + (hourGrainSteps == 0 ? "" : ", hourGrainSteps=" + hourGrainSteps) + "]";
    }
}
