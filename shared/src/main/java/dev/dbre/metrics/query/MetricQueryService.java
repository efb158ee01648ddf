package dev.dbre.metrics.query;

import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.BinaryRows;
import dev.dbre.metrics.SeriesType;
import dev.dbre.port.ConnectionFactory;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 */
public final class MetricQueryService implements MetricQueries {
    private static final String SERIES = "select id, type, tags from metric_series where name = ?";
    private static final String STATE = "select resolution, rolled_until from metric_rollup_state";
    private static final String ROWS = "select (extract(epoch from bucket) * 1000000)::int8, n, sum, min, max, last,"
            + " (extract(epoch from last_ts) * 1000000)::int8, state from %s"
            + " where series_id = any(?) and bucket >= ? and bucket < ?";

    private static final long DAY_MICROS = 86_400_000_000L;

    private final ConnectionFactory connections;
    private final int intervalSeconds;

    /** @param intervalSeconds the ingest interval the data was written with */
    public MetricQueryService(ConnectionFactory connections, int intervalSeconds) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public QueryResult query(MetricQuery q) throws SQLException {
        Resolution resolution = Resolution.forStep(q.step());
        if (q.step().toSeconds() % intervalSeconds != 0) {
            throw new IllegalArgumentException("the step must be a multiple of the ingest interval (" + intervalSeconds
                    + " s), was " + q.step().toSeconds() + " s");
        }
        // Below days, the finest resolution read before the ingest intervals.
        Resolution finest = resolution == Resolution.DAY ? Resolution.HOUR : resolution;
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
            Steps target = new Steps(from, step, merged);
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

    /** Where rows go: step {@code i} starts at {@code from + i * step}. */
    private record Steps(long from, long step, Aggregate[] merged) {}

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
        try (PreparedStatement ps = c.prepareStatement(STATE);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Resolution r = Resolution.ofCode(rs.getString(1));
                if (r != null) {
                    out.put(r, micros(rs.getTimestamp(2).toInstant()));
                }
            }
        }
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
