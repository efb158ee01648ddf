package dev.dbre.slo.data;

import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;

/** Small helpers for reading per-step numbers out of SQL. */
final class Steps {
    private Steps() {}

    /** A series of NaN (no data anywhere). */
    static double[] nan(StepGrid grid) {
        double[] v = new double[grid.steps()];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    /**
     * The SQL expression of the grid step a timestamp column falls in, exact to the microsecond
     * (extract(epoch) is numeric). Takes two parameters: the grid's start in epoch seconds and the
     * step in seconds ({@link #bindStepOf}).
     */
    static String stepOf(String column) {
        return "floor((extract(epoch from " + column + ") - ?::numeric) / ?::numeric)::int";
    }

    /** Binds {@link #stepOf}'s two parameters from {@code index}; returns the next index. */
    static int bindStepOf(PreparedStatement ps, int index, StepGrid grid) throws SQLException {
        ps.setBigDecimal(index, epochSeconds(grid.from()));
        ps.setBigDecimal(index + 1, BigDecimal.valueOf(grid.step().toNanos(), 9));
        return index + 2;
    }

    /** Binds the grid's range [from, to) as two timestamps from {@code index}; returns the next index. */
    static int bindRange(PreparedStatement ps, int index, StepGrid grid) throws SQLException {
        ps.setTimestamp(index, Timestamp.from(grid.from()));
        ps.setTimestamp(index + 1, Timestamp.from(grid.to()));
        return index + 2;
    }

    static BigDecimal epochSeconds(java.time.Instant t) {
        return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
    }

    /**
     * Adds column 2 of each row to the step in column 1 (a step outside the grid is ignored); a
     * step that no row names stays NaN.
     */
    static void addRows(ResultSet rs, double[] into) throws SQLException {
        while (rs.next()) {
            int i = rs.getInt(1);
            if (i >= 0 && i < into.length) {
                double v = rs.getDouble(2);
                into[i] = Double.isNaN(into[i]) ? v : into[i] + v;
            }
        }
    }

    static StepSeries series(StepGrid grid, double[] values) {
        return new StepSeries(grid, values);
    }
}
