package dev.dbre.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Where the kept data of a metric store table begins: the lower bound of its oldest partition.
 * Retention drops whole partitions, oldest first, so every row from there on is still stored and
 * none before it is.
 */
public final class OldestPartition {
    /** The lower bound of the oldest partition of a table in the current schema, or null without one. */
    private static final String SQL = "select min(substring(pg_get_expr(p.relpartbound, p.oid)"
            + " from 'FROM \\(''([^'']+)''\\)')::timestamptz) from pg_inherits i"
            + " join pg_class p on p.oid = i.inhrelid join pg_class t on t.oid = i.inhparent"
            + " where t.relname = ? and t.relnamespace = p.relnamespace"
            + " and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())";

    private OldestPartition() {}

    /** The start of {@code table}'s oldest partition, or null when it has none. */
    public static Instant start(Connection c, MetricTable table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                Timestamp t = rs.next() ? rs.getTimestamp(1) : null;
                return t == null ? null : t.toInstant();
            }
        }
    }
}
