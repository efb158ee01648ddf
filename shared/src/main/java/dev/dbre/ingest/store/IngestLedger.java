package dev.dbre.ingest.store;

import dev.dbre.ingest.SourceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;

/**
 * The bookkeeping rows of exactly-once ingest: the {@code ingest_batches} row of a batch and the
 * {@code ingest_records} key rows of its records, all in the caller's transaction.
 *
 * <p>The key row is the whole exactly-once mechanism: {@code (source, shard, sequence,
 * sub_sequence)} is unique, so claiming a record is an insert {@code ON CONFLICT DO NOTHING}; a
 * record that an earlier (committed) delivery already stored returns no row and is a duplicate.
 * A concurrent delivery of the same record waits on the unique index until the first commits
 * (then it is a duplicate) or rolls back (then it claims the record itself).
 *
 * <p>A record that carries a payload digest (an HTTP {@code Idempotency-Key}) stores it in the key
 * row; a later record with that key and another digest is a {@link #CONFLICT}, not a duplicate. A
 * key row without a digest (a stream record, or a key stored before schema V4) stays a duplicate
 * whatever the payload.
 */
public final class IngestLedger {
    /** Returned by {@link #claim} for a record already stored. */
    public static final long DUPLICATE = -1;
    /** Returned by {@link #claim} for a key stored before with another payload digest. */
    public static final long CONFLICT = -2;

    private static final String OPEN_BATCH = "insert into ingest_batches (source, shard, first_sequence,"
            + " last_sequence, records, started_at) values (?, ?, ?, ?, ?, ?) returning id";

    // One statement for all records (arrays + unnest): one round trip per batch, not per record.
    // Sorted by key so that two deliveries overlapping in their records take the unique-index
    // locks in the same order and wait for each other instead of deadlocking.
    private static final String CLAIM_INSERT = "insert into ingest_records (source, shard, sequence, sub_sequence,"
            + " batch_id, arrived_at, bytes, payload_sha256)"
            + " select ?, k.shard, k.sequence, k.sub_sequence, ?,"
            + " timestamptz '2000-01-01 00:00:00+00' + k.arrival * interval '1 microsecond', k.bytes, k.sha256"
            + " from unnest(?::text[], ?::text[], ?::int4[], ?::int8[], ?::int4[], ?::bytea[])"
            + " as k(shard, sequence, sub_sequence, arrival, bytes, sha256)";
    private static final String CLAIM_ORDER = " order by k.shard, k.sequence, k.sub_sequence"
            + " on conflict on constraint ingest_records_key do nothing"
            + " returning id, shard, sequence, sub_sequence";
    private static final String CLAIM = CLAIM_INSERT + CLAIM_ORDER;

    // The same, skipping records already stored under a key an earlier release used for this
    // stream (the unique index answers each probe). Only batches that name previous sources pay.
    private static final String CLAIM_UNLESS_STORED_BEFORE = CLAIM_INSERT
            + " where not exists (select 1 from ingest_records p where p.source = any(?::text[])"
            + " and p.shard = k.shard and p.sequence = k.sequence and p.sub_sequence = k.sub_sequence)"
            + CLAIM_ORDER;

    // The digests stored with keys this batch found taken (only asked for records that carry one).
    private static final String STORED_DIGESTS = "select r.shard, r.sequence, r.sub_sequence, r.payload_sha256"
            + " from ingest_records r join unnest(?::text[], ?::text[], ?::int4[]) as k(shard, sequence, sub_sequence)"
            + " on r.shard = k.shard and r.sequence = k.sequence and r.sub_sequence = k.sub_sequence"
            + " where r.source = ?";

    private static final String RECORD_COUNTS = "update ingest_records r set lines = u.lines, points = u.points,"
            + " checks = u.checks, events = u.events, rejects = u.rejects"
            + " from unnest(?::int8[], ?::int4[], ?::int4[], ?::int4[], ?::int4[], ?::int4[])"
            + " as u(id, lines, points, checks, events, rejects)"
            + " where r.id = u.id";

    private static final String CLOSE_BATCH = "update ingest_batches set duplicate_records = ?, lines = ?,"
            + " points_stored = ?, checks_stored = ?, events_stored = ?, lines_rejected = ?, finished_at = ?,"
            + " parse_nanos = ?, store_nanos = ?, fields_ignored = ?, point_lag_counts = ? where id = ?";

    private IngestLedger() {}

