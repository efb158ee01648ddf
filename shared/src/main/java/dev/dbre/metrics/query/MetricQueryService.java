package dev.dbre.metrics.query;

import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.BinaryRows;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.OldestPartition;
import dev.dbre.metrics.RolledUntil;
import dev.dbre.metrics.SeriesType;
import dev.dbre.port.ConnectionFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * {@link MetricQueries} on PostgreSQL. Finds the matching series (by name, then the tag filters on
 * their canonical tags), then reads the coarsest resolution the step allows up to where its rollup
 * has run ({@code metric_rollup_state}) and finer data after that, merging everything per step.
 *
 * <p>A step of whole days starts at an hour, like an hourly one (a rolling 30-day window ending now
 * keeps its meaning); its whole UTC days are read from the daily rows when every step starts at
 * midnight or there is only one step (so that a day never straddles two steps), and the hours
 * around them from the hourly rows.
 *
 * <p>Built with the retention settings and a clock, it refuses ({@link BeyondRetentionException})
 * a query that would read any resolution from before its retention: maintenance may have dropped
 * those rows, and empty steps there would read as "nothing happened". The coarsest resolution a
 * step allows is also the one kept longest among those that tile it, so the choice of resolution
 * does not change; what changes is that a range it cannot cover is an error naming the coarser
 * step (or the rollup that lags behind) instead of silent zeros.
 */
public final class MetricQueryService implements MetricQueries {
    private static final String SERIES = "select id, type, tags from metric_series where name = ?";
    private static final String ROWS = "select (extract(epoch from bucket) * 1000000)::int8, n, sum, min, max, last,"
            + " (extract(epoch from last_ts) * 1000000)::int8, state from %s"
            + " where series_id = any(?) and bucket >= ? and bucket < ?";

    private static final long DAY_MICROS = 86_400_000_000L;

    private final ConnectionFactory connections;
    private final int intervalSeconds;
    /** The retention maintenance applies; null: nothing is refused. */
    private final MetricStoreSettings retention;

    private final Clock clock;

