package dev.dbre.ingest.store;

import dev.dbre.ingest.store.BatchAggregates.Series;
import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.MetricTable;
import dev.dbre.metrics.MetricTable.Partition;
import dev.dbre.metrics.SeriesType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresql.PGConnection;

/**
 * Writes a transaction's aggregates: one partial row per series and interval into {@code
 * metric_agg} by binary COPY, and the minutes they touched into {@code metric_rollup_queue}.
 *
 * <p>Why partial rows and not one merged row per series and interval: merging a sketch needs Java
 * (read the row under its lock, merge, write back), which makes concurrent batches of the same
 * series wait on each other's row locks until they commit, and costs a read per row. A partial row
 * is append-only: no read, no lock, no conflict, and exactly-once holds because it is written in
 * the same transaction as the record keys. Readers merge the partials of an interval, which the
 * query and the rollup do anyway (they merge series and intervals); the 1-minute rollup leaves one
 * row per series and minute.
 */
final class AggregateWriter {
    private static final String COPY = "COPY metric_agg (series_id, bucket, batch_id, n, sum, min, max, last,"
            + " last_ts, state) FROM STDIN (FORMAT binary)";
    private static final String ENQUEUE = "insert into metric_rollup_queue (resolution, bucket)"
            + " select '1m', timestamptz '2000-01-01 00:00:00+00' + m * interval '1 microsecond'"
            + " from unnest(?::int8[]) as q(m)";
    private static final String ENSURE = "select metric_ensure_partition(?, ?, ?, ?)";
    private static final long MINUTE_MICROS = 60_000_000L;

    /** Partitions known to exist (those of recent days; an old one may have been dropped since). */
    private final Set<String> ensured;

    /**
     * Rows are sent every 64 KiB, not in the sink's 512 KiB chunks: a batch of a few thousand series
     * makes about 500 KB of rows, which would otherwise reach the server all at the end; in smaller
     * chunks the server inserts them while the rest are encoded.
     */
    static final int CHUNK_BYTES = 64 * 1024;

    private final TableCopy rows = new TableCopy(COPY, CHUNK_BYTES, CHUNK_BYTES + 16 * 1024);

    AggregateWriter(Set<String> ensuredPartitions) {
        this.ensured = ensuredPartitions;
    }

    /** A set of known partitions to share between the writers of one service. */
    static Set<String> newPartitionSet() {
        return ConcurrentHashMap.newKeySet();
    }

    /**
     * Writes the aggregates of every series that has an id and is not refused.
     *
     * @param todayEpochDay the current day: partitions from yesterday on are remembered as existing
     * @return the partial rows written
     * @throws SQLException on any database error
     */
    long write(Connection c, long batchId, BatchAggregates batch, long todayEpochDay) throws SQLException {
        TreeSet<Long> minutes = new TreeSet<>();
        TreeSet<Long> partitionDays = new TreeSet<>();
        for (Series s : batch.series()) {
            if (s.refused || s.id < 0) {
                continue;
            }
            for (Long bucket : s.buckets().keySet()) {
                minutes.add(Math.floorDiv(bucket, MINUTE_MICROS) * MINUTE_MICROS);
                partitionDays.add(MetricTable.INTERVAL.partitionStartDay(MetricTable.epochDayOfPgMicros(bucket)));
            }
        }
        if (minutes.isEmpty()) {
            return 0;
        }
        for (long day : partitionDays) {
            ensurePartition(c, MetricTable.INTERVAL.partition(day), day >= todayEpochDay - 1);
        }
        rows.begin(c.unwrap(PGConnection.class).getCopyAPI());
        try {
            for (Series s : batch.series()) {
                if (s.refused || s.id < 0) {
                    continue;
                }
                for (Map.Entry<Long, Aggregate> e : s.buckets().entrySet()) {
                    writeRow(s.id, e.getKey(), batchId, s.type(), e.getValue());
                }
            }
            rows.finish();
        } catch (SQLException | RuntimeException e) {
            rows.abort();
            throw e;
        }
        try (PreparedStatement ps = c.prepareStatement(ENQUEUE)) {
            ps.setArray(1, c.unwrap(PGConnection.class).createArrayOf("int8", toArray(minutes)));
            ps.executeUpdate();
        }
        return rows.rowCount();
    }

    /**
     * Creates {@code p} unless known to exist. Only a partition of a recent day ({@code recent}:
     * yesterday or later, which no retention of a day or more drops yet) is remembered and trusted
     * as existing: an older one may have been dropped since it was seen.
     */
    void ensurePartition(Connection c, Partition p, boolean recent) throws SQLException {
        if (recent && ensured.contains(p.name())) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(ENSURE)) {
            ps.setString(1, p.parent().table());
            ps.setTimestamp(2, Timestamp.from(p.lower()));
            ps.setTimestamp(3, Timestamp.from(p.upper()));
            ps.setString(4, p.name());
            ps.execute();
        }
        if (recent) {
            // A rollback of the creating transaction leaves a name here without its table: the
            // caller forgets them all then (forgetPartitions).
            ensured.add(p.name());
        }
    }

    /** Forgets every remembered partition (after a rollback that may have undone a creation). */
    void forgetPartitions() {
        ensured.clear();
    }

    private void writeRow(long seriesId, long bucket, long batchId, SeriesType type, Aggregate a) throws SQLException {
        PgBinaryBuffer b = rows.row(10);
        b.int64Field(seriesId);
        b.timestampField(bucket);
        b.int64Field(batchId);
        b.float8Field(a.n());
        if (type == SeriesType.SET || type == SeriesType.SERVICE_CHECK) {
            b.nullField();
        } else {
            b.float8Field(a.sum());
        }
        nullable(b, a.min());
        nullable(b, a.max());
        nullable(b, a.last());
        Long lastTs = a.lastTs();
        if (lastTs == null) {
            b.nullField();
        } else {
            b.timestampField(lastTs);
        }
        byte[] state = a.encodeState();
        if (state == null) {
            b.nullField();
        } else {
            b.bytesField(state, 0, state.length);
        }
        rows.endRow();
    }

    private static void nullable(PgBinaryBuffer b, Double v) {
        if (v == null) {
            b.nullField();
        } else {
            b.float8Field(v);
        }
    }

    private static long[] toArray(TreeSet<Long> values) {
        long[] out = new long[values.size()];
        int i = 0;
        for (long v : values) {
            out[i++] = v;
        }
        return out;
    }
}
