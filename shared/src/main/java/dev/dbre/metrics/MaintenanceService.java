package dev.dbre.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.dbre.port.ConnectionFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
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

    /** A run of {@link #run(Instant)}: no deadline. */
    private static final Duration UNBOUNDED = Duration.ofDays(36_500);

    private final ConnectionFactory connections;
    private final MetricStoreSettings settings;

    public MaintenanceService(ConnectionFactory connections, MetricStoreSettings settings) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * What one run did, or with {@code dryRun} would do, per table.
     *
     * @param at the run's time: buckets that ended before it are closed
     * @param dryRun nothing was changed: the figures say what a real run would do (rollups: the
     *     closed buckets queued now; an hour's count leaves out what the minute rollup would queue)
     * @param complete every queued closed bucket was rolled up; false when the run stopped at its
     *     deadline (the rest stays queued for the next run)
     * @param rolledUp buckets recomputed ({@link MetricTable#MINUTE}, {@link MetricTable#HOUR},
     *     {@link MetricTable#DAY})
     * @param createdByTable partitions created ahead of time (not the partition a rollup makes for an
     *     old bucket's row)
     * @param droppedByTable partitions dropped after their retention
     */
    public record Report(
            Instant at,
            boolean dryRun,
            boolean complete,
            Map<MetricTable, Integer> rolledUp,
            Map<MetricTable, List<String>> createdByTable,
            Map<MetricTable, List<String>> droppedByTable) {
        public Report {
            rolledUp = Map.copyOf(rolledUp);
            createdByTable = copy(createdByTable);
            droppedByTable = copy(droppedByTable);
        }

        private static Map<MetricTable, List<String>> copy(Map<MetricTable, List<String>> byTable) {
            Map<MetricTable, List<String>> out = new EnumMap<>(MetricTable.class);
            byTable.forEach((t, names) -> out.put(t, List.copyOf(names)));
            return java.util.Collections.unmodifiableMap(out);
        }

        /** Minutes rolled up into {@code metric_agg_1m}. */
        public int minutesRolled() {
            return rolledUp.getOrDefault(MetricTable.MINUTE, 0);
        }

        /** Hours rolled up into {@code metric_agg_1h}. */
        public int hoursRolled() {
            return rolledUp.getOrDefault(MetricTable.HOUR, 0);
        }

        /** Days rolled up into {@code metric_agg_1d}. */
        public int daysRolled() {
            return rolledUp.getOrDefault(MetricTable.DAY, 0);
        }

        /** Every partition created, table by table. */
        public List<String> partitionsCreated() {
            return flat(createdByTable);
        }

        /** Every partition dropped, table by table. */
        public List<String> partitionsDropped() {
            return flat(droppedByTable);
        }

        private static List<String> flat(Map<MetricTable, List<String>> byTable) {
            List<String> out = new ArrayList<>();
            for (MetricTable t : MetricTable.values()) {
                out.addAll(byTable.getOrDefault(t, List.of()));
            }
            return out;
        }

        /**
         * The summary the maintenance functions answer: {@code {"at", "dryRun", "complete",
         * "resolutions": {"interval"|"1m"|"1h"|"1d"|"raw"|"rawChecks": {"table", "rolledUp", "partitionsCreated",
         * "partitionsDropped"}}}} ({@code rolledUp} for 1m, 1h and 1d only).
         */
        public String toJson() {
            StringWriter w = new StringWriter();
            try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
                g.writeStartObject();
                g.writeStringField("at", at.toString());
                g.writeBooleanField("dryRun", dryRun);
                g.writeBooleanField("complete", complete);
                g.writeObjectFieldStart("resolutions");
                for (MetricTable t : MetricTable.values()) {
                    g.writeObjectFieldStart(resolutionName(t));
                    g.writeStringField("table", t.table());
                    if (t == MetricTable.MINUTE || t == MetricTable.HOUR || t == MetricTable.DAY) {
                        g.writeNumberField("rolledUp", rolledUp.getOrDefault(t, 0));
                    }
                    names(g, "partitionsCreated", createdByTable.getOrDefault(t, List.of()));
                    names(g, "partitionsDropped", droppedByTable.getOrDefault(t, List.of()));
                    g.writeEndObject();
                }
                g.writeEndObject();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return w.toString();
        }

        private static void names(JsonGenerator g, String field, List<String> names) throws IOException {
            g.writeArrayFieldStart(field);
            for (String n : names) {
                g.writeString(n);
            }
            g.writeEndArray();
        }

        /** The key of a table in {@link #toJson}. */
        public static String resolutionName(MetricTable t) {
            return switch (t) {
                case INTERVAL -> "interval";
                case MINUTE -> "1m";
                case HOUR -> "1h";
                case DAY -> "1d";
                case RAW -> "raw";
                case RAW_CHECKS -> "rawChecks";
            };
        }
    }

    /**
     * Runs every step at time {@code now}, to the end.
     *
     * @throws SQLException on a database error (every step is safe to run again)
     */
    public Report run(Instant now) throws SQLException {
        return run(Clock.fixed(now, ZoneOffset.UTC), UNBOUNDED, false);
    }

    /**
     * Runs every step at {@code clock}'s time: partitions ahead, the rollups while {@code budget}
     * lasts (no rollup transaction starts after it; what is left stays queued), then retention.
     * With {@code dryRun} it changes nothing and reports what it would create, roll up and drop.
     *
     * @param budget how long the rollups may go on starting work (a function's remaining time less
     *     a margin for the drops and the answer); zero rolls nothing up
     * @throws SQLException on a database error (every step is safe to run again)
     */
    public Report run(Clock clock, Duration budget, boolean dryRun) throws SQLException {
        Instant now = clock.instant();
        Instant deadline = now.plus(budget);
        Map<MetricTable, List<String>> created = createPartitionsAhead(now, dryRun);
        Map<MetricTable, Integer> rolled = new EnumMap<>(MetricTable.class);
        boolean complete;
        if (dryRun) {
            rolled.put(MetricTable.MINUTE, queuedClosed(Rollup.MINUTE, now));
            rolled.put(MetricTable.HOUR, queuedClosed(Rollup.HOUR, now));
            rolled.put(MetricTable.DAY, queuedClosed(Rollup.DAY, now));
            complete = true;
        } else {
            RollupProgress minutes = rollUp(Rollup.MINUTE, now, clock, deadline);
            RollupProgress hours =
                    minutes.complete() ? rollUp(Rollup.HOUR, now, clock, deadline) : new RollupProgress(0, false);
            RollupProgress days =
                    hours.complete() ? rollUp(Rollup.DAY, now, clock, deadline) : new RollupProgress(0, false);
            rolled.put(MetricTable.MINUTE, minutes.buckets());
            rolled.put(MetricTable.HOUR, hours.buckets());
            rolled.put(MetricTable.DAY, days.buckets());
            complete = minutes.complete() && hours.complete() && days.complete();
        }
        Map<MetricTable, List<String>> dropped = dropExpired(now, dryRun);
        Report report = new Report(now, dryRun, complete, rolled, created, dropped);
        log.info(
                "metric maintenance at {}{}: partitions created={} minutes rolled={} hours rolled={} days rolled={}"
                        + " complete={}"
                        + " dropped={}",
                now,
                dryRun ? " (dry run: nothing changed)" : "",
                report.partitionsCreated(),
                report.minutesRolled(),
                report.hoursRolled(),
                report.daysRolled(),
                complete,
                report.partitionsDropped());
        return report;
    }

    /**
     * Creates the partitions from yesterday to {@code partitionsAheadDays} ahead for every table
     * (the raw tables only with raw points on; their expired partitions are dropped either way).
     *
     * @return how many partitions it made sure of
     */
    public int createPartitionsAhead(Instant now) throws SQLException {
        createPartitionsAhead(now, false);
        int n = 0;
        for (List<MetricTable.Partition> parts : partitionsAheadOf(now).values()) {
            n += parts.size();
        }
        return n;
    }

    /** The partitions from yesterday to {@code partitionsAheadDays} ahead, per table. */
    private Map<MetricTable, List<MetricTable.Partition>> partitionsAheadOf(Instant now) {
        long today = MetricTable.epochDay(now);
        Map<MetricTable, List<MetricTable.Partition>> out = new EnumMap<>(MetricTable.class);
        for (MetricTable t : MetricTable.values()) {
            if (t.raw() && !settings.rawPoints()) {
                continue;
            }
            TreeSet<Long> starts = new TreeSet<>();
            for (long d = today - 1; d <= today + settings.partitionsAheadDays(); d++) {
                starts.add(t.partitionStartDay(d));
            }
            List<MetricTable.Partition> parts = new ArrayList<>();
            for (long start : starts) {
                parts.add(t.partition(start));
            }
            out.put(t, parts);
        }
        return out;
    }

    /**
     * Creates (or with {@code dryRun} only lists) the missing partitions ahead.
     *
     * @return the partitions that did not exist before, per table
     */
    private Map<MetricTable, List<String>> createPartitionsAhead(Instant now, boolean dryRun) throws SQLException {
        Map<MetricTable, List<String>> created = new EnumMap<>(MetricTable.class);
        try (Connection c = connections.open()) {
            c.setAutoCommit(true);
            for (Map.Entry<MetricTable, List<MetricTable.Partition>> e :
                    partitionsAheadOf(now).entrySet()) {
                List<String> names = new ArrayList<>();
                for (MetricTable.Partition p : e.getValue()) {
                    if (exists(c, p.name())) {
                        continue;
                    }
                    if (!dryRun) {
                        ensurePartition(c, p);
                        if (!exists(c, p.name())) {
                            // Raw points only: the default partition holds rows of its range, so
                            // they stay there and no partition is made (metric_ensure_partition).
                            continue;
                        }
                    }
                    names.add(p.name());
                }
                created.put(e.getKey(), names);
            }
        }
        return created;
    }

    private static boolean exists(Connection c, String partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, quote(partition));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void ensurePartition(Connection c, MetricTable.Partition p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
            ps.setString(1, p.parent().table());
            ps.setTimestamp(2, Timestamp.from(p.lower()));
            ps.setTimestamp(3, Timestamp.from(p.upper()));
            ps.setString(4, p.name());
            ps.execute();
        }
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

    /** Buckets a rollup recomputed, and whether it reached the end of its queue. */
    private record RollupProgress(int buckets, boolean complete) {}

    /**
     * Recomputes every queued bucket of {@code r} that is closed at {@code now} (an hour only once
     * the minute rollup has passed its end), and advances the resolution's {@code rolled_until}.
     *
     * @return buckets recomputed
     */
    int rollUp(Rollup r, Instant now) throws SQLException {
        return rollUp(r, now, Clock.fixed(now, ZoneOffset.UTC), now.plus(UNBOUNDED))
                .buckets();
    }

    /** As {@link #rollUp(Rollup, Instant)}, starting no transaction once {@code clock} reaches {@code deadline}. */
    private RollupProgress rollUp(Rollup r, Instant now, Clock clock, Instant deadline) throws SQLException {
        int total = 0;
        while (true) {
            if (!clock.instant().isBefore(deadline)) {
                return new RollupProgress(total, false);
            }
            int done = rollUpSome(r, now);
            total += done;
            if (done < BUCKETS_PER_TRANSACTION) {
                return new RollupProgress(total, true);
            }
        }
    }

    /** The distinct closed buckets queued for {@code r} now (a dry run's figure; nothing is taken). */
    private int queuedClosed(Rollup r, Instant now) throws SQLException {
        try (Connection c = connections.open()) {
            Instant cutoff = closedBefore(c, r, now);
            try (PreparedStatement ps = c.prepareStatement(
                    "select count(distinct bucket) from metric_rollup_queue where resolution = ? and bucket < ?")) {
                ps.setString(1, r.code);
                ps.setTimestamp(2, Timestamp.from(cutoff));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
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
                    if (r == Rollup.MINUTE) {
                        noteMinuteChanges(c, buckets);
                    }
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
            Instant finer = RolledUntil.of(c, r.previous().code);
            limit = finer == null || finer.isAfter(now) ? (finer == null ? Instant.EPOCH : now) : finer;
        }
        long s = limit.getEpochSecond();
        return Instant.ofEpochSecond(Math.floorDiv(s, r.widthSeconds) * r.widthSeconds);
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
            ensurePartition(c, r.target.partition(start));
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

    /**
     * Appends each minute just written to {@code metric_agg_1m} with the next change number, so
     * that the SLO report's recorded SLIs ({@code dev.dbre.slo.data.SliRecording}) re-record a
     * minute a late point re-rolled. Under the rollup's lock, so a larger number always commits later.
     */
    private static void noteMinuteChanges(Connection c, List<Instant> buckets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into metric_minute_changes (bucket)"
                + " select b from unnest(?::timestamptz[]) as u(b) order by b")) {
            Timestamp[] ts = new Timestamp[buckets.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = Timestamp.from(buckets.get(i));
            }
            ps.setArray(1, c.createArrayOf("timestamptz", ts));
            ps.executeUpdate();
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
        List<String> out = new ArrayList<>();
        dropExpired(now, false).values().forEach(out::addAll);
        return out;
    }

    /**
     * Drops (or with {@code dryRun} only lists) the partitions past their retention.
     *
     * @return their names per table, in name order
     */
    private Map<MetricTable, List<String>> dropExpired(Instant now, boolean dryRun) throws SQLException {
        Map<MetricTable, List<String>> dropped = new EnumMap<>(MetricTable.class);
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local time zone 'UTC'");
                // Two runs at once: the second waits, then finds the first one's drops done.
                s.execute("select pg_advisory_xact_lock(hashtext('metric_retention'))");
            }
            Map<String, MetricTable> expired = new HashMap<>();
            Map<String, Instant> upperBounds = new HashMap<>();
            String sql = "select p.relname, pg_get_expr(p.relpartbound, p.oid) from pg_inherits i"
                    + " join pg_class p on p.oid = i.inhrelid join pg_class t on t.oid = i.inhparent"
                    + " where t.relname = ? and t.relnamespace = p.relnamespace"
                    + " and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())";
            for (MetricTable t : MetricTable.values()) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, t.table());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Matcher m = UPPER_BOUND.matcher(rs.getString(2));
                            if (m.find()) {
                                Instant upper = OffsetDateTime.parse(m.group(1), PG_TIMESTAMPTZ)
                                        .toInstant();
                                if (settings.expired(t, upper, now)) {
                                    expired.put(rs.getString(1), t);
                                    upperBounds.put(rs.getString(1), upper);
                                }
                            }
                        }
                    }
                }
            }
            for (String name : new TreeSet<>(expired.keySet())) {
                Rollup reader = readerOf(expired.get(name));
                Instant upper = upperBounds.get(name);
                Instant lower = upper.minus(expired.get(name).partitionWidth());
                // A dry run rolls nothing up, so it assumes its rollups would finish (as it reports them).
                if (!dryRun && reader != null && !rolledPast(c, reader, lower, upper)) {
                    // Retention never outruns the rollups: a partition whose rows the coarser
                    // rollup has not read yet (a run out of time, a queued late point) stays until a
                    // later run has rolled it up, so no number is lost.
                    log.warn(
                            "partition {} is past its retention but kept: the {} rollup has not read it yet",
                            name,
                            reader.code);
                    expired.remove(name);
                }
            }
            if (!dryRun) {
                // The minutes' change numbers go with the minutes (a table of one row per minute).
                try (PreparedStatement ps = c.prepareStatement("delete from metric_minute_changes where bucket < ?")) {
                    ps.setTimestamp(
                            1, Timestamp.from(now.minus(Duration.ofDays(settings.retentionDays(MetricTable.MINUTE)))));
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement()) {
                for (String name : new TreeSet<>(expired.keySet())) {
                    if (!dryRun) {
                        s.execute("drop table " + quote(name));
                    }
                    dropped.computeIfAbsent(expired.get(name), t -> new ArrayList<>())
                            .add(name);
                }
            }
            if (dryRun) {
                c.rollback();
            } else {
                c.commit();
            }
        }
        return dropped;
    }

    /** The rollup that reads {@code table}'s rows, or null when none does. */
    private static Rollup readerOf(MetricTable table) {
        for (Rollup r : Rollup.values()) {
            if (r.source == table) {
                return r;
            }
        }
        return null;
    }

    /**
     * Whether rollup {@code r} has read every row of a partition {@code [lower, upper)}: its progress
     * has passed the partition's end and none of its queued buckets lies in it.
     */
    private static boolean rolledPast(Connection c, Rollup r, Instant lower, Instant upper) throws SQLException {
        Instant until = RolledUntil.of(c, r.code);
        if (until == null || until.isBefore(upper)) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "select exists (select 1 from metric_rollup_queue where resolution = ? and bucket >= ? and bucket < ?)")) {
            ps.setString(1, r.code);
            ps.setTimestamp(2, Timestamp.from(lower));
            ps.setTimestamp(3, Timestamp.from(upper));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return !rs.getBoolean(1);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