    /**
     * A service that knows no retention: it reads what is stored, so the steps of a range past a
     * resolution's retention come back empty. For readers that know their windows stay inside the
     * retention (the SLO report) and for tests on fixed dates; everything else should use {@link
     * #MetricQueryService(ConnectionFactory, MetricStoreSettings, Clock)}.
     *
     * @param intervalSeconds the ingest interval the data was written with
     */
    public MetricQueryService(ConnectionFactory connections, int intervalSeconds) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.intervalSeconds = intervalSeconds;
        this.retention = null;
        this.clock = null;
    }

    /**
     * A service that refuses, with {@link BeyondRetentionException}, a query that would read a
     * resolution from before its retention under {@code settings} at {@code clock}'s time.
     *
     * @param settings the interval the data was written with and the retention maintenance applies
     */
    public MetricQueryService(ConnectionFactory connections, MetricStoreSettings settings, Clock clock) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.retention = Objects.requireNonNull(settings, "settings");
        this.intervalSeconds = settings.intervalSeconds();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * {@inheritDoc}
     *
     * @throws BeyondRetentionException (built with retention settings) if the range reaches past
     *     the retention of a resolution it would read
     * @throws IllegalArgumentException if the step is not a multiple of the interval, or the
     *     matching series have several types
     */
    @Override
    public QueryResult query(MetricQuery q) throws SQLException {
        Resolution resolution = Resolution.forStep(q.step());
        if (q.step().toSeconds() % intervalSeconds != 0) {
            throw new IllegalArgumentException("the step must be a multiple of the ingest interval (" + intervalSeconds
                    + " s), was " + q.step().toSeconds() + " s");
        }
        // Below days, the finest resolution read before the ingest intervals.
        Resolution finest = resolution == Resolution.DAY ? Resolution.HOUR : resolution;
        Instant now = clock == null ? null : clock.instant();
        long width = finest.width(intervalSeconds).toSeconds() * 1_000_000L;
        long from = Math.floorDiv(micros(q.from()), width) * width;
        long to = micros(q.to());
        long step = q.step().toSeconds() * 1_000_000L;
        try (Connection c = connections.open()) {
            c.setReadOnly(true);
            List<Long> ids = new ArrayList<>();
            TreeSet<SeriesType> types = new TreeSet<>();
            try (PreparedStatement ps = c.prepareStatement(SERIES)) {
                ps.setString(1, q.selector().name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String[] tags = (String[]) rs.getArray(3).getArray();
                        if (q.selector().matches(tags)) {
                            ids.add(rs.getLong(1));
                            types.add(SeriesType.ofCode(rs.getString(2)));
                        }
                    }
                }
            }
            if (ids.isEmpty()) {
                return new QueryResult(q, null, 0, resolution, List.of());
            }
            if (types.size() > 1) {
                throw new IllegalArgumentException("the series of '" + q.selector() + "' have several types " + types
                        + ": narrow the selector to one type");
            }
            SeriesType type = types.first();
            int steps = (int) ((to - from + step - 1) / step);
            Aggregate[] merged = new Aggregate[steps];
            for (int i = 0; i < steps; i++) {
                merged[i] = new Aggregate(type);
            }
            Map<Resolution, Long> rolled = rolledUntil(c);
            Array idArray = c.createArrayOf("int8", ids.toArray());
            Guard guard = new Guard(c, keptFrom(now), from, resolution, rolled);
            // First the range against its step's own resolution: a coarser step is the answer there,
            // whatever the rollups' progress.
            guard.check(resolution, from, to);
            Steps target = new Steps(from, step, merged, guard);
            long cursor = from;
            Resolution used = finest;
            Long daysUntil = rolled.get(Resolution.DAY);
            if (resolution == Resolution.DAY
                    && daysUntil != null
                    && (Math.floorMod(from, DAY_MICROS) == 0 || steps == 1)) {
                long firstDay = Math.floorDiv(from + DAY_MICROS - 1, DAY_MICROS) * DAY_MICROS;
                long lastDay = Math.floorDiv(Math.min(to, daysUntil), DAY_MICROS) * DAY_MICROS;
                if (lastDay > firstDay) {
                    readFinerThanDays(c, rolled, idArray, cursor, firstDay, target);
                    read(c, Resolution.DAY, idArray, firstDay, lastDay, target);
                    cursor = lastDay;
                    used = Resolution.DAY;
                }
            }
            if (finest == Resolution.HOUR) {
                readFinerThanDays(c, rolled, idArray, cursor, to, target);
            } else {
                if (finest == Resolution.MINUTE) {
                    long end = clamp(rolled.getOrDefault(Resolution.MINUTE, Long.MIN_VALUE), cursor, to);
                    read(c, Resolution.MINUTE, idArray, cursor, end, target);
                    cursor = end;
                }
                read(c, Resolution.INTERVAL, idArray, cursor, to, target);
            }
            List<StepResult> out = new ArrayList<>(steps);
            for (int i = 0; i < steps; i++) {
                out.add(new StepResult(instant(from + i * step), q.step(), merged[i]));
            }
            return new QueryResult(q, type, ids.size(), used, out);
        }
    }

    /** Where rows go: step {@code i} starts at {@code from + i * step}; what may be read is the guard's. */
    private record Steps(long from, long step, Aggregate[] merged, Guard guard) {}

    /** Where each resolution's kept data begins at {@code now}, in micros; null without retention. */
    private Map<Resolution, Long> keptFrom(Instant now) {
        if (retention == null) {
            return null;
        }
        Map<Resolution, Long> out = new EnumMap<>(Resolution.class);
        for (Resolution r : Resolution.values()) {
            long width = r.width(intervalSeconds).toSeconds() * 1_000_000L;
            long edge = micros(now.minus(r.retention(retention)));
            // The bucket holding the edge is kept whole: partitions are cut at bucket boundaries.
            out.put(r, Math.floorDiv(edge, width) * width);
        }
        return out;
    }

    /**
     * Refuses a read of a resolution from before its kept data, saying why the data may be gone and
     * what to ask instead.
     *
     * @param keptFrom per resolution, where its kept data begins; null: every read is allowed
     * @param from the (aligned) start of the query
     * @param stepResolution the resolution the step asks for ({@link Resolution#forStep})
     */
    private final class Guard {
        private final Connection c;
        private final Map<Resolution, Long> keptFrom;
        private final long from;
        private final Resolution stepResolution;
        private final Map<Resolution, Long> rolled;

        Guard(
                Connection c,
                Map<Resolution, Long> keptFrom,
                long from,
                Resolution stepResolution,
                Map<Resolution, Long> rolled) {
            this.c = c;
            this.keptFrom = keptFrom;
            this.from = from;
            this.stepResolution = stepResolution;
            this.rolled = rolled;
        }

        void check(Resolution r, long lower, long upper) throws SQLException {
            if (keptFrom == null || upper <= lower || lower >= keptFrom.get(r)) {
                return;
            }
            long kept = keptFrom.get(r);
            long days = r.retention(retention).toDays();
            String what = r.label(intervalSeconds) + " data is kept " + days + " days (from " + instant(kept) + ")";
            if (r == stepResolution) {
                for (Resolution coarser : Resolution.values()) {
                    long width = coarser.width(intervalSeconds).toSeconds() * 1_000_000L;
                    if (coarser.compareTo(r) > 0 && Math.floorDiv(from, width) * width >= keptFrom.get(coarser)) {
                        String step = coarser.step(intervalSeconds);
                        throw refusal(
                                what + ": a range from " + instant(from) + " needs a step of " + step
                                        + " (or a multiple of it), or a start within " + days + " days",
                                r,
                                kept,
                                step,
                                false);
                    }
                }
                Resolution longest = Resolution.DAY;
                throw refusal(
                        what + ": a range from " + instant(from) + " is older than any data kept ("
                                + longest.label(intervalSeconds) + " data is kept "
                                + longest.retention(retention).toDays() + " days): start it later",
                        r,
                        kept,
                        null,
                        false);
            }
            if (stepResolution == Resolution.DAY && r == Resolution.HOUR && lower == from) {
                throw refusal(
                        what + ": a range from " + instant(from) + " in steps of whole days reads hours where its"
                                + " steps do not start at midnight UTC, and before the 1-day rollup has run: start it"
                                + " at midnight UTC, or within " + days + " days",
                        r,
                        kept,
                        null,
                        false);
            }
            // A rollup lags behind: finer rows are read where coarser ones should be. They are whole
            // unless retention dropped some, and it drops oldest first: if a partition from
            // `lower` or before is still there, nothing from `lower` on was dropped.
            Long oldest = oldestPartition(r);
            if (oldest != null && oldest <= lower) {
                return;
            }
            Resolution coarser = Resolution.values()[r.ordinal() + 1];
            Long until = rolled.get(coarser);
            throw refusal(
                    what + ", and the " + coarser.label(intervalSeconds) + " rollup has "
                            + (until == null ? "not run yet" : "run only until " + instant(until)) + ": the "
                            + r.label(intervalSeconds) + " rows from " + instant(lower)
                            + " on may have been dropped before they were rolled up. Run the metric store's"
                            + " maintenance (it rolls up before it drops), or start the range after " + instant(kept),
                    r,
                    kept,
                    null,
                    true);
        }

        private Long oldestPartition(Resolution r) throws SQLException {
            Instant t = OldestPartition.start(c, r.table());
            return t == null ? null : micros(t);
        }

        private BeyondRetentionException refusal(
                String message, Resolution r, long kept, String coarserStep, boolean rollupBehind) {
            return new BeyondRetentionException(
                    message, r, r.retention(retention), instant(kept), instant(from), coarserStep, rollupBehind);
        }
    }

    /**
     * Reads {@code [lower, upper)} from the hours up to where their rollup has run, then the
     * minutes, then the ingest intervals.
     */
    private static void readFinerThanDays(
            Connection c, Map<Resolution, Long> rolled, Array ids, long lower, long upper, Steps target)
            throws SQLException {
        long cursor = lower;
        for (Resolution r : new Resolution[] {Resolution.HOUR, Resolution.MINUTE}) {
            long end = clamp(rolled.getOrDefault(r, Long.MIN_VALUE), cursor, upper);
            read(c, r, ids, cursor, end, target);
            cursor = end;
        }
        read(c, Resolution.INTERVAL, ids, cursor, upper, target);
    }

    private static void read(Connection c, Resolution r, Array ids, long lower, long upper, Steps target)
            throws SQLException {
        long from = target.from();
        long step = target.step();
        Aggregate[] merged = target.merged();
        if (upper <= lower) {
            return;
        }
        target.guard().check(r, lower, upper);
        try (PreparedStatement ps =
                c.prepareStatement(String.format(ROWS, r.table().table()))) {
            BinaryRows.enable(ps);
            ps.setFetchSize(10_000);
            ps.setArray(1, ids);
            ps.setTimestamp(2, Timestamp.from(instant(lower)));
            ps.setTimestamp(3, Timestamp.from(instant(upper)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = (int) ((rs.getLong(1) - from) / step);
                    if (i < 0 || i >= merged.length) {
                        continue;
                    }
                    merged[i].mergeRow(
                            rs.getDouble(2),
                            (Double) rs.getObject(3),
                            (Double) rs.getObject(4),
                            (Double) rs.getObject(5),
                            (Double) rs.getObject(6),
                            (Long) rs.getObject(7),
                            rs.getBytes(8));
                }
            }
        }
    }

    private static Map<Resolution, Long> rolledUntil(Connection c) throws SQLException {
        Map<Resolution, Long> out = new EnumMap<>(Resolution.class);
        RolledUntil.all(c).forEach((code, until) -> {
            Resolution r = Resolution.ofCode(code);
            if (r != null) {
                out.put(r, micros(until));
            }
        });
        return out;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
    }

    /** The width of a resolution under this service's interval. */
    Duration width(Resolution r) {
        return r.width(intervalSeconds);
    }
}
