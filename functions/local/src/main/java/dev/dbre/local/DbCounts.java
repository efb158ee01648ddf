package dev.dbre.local;

import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the database holds, counted with SQL (never from the ingest's own counters), for one source
 * or for all of them ({@code source == null}).
 */
public record DbCounts(long records, long lines, long points, long checks, long events, long rejects) {
    private static final String PER_SOURCE = "select (select count(*) from ingest_records r where %1$s),"
            + " (select coalesce(sum(r.lines), 0) from ingest_records r where %1$s),"
            + " (select count(*) from metric_points p join ingest_records r on r.id = p.record_id where %1$s),"
            + " (select count(*) from service_checks s join ingest_records r on r.id = s.record_id where %1$s),"
            + " (select count(*) from ingest_events e join ingest_records r on r.id = e.record_id where %1$s),"
            + " (select count(*) from ingest_rejects j join ingest_records r on r.id = j.record_id where %1$s)";

    /** Every row of the ingest tables, as one number: unchanged means nothing was written. */
    long rows() {
        return records + points + checks + events + rejects;
    }

    /** Stored items: metric points, service checks and events. */
    long stored() {
        return points + checks + events;
    }

    DbCounts minus(DbCounts o) {
        return new DbCounts(
                records - o.records,
                lines - o.lines,
                points - o.points,
                checks - o.checks,
                events - o.events,
                rejects - o.rejects);
    }

    /**
     * @param source an ingest source, or null for all
     * @throws SQLException if the database cannot be read
     */
    static DbCounts of(ConnectionFactory db, String source) throws SQLException {
        String where = source == null ? "true" : "r.source = ?";
        String sql = String.format(PER_SOURCE, where);
        try (Connection c = db.open();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (source != null) {
                for (int i = 1; i <= 6; i++) {
                    s.setString(i, source);
                }
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new DbCounts(
                        rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6));
            }
        }
    }

    /** Rejected lines of {@code source} by reason code, most frequent first. */
    static Map<String, Long> rejectsByReason(ConnectionFactory db, String source) throws SQLException {
        Map<String, Long> byReason = new LinkedHashMap<>();
        try (Connection c = db.open();
                PreparedStatement s = c.prepareStatement("select j.reason, count(*) from ingest_rejects j"
                        + " join ingest_records r on r.id = j.record_id where r.source = ?"
                        + " group by j.reason order by count(*) desc, j.reason")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    byReason.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return byReason;
    }

    /** Records of {@code source} that deliveries found already stored (ingest_batches.duplicate_records). */
    static long duplicateRecords(ConnectionFactory db, String source) throws SQLException {
        try (Connection c = db.open();
                PreparedStatement s = c.prepareStatement(
                        "select coalesce(sum(duplicate_records), 0) from ingest_batches where source = ?")) {
            s.setString(1, source);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
