package dev.dbre.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The one reader of the rollups' progress ({@code metric_rollup_state.rolled_until}): per rollup
 * code ({@code 1m}, {@code 1h}, {@code 1d}), the end of the buckets it has rolled up, so rows of
 * that resolution before it are final. Maintenance advances it; the query API and the recorded SLIs
 * read it.
 */
public final class RolledUntil {
    private RolledUntil() {}

    /** One rollup's {@code rolled_until}, or null when that rollup has not run yet. */
    public static Instant of(Connection c, String code) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select rolled_until from metric_rollup_state where resolution = ?")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }

    /** Every rollup's {@code rolled_until}, by code; a rollup that has not run is absent. */
    public static Map<String, Instant> all(Connection c) throws SQLException {
        Map<String, Instant> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select resolution, rolled_until from metric_rollup_state");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getTimestamp(2).toInstant());
            }
        }
        return out;
    }
}
