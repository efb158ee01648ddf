package dev.dbre.metrics;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.postgresql.PGStatement;

/** Reading many aggregate rows (a 30-day query, a rollup) with PgJDBC's binary transfer. */
public final class BinaryRows {
    private BinaryRows() {}

    /**
     * Has PgJDBC fetch the rows of {@code ps} in binary from its first execution (by default a
     * statement is prepared on the server, and read in binary, only from its fifth): doubles and
     * sketches then arrive as bytes, not as text to parse and hex to decode — about a third of a
     * 30-day query's time in Java (docs/benchmarks.md). A statement of another driver is left as is.
     *
     * @throws SQLException if the driver refuses the setting
     */
    public static void enable(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(PGStatement.class)) {
            ps.unwrap(PGStatement.class).setPrepareThreshold(-1);
        }
    }
}
