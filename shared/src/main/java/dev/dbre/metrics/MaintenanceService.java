package dev.dbre.metrics;

import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metric store's scheduled upkeep (docs/metric-store.md), one call per run: create the
 * partitions of the coming days; roll the interval aggregates of closed minutes up into 1-minute
 * rows, closed hours into 1-hour rows and closed UTC days into 1-day rows; drop the partitions past
 * their retention.
 *
 * <p>Rollups are idempotent and safe to run concurrently: each resolution's rollup holds a
 * transaction-level advisory lock, takes the buckets queued by ingest ({@code
 * metric_rollup_queue}: every bucket that received data, late points included) and recomputes
 * each one whole from the finer data, replacing its row. A second scheduler waits for the lock and
 * then finds the queue empty, so nothing is computed twice; a late point queues its bucket again,
 * and the next run recomputes it.
 *
 * <p>A bucket is closed when it ended before {@code now}. A rolled-up number is final once no
 * point with a timestamp in it arrives any more and the run after the last such point has
 * finished.
 */
public final class MaintenanceService {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceService.class);

    /** Buckets recomputed per transaction (bounds memory after a long pause). */
    static final int BUCKETS_PER_TRANSACTION = 120;

    private static final Pattern UPPER_BOUND = Pattern.compile("TO \\('([^']+)'\\)");
    private static final DateTimeFormatter PG_TIMESTAMPTZ =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]X");

    private final ConnectionFactory connections;
    private final MetricStoreSettings settings;

    public MaintenanceService(ConnectionFactory connections, MetricStoreSettings settings) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** What one run did. */
    public record Report(
            int partitionsEnsured,
            int minutesRolled,
            int hoursRolled,
            int daysRolled,
            List<String> partitionsDropped) {}

    /**
     * Runs every step at time {@code now}.
     *
     * @throws SQLException on a database error (every step is safe to run again)
     */
    public Report run(Instant now) throws SQLException {
        int ensured = createPartitionsAhead(now);
        int minutes = rollUp(Rollup.MINUTE, now);
        int hours = rollUp(Rollup.HOUR, now);
        int days = rollUp(Rollup.DAY, now);
        List<String> dropped = dropExpired(now);
        log.info(
                "metric maintenance at {}: partitions ensured={} minutes rolled={} hours rolled={} days rolled={}"
                        + " dropped={}",
                now,
                ensured,
                minutes,
                hours,
                days,
                dropped);
        return new Report(ensured, minutes, hours, days, dropped);
    }

    /**
     * Creates the partitions from yesterday to {@code partitionsAheadDays} ahead for every table
     * (the raw table only with raw points on).
     *
     * @return how many partitions it made sure of
     */
    public int createPartitionsAhead(Instant now) throws SQLException {
        long today = MetricTable.epochDay(now);
        int n = 0;
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            for (MetricTable t : MetricTable.values()) {
                if (t == MetricTable.RAW && !settings.rawPoints()) {
                    continue;
                }
                TreeSet<Long> starts = new TreeSet<>();
                for (long d = today - 1; d <= today + settings.partitionsAheadDays(); d++) {
                    starts.add(t.partitionStartDay(d));
                }
                for (long start : starts) {
                    MetricTable.Partition p = t.partition(start);
                    try (PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
                        ps.setString(1, t.table());
                        ps.setTimestamp(2, Timestamp.from(p.lower()));
                        ps.setTimestamp(3, Timestamp.from(p.upper()));
                        ps.setString(4, p.name());
                        ps.execute();
                    }
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * A rollup step: from which table into which, the bucket width, and the step its buckets feed
     * (the coarser one, whose bucket width is a multiple of this one's), with the step before it.
     */
    enum Rollup {
        MINUTE("1m", MetricTable.INTERVAL, MetricTable.MINUTE, 60),
        HOUR("1h", MetricTable.MINUTE, MetricTable.HOUR, 3600),
        DAY("1d", MetricTable.HOUR, MetricTable.DAY, 86_400);

        final String code;
        final MetricTable source;
        final MetricTable target;
        final long widthSeconds;

        Rollup(String code, MetricTable source, MetricTable target, long widthSeconds) {
            this.code = code;
            this.source = source;
            this.target = target;
            this.widthSeconds = widthSeconds;
        }

        /** The rollup that reads this one's rows, or null. */
        Rollup next() {
            return ordinal() + 1 < values().length ? values()[ordinal() + 1] : null;
        }

        /** The rollup whose rows this one reads, or null (the minutes read the ingest intervals). */
        Rollup previous() {
            return ordinal() > 0 ? values()[ordinal() - 1] : null;
        }
    }

    /**
     * Recomputes every queued bucket of {@code r} that is closed at {@code now} (an hour only once
     * the minute rollup has passed its end), and advances the resolution's {@code rolled_until}.
     *
     * @return buckets recomputed
     */
    int rollUp(Rollup r, Instant now) throws SQLException {
        int total = 0;
        while (true) {
            int done = rollUpSome(r, now);
            total += done;
            if (done < BUCKETS_PER_TRANSACTION) {
                return total;
            }
        }
    }

    private int rollUpSome(Rollup r, Instant now) throws SQLException {
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("select pg_advisory_xact_lock(hashtext('metric_rollup:" + r.code + "'))");
                }
                Instant cutoff = closedBefore(c, r, now);
                List<Instant> buckets = takeQueued(c, r, cutoff);
                Map<Key, Aggregate> merged = new HashMap<>();
                Map<Long, SeriesType> types = new HashMap<>();
                if (!buckets.isEmpty()) {
                    readSource(c, r, buckets, merged, types);
                    writeTarget(c, r, merged);
                    if (r.next() != null) {
                        queueNext(c, r.next(), buckets);
                    }
                }
                if (buckets.size() < BUCKETS_PER_TRANSACTION) {
                    advance(c, r, cutoff);
                }
                c.commit();
                return buckets.size();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * The end of the last closed bucket: now, or for hours and days the finer rollup's progress if
     * earlier.
     */
    private Instant closedBefore(Connection c, Rollup r, Instant now) throws SQLException {
        Instant limit = now;
        if (r.previous() != null) {
            Instant finer = rolledUntil(c, r.previous().code);
            limit = finer == null || finer.isAfter(now) ? (finer == null ? Instant.EPOCH : now) : finer;
        }
        long s = limit.getEpochSecond();
        return Instant.ofEpochSecond(Math.floorDiv(s, r.widthSeconds) * r.widthSeconds);
    }

    private static Instant rolledUntil(Connection c, String code) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("select rolled_until from metric_rollup_state where resolution = ?")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getTimestamp(1).toInstant() : null;
            }
        }
    }

    private static List<Instant> takeQueued(Connection c, Rollup r, Instant cutoff) throws SQLException {
        // The oldest queued buckets first; every queue row of a taken bucket goes (a bucket is
        // queued once per batch that touched it).
        String sql = "with b as (select distinct bucket from metric_rollup_queue where resolution = ? and bucket < ?"
                + " order by bucket limit " + BUCKETS_PER_TRANSACTION + "),"
                + " gone as (delete from metric_rollup_queue q using b where q.resolution = ? and q.bucket = b.bucket"
                + " returning q.bucket)"
                + " select distinct bucket from gone order by bucket";
        List<Instant> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.code);
            ps.setTimestamp(2, Timestamp.from(cutoff));
            ps.setString(3, r.code);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getTimestamp(1).toInstant());
                }
            }
        }
        return out;
    }

    private record Key(long seriesId, long bucketEpochSecond) {}

    private static void readSource(
            Connection c, Rollup r, List<Instant> buckets, Map<Key, Aggregate> merged, Map<Long, SeriesType> types)
            throws SQLException {
        String sql = "select a.series_id, s.type, extract(epoch from d.b)::int8, a.n, a.sum, a.min, a.max, a.last,"
                + " (extract(epoch from a.last_ts) * 1000000)::int8, a.state"
                + " from unnest(?::timestamptz[]) as d(b)"
                + " join " + r.source.table() + " a on a.bucket >= d.b and a.bucket < d.b + make_interval(secs => ?)"
                + " join metric_series s on s.id = a.series_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            BinaryRows.enable(ps);
            ps.setFetchSize(10_000);
            Timestamp[] ts = new Timestamp[buckets.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = Timestamp.from(buckets.get(i));
            }
            ps.setArray(1, c.createArrayOf("timestamptz", ts));
            ps.setLong(2, r.widthSeconds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long series = rs.getLong(1);
                    SeriesType type = types.computeIfAbsent(series, id -> {
                        try {
                            return SeriesType.ofCode(rs.getString(2));
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    merged.computeIfAbsent(new Key(series, rs.getLong(3)), k -> new Aggregate(type))
                            .mergeRow(
                                    rs.getDouble(4),
                                    (Double) rs.getObject(5),
                                    (Double) rs.getObject(6),
                                    (Double) rs.getObject(7),
                                    (Double) rs.getObject(8),
                                    (Long) rs.getObject(9),
                                    rs.getBytes(10));
                }
            }
        }
    }

    private void writeTarget(Connection c, Rollup r, Map<Key, Aggregate> merged) throws SQLException {
        TreeSet<Long> starts = new TreeSet<>();
        for (Key k : merged.keySet()) {
            starts.add(r.target.partitionStartDay(Math.floorDiv(k.bucketEpochSecond, 86_400)));
        }
        for (long start : starts) {
            MetricTable.Partition p = r.target.partition(start);
            try (PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
                ps.setString(1, r.target.table());
                ps.setTimestamp(2, Timestamp.from(p.lower()));
                ps.setTimestamp(3, Timestamp.from(p.upper()));
                ps.setString(4, p.name());
                ps.execute();
            }
        }
        // Replaces the whole row: the source holds everything the bucket ever received.
        String sql = "insert into " + r.target.table() + " (series_id, bucket, n, sum, min, max, last, last_ts, state)"
                + " values (?, ?, ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond', ?)"
                + " on conflict (series_id, bucket) do update set n = excluded.n, sum = excluded.sum,"
                + " min = excluded.min, max = excluded.max, last = excluded.last, last_ts = excluded.last_ts,"
                + " state = excluded.state";
        List<Key> keys = new ArrayList<>(merged.keySet());
        keys.sort((a, b) -> a.seriesId != b.seriesId
                ? Long.compare(a.seriesId, b.seriesId)
                : Long.compare(a.bucketEpochSecond, b.bucketEpochSecond));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (Key k : keys) {
                Aggregate a = merged.get(k);
                boolean noSum = a.type() == SeriesType.SET || a.type() == SeriesType.SERVICE_CHECK;
                ps.setLong(1, k.seriesId);
                ps.setTimestamp(2, Timestamp.from(Instant.ofEpochSecond(k.bucketEpochSecond)));
                ps.setDouble(3, a.n());
                ps.setObject(4, noSum ? null : a.sum(), java.sql.Types.DOUBLE);
                ps.setObject(5, a.min(), java.sql.Types.DOUBLE);
                ps.setObject(6, a.max(), java.sql.Types.DOUBLE);
                ps.setObject(7, a.last(), java.sql.Types.DOUBLE);
                ps.setObject(8, a.lastTs(), java.sql.Types.BIGINT);
                ps.setBytes(9, a.encodeState());
                ps.addBatch();
                if (++pending == 1000) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    /** Queues the buckets of {@code next} that hold {@code buckets} (just recomputed). */
    private static void queueNext(Connection c, Rollup next, List<Instant> buckets) throws SQLException {
        TreeSet<Instant> queued = new TreeSet<>();
        for (Instant b : buckets) {
            queued.add(Instant.ofEpochSecond(Math.floorDiv(b.getEpochSecond(), next.widthSeconds) * next.widthSeconds));
        }
        try (PreparedStatement ps =
                c.prepareStatement("insert into metric_rollup_queue (resolution, bucket) values (?, ?)")) {
            for (Instant b : queued) {
                ps.setString(1, next.code);
                ps.setTimestamp(2, Timestamp.from(b));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void advance(Connection c, Rollup r, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into metric_rollup_state (resolution, rolled_until)"
                + " values (?, ?) on conflict (resolution) do update"
                + " set rolled_until = greatest(metric_rollup_state.rolled_until, excluded.rolled_until)")) {
            ps.setString(1, r.code);
            ps.setTimestamp(2, Timestamp.from(cutoff));
            ps.executeUpdate();
        }
    }

    /**
     * Drops every partition whose range ended more than its table's retention before {@code now}
     * (the default raw partition is never dropped).
     *
     * @return the dropped partitions' names
     */
    public List<String> dropExpired(Instant now) throws SQLException {
        List<String> dropped = new ArrayList<>();
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local time zone 'UTC'");
            }
            Map<String, MetricTable> expired = new HashMap<>();
            String sql = "select p.relname, pg_get_expr(p.relpartbound, p.oid) from pg_inherits i"
                    + " join pg_class p on p.oid = i.inhrelid join pg_class t on t.oid = i.inhparent"
                    + " where t.relname = ? and t.relnamespace = p.relnamespace"
                    + " and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())";
            for (MetricTable t : MetricTable.values()) {
                Instant keepFrom = now.minus(Duration.ofDays(settings.retentionDays(t)));
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, t.table());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Matcher m = UPPER_BOUND.matcher(rs.getString(2));
                            if (m.find()) {
                                Instant upper = OffsetDateTime.parse(m.group(1), PG_TIMESTAMPTZ)
                                        .toInstant();
                                if (!upper.isAfter(keepFrom)) {
                                    expired.put(rs.getString(1), t);
                                }
                            }
                        }
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                for (String name : new TreeSet<>(expired.keySet())) {
                    s.execute("drop table " + quote(name));
                    dropped.add(name);
                }
            }
            c.commit();
        }
        return dropped;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
