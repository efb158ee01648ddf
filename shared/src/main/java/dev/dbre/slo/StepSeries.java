package dev.dbre.slo;

import java.util.Arrays;

/**
 * One number per step of a grid; {@link Double#NaN} where the step has no data (which is not the
 * same as zero: a step with no data is neither good nor bad).
 */
public record StepSeries(StepGrid grid, double[] values) {
    public StepSeries {
        if (values.length != grid.steps()) {
            throw new IllegalArgumentException(
                    "a series has one value per step: " + values.length + " != " + grid.steps());
        }
        values = values.clone();
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
        return o instanceof StepSeries s && s.grid.equals(grid) && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
        return grid.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "StepSeries[" + grid + ", " + Arrays.toString(values) + "]";
    }
}
