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
 *
 * <p>Metric values and service check runs are read from the aggregates ({@code metric_agg}, the
 * partial rows each ingest transaction writes, before any rollup), not from raw points: the
 * product's default stores no raw points ({@code DBRE_INGEST_RAW=off}). A value's count there is
 * weighted by its sample rate ({@code 1|c|@0.5} counts 2), as the query API answers it.
 *
 * @param values metric values stored, each weighted by 1 / its sample rate
 * @param aggregateRows partial aggregate rows written for the source
 */
public record DbCounts(
        long records, long lines, double values, long checks, long events, long rejects, long aggregateRows) {
    /** {@code %1$s}: the filter on {@code ingest_records r}; {@code %2$s}: on {@code ingest_batches b}. */
    private static final String PER_SOURCE =
            "with rec as (select count(*) as records, coalesce(sum(r.lines), 0) as lines"
                    + "   from ingest_records r where %1$s),"
                    + " agg as (select coalesce(sum(a.n) filter (where m.type <> 'sc'), 0) as vals,"
                    + "   coalesce(sum(a.n) filter (where m.type = 'sc'), 0) as checks, count(*) as agg_rows"
                    + "   from metric_agg a join metric_series m on m.id = a.series_id"
                    + "   join ingest_batches b on b.id = a.batch_id where %2$s),"
                    + " ev as (select count(*) as events from ingest_events e join ingest_records r on r.id = e.record_id"
                    + "   where %1$s),"
                    + " rj as (select count(*) as rejects from ingest_rejects j join ingest_records r on r.id = j.record_id"
                    + "   where %1$s)"
                    + " select rec.records, rec.lines, agg.vals, agg.checks, ev.events, rj.rejects, agg.agg_rows"
                    + " from rec, agg, ev, rj";

    /** Every row the ingest writes, as one number: unchanged means nothing was written. */
    long rows() {
        return records + aggregateRows + events + rejects;
    }

    /** Stored items, as the query API counts them: metric values, service check runs and events. */
    double stored() {
        return values + checks + events;
    }

    DbCounts minus(DbCounts o) {
        return new DbCounts(
                records - o.records,
                lines - o.lines,
                values - o.values,
                checks - o.checks,
                events - o.events,
                rejects - o.rejects,
                aggregateRows - o.aggregateRows);
    }

    /**
     * @param source an ingest source, or null for all
     * @throws SQLException if the database cannot be read
     */
    static DbCounts of(ConnectionFactory db, String source) throws SQLException {
        String where = source == null ? "true" : "r.source = ?";
        String batches = source == null ? "true" : "b.source = ?";
        String sql = String.format(PER_SOURCE, where, batches);
        try (Connection c = db.open();
                PreparedStatement s = c.prepareStatement(sql)) {
            if (source != null) {
                for (int i = 1; i <= 4; i++) {
                    s.setString(i, source);
                }
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new DbCounts(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getDouble(3),
                        Math.round(rs.getDouble(4)),
                        rs.getLong(5),
                        rs.getLong(6),
                        rs.getLong(7));
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