    /**
     * Inserts the batch row.
     *
     * @return its id
     * @throws SQLException on any database error
     */
    public static long openBatch(Connection c, String source, List<SourceRecord> records, Instant startedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OPEN_BATCH)) {
            ps.setString(1, source);
            ps.setString(2, commonShard(records));
            ps.setString(3, records.isEmpty() ? null : records.get(0).sequence());
            ps.setString(
                    4,
                    records.isEmpty() ? null : records.get(records.size() - 1).sequence());
            ps.setInt(5, records.size());
            ps.setTimestamp(6, Timestamp.from(startedAt));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Claims the records' keys.
     *
     * @param previousSources sources an earlier release keyed this stream's records under: a
     *     record stored under one of them is a duplicate too (see {@link
     *     dev.dbre.ingest.IngestBatch#previousSources})
     * @return per record, in input order: its new {@code ingest_records.id}, {@link #DUPLICATE}
     *     when it was stored before (or appears earlier in this same batch), or {@link #CONFLICT}
     *     when its key was stored before with another payload digest
     * @throws SQLException on any database error (a concurrent delivery of the same record makes
     *     this wait, not fail)
     */
    public static long[] claim(
            Connection c, String source, List<String> previousSources, long batchId, List<SourceRecord> records)
            throws SQLException {
        int n = records.size();
        long[] ids = new long[n];
        if (n == 0) {
            return ids;
        }
        String[] shards = new String[n];
        String[] sequences = new String[n];
        int[] subs = new int[n];
        long[] arrivals = new long[n];
        int[] bytes = new int[n];
        byte[][] digests = new byte[n][];
        boolean anyDigest = false;
        for (int i = 0; i < n; i++) {
            SourceRecord r = records.get(i);
            shards[i] = r.shard();
            sequences[i] = r.sequence();
            subs[i] = r.subSequence();
            arrivals[i] = BinaryCopySink.pgMicros(r.arrival());
            bytes[i] = r.payload().length;
            digests[i] = r.payloadSha256();
            anyDigest |= digests[i] != null;
        }
        Map<Key, Long> claimed = new HashMap<>(n * 2);
        PGConnection pg = c.unwrap(PGConnection.class); // takes primitive arrays, no boxing
        boolean checkPrevious = !previousSources.isEmpty();
        try (PreparedStatement ps = c.prepareStatement(checkPrevious ? CLAIM_UNLESS_STORED_BEFORE : CLAIM)) {
            ps.setString(1, source);
            ps.setLong(2, batchId);
            ps.setArray(3, c.createArrayOf("text", shards));
            ps.setArray(4, c.createArrayOf("text", sequences));
            ps.setArray(5, pg.createArrayOf("int4", subs));
            ps.setArray(6, pg.createArrayOf("int8", arrivals));
            ps.setArray(7, pg.createArrayOf("int4", bytes));
            // Stream batches carry no digest: an empty array, which unnest pads with nulls.
            ps.setArray(8, pg.createArrayOf("bytea", anyDigest ? digests : new byte[0][]));
            if (checkPrevious) {
                ps.setArray(9, c.createArrayOf("text", previousSources.toArray(new String[0])));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.put(new Key(rs.getString(2), rs.getString(3), rs.getInt(4)), rs.getLong(1));
                }
            }
        }
        Map<Key, byte[]> taken = null;
        for (int i = 0; i < n; i++) {
            // remove: a second record with the same key in this batch is a duplicate of the first.
            Long id = claimed.remove(new Key(shards[i], sequences[i], subs[i]));
            if (id != null) {
                ids[i] = id;
            } else if (digests[i] == null) {
                ids[i] = DUPLICATE;
            } else {
                if (taken == null) {
                    taken = storedDigests(c, source, shards, sequences, subs, digests);
                }
                byte[] stored = taken.get(new Key(shards[i], sequences[i], subs[i]));
                ids[i] = stored == null || Arrays.equals(stored, digests[i]) ? DUPLICATE : CONFLICT;
            }
        }
        return ids;
    }

    /** The digests stored with the keys of the records that carry one (null values: none stored). */
    private static Map<Key, byte[]> storedDigests(
            Connection c, String source, String[] shards, String[] sequences, int[] subs, byte[][] digests)
            throws SQLException {
        int m = 0;
        for (byte[] d : digests) {
            m += d == null ? 0 : 1;
        }
        String[] sh = new String[m];
        String[] seq = new String[m];
        int[] sub = new int[m];
        for (int i = 0, j = 0; i < digests.length; i++) {
            if (digests[i] != null) {
                sh[j] = shards[i];
                seq[j] = sequences[i];
                sub[j++] = subs[i];
            }
        }
        Map<Key, byte[]> stored = new HashMap<>(m * 2);
        try (PreparedStatement ps = c.prepareStatement(STORED_DIGESTS)) {
            ps.setArray(1, c.createArrayOf("text", sh));
            ps.setArray(2, c.createArrayOf("text", seq));
            ps.setArray(3, c.unwrap(PGConnection.class).createArrayOf("int4", sub));
            ps.setString(4, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(new Key(rs.getString(1), rs.getString(2), rs.getInt(3)), rs.getBytes(4));
                }
            }
        }
        return stored;
    }

    /**
     * Writes the per-record counters of the records stored in this transaction.
     *
     * @param count how many leading entries of the arrays are valid
     * @throws SQLException on any database error
     */
    public static void recordCounts(
            Connection c, int count, long[] ids, int[] lines, int[] points, int[] checks, int[] events, int[] rejects)
            throws SQLException {
        if (count == 0) {
            return;
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        try (PreparedStatement ps = c.prepareStatement(RECORD_COUNTS)) {
            ps.setArray(1, pg.createArrayOf("int8", Arrays.copyOf(ids, count)));
            ps.setArray(2, pg.createArrayOf("int4", Arrays.copyOf(lines, count)));
            ps.setArray(3, pg.createArrayOf("int4", Arrays.copyOf(points, count)));
            ps.setArray(4, pg.createArrayOf("int4", Arrays.copyOf(checks, count)));
            ps.setArray(5, pg.createArrayOf("int4", Arrays.copyOf(events, count)));
            ps.setArray(6, pg.createArrayOf("int4", Arrays.copyOf(rejects, count)));
            ps.executeUpdate();
        }
    }

    /** The batch's totals, written to its row before commit. */
    public record BatchTotals(
            int duplicates,
            long lines,
            long points,
            long checks,
            long events,
            long rejected,
            Instant finishedAt,
            long parseNanos,
            long storeNanos,
            long ignoredFields,
            long[] pointLagCounts) {}

    /**
     * Writes the batch totals.
     *
     * @throws SQLException on any database error
     */
    public static void closeBatch(Connection c, long batchId, BatchTotals t) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CLOSE_BATCH)) {
            ps.setInt(1, t.duplicates());
            ps.setLong(2, t.lines());
            ps.setLong(3, t.points());
            ps.setLong(4, t.checks());
            ps.setLong(5, t.events());
            ps.setLong(6, t.rejected());
            ps.setTimestamp(7, Timestamp.from(t.finishedAt()));
            ps.setLong(8, t.parseNanos());
            ps.setLong(9, t.storeNanos());
            ps.setLong(10, t.ignoredFields());
            ps.setArray(11, c.createArrayOf("int8", boxed(t.pointLagCounts())));
            ps.setLong(12, batchId);
            ps.executeUpdate();
        }
    }

    private static final String RECORD_FAILURE = "insert into ingest_batch_failures (source, shard, records,"
            + " failed_records, outcome, reason, started_at, failed_at) values (?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * Records, in its own transaction ({@code c} in auto-commit), a batch that was not stored: the
     * SLO report's failed batches ({@code ingest_batch_failures}).
     *
     * @param outcome FAILED (a transient fault) or BUG
     * @param reason a short reason without row values (as the record results carry it)
     * @throws SQLException on any database error
     */
    public static void recordFailure(
            Connection c,
            String source,
            List<SourceRecord> records,
            int failedRecords,
            String outcome,
            String reason,
            Instant startedAt,
            Instant failedAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RECORD_FAILURE)) {
            ps.setString(1, source);
            ps.setString(2, commonShard(records));
            ps.setInt(3, records.size());
            ps.setInt(4, failedRecords);
            ps.setString(5, outcome);
            ps.setString(6, reason);
            ps.setTimestamp(7, Timestamp.from(startedAt));
            ps.setTimestamp(8, Timestamp.from(failedAt));
            ps.executeUpdate();
        }
    }

    private static Long[] boxed(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** The shard every record shares, or "" when they come from several (or none). */
    static String commonShard(List<SourceRecord> records) {
        if (records.isEmpty()) {
            return "";
        }
        String shard = records.get(0).shard();
        for (SourceRecord r : records) {
            if (!r.shard().equals(shard)) {
                return "";
            }
        }
        return shard;
    }

    private record Key(String shard, String sequence, int subSequence) {}
}
