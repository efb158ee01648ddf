package db.migration;

import dev.dbre.config.Env;
import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.MetricTable;
import dev.dbre.metrics.SeriesType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Replays what was stored before the metric store (the raw rows of {@code metric_points_v8} and
 * {@code service_checks}) into series and interval aggregates, with the same rules as ingest
 * ({@link Aggregate}), so that the query API answers for old data too; the raw rows stay. The
 * interval is {@code DBRE_METRICS_INTERVAL_SECONDS} of the migrating process (10 s by default).
 * Rows are read in series order and written every {@value #FLUSH_ROWS} rows: partial aggregates
 * merge, so a series split across two flushes is still counted once.
 */
public class V10__metric_store_backfill extends BaseJavaMigration {
    static final int FLUSH_ROWS = 50_000;

    private static final String POINTS = "select name, type, tags, (extract(epoch from ts) * 1000000)::int8,"
            + " value, member, rate from metric_points_v8 order by name, type, tags";
    private static final String CHECKS = "select name, 'sc', tags, (extract(epoch from ts) * 1000000)::int8,"
            + " status from service_checks order by name, tags";

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        long interval = MetricStoreSettings.fromEnv(Env.system()).intervalSeconds() * 1_000_000L;
        Backfill b = new Backfill(c, interval);
        try (PreparedStatement ps = c.prepareStatement(POINTS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SeriesType type = SeriesType.ofCode(rs.getString(2));
                    Aggregate a = b.aggregate(
                            rs.getString(1), type, (String[]) rs.getArray(3).getArray(), rs.getLong(4));
                    if (type == SeriesType.SET) {
                        String member = rs.getString(6);
                        byte[] m = (member == null ? String.valueOf(rs.getDouble(5)) : member)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        a.addMember(m, 0, m.length);
                    } else {
                        a.addValue(rs.getDouble(5), rs.getDouble(7), rs.getLong(4));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(CHECKS)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    b.aggregate(
                                    rs.getString(1),
                                    SeriesType.SERVICE_CHECK,
                                    (String[]) rs.getArray(3).getArray(),
                                    rs.getLong(4))
                            .addStatus(rs.getInt(5));
                }
            }
        }
        b.flush();
    }

    /** Aggregates of the rows read since the last flush, by series and bucket. */
    private static final class Backfill {
        private final Connection c;
        private final long interval;
        private final Map<SeriesKey, Map<Long, Aggregate>> pending = new LinkedHashMap<>();
        private int rows;

        Backfill(Connection c, long interval) {
            this.c = c;
            this.interval = interval;
        }

        Aggregate aggregate(String name, SeriesType type, String[] tags, long unixMicros) throws SQLException {
            if (++rows > FLUSH_ROWS) {
                flush();
                rows = 1;
            }
            long bucket = Math.floorDiv(unixMicros, interval) * interval;
            return pending.computeIfAbsent(new SeriesKey(name, type, tags), k -> new LinkedHashMap<>())
                    .computeIfAbsent(bucket, k -> new Aggregate(type));
        }

        void flush() throws SQLException {
            if (pending.isEmpty()) {
                return;
            }
            TreeSet<Long> days = new TreeSet<>();
            TreeSet<Long> minutes = new TreeSet<>();
            for (Map<Long, Aggregate> buckets : pending.values()) {
                for (long bucket : buckets.keySet()) {
                    days.add(MetricTable.INTERVAL.partitionStartDay(Math.floorDiv(bucket, 86_400_000_000L)));
                    minutes.add(Math.floorDiv(bucket, 60_000_000L) * 60_000_000L);
                }
            }
            for (long day : days) {
                MetricTable.Partition p = MetricTable.INTERVAL.partition(day);
                try (PreparedStatement ps = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
                    ps.setString(1, p.parent().table());
                    ps.setTimestamp(2, Timestamp.from(p.lower()));
                    ps.setTimestamp(3, Timestamp.from(p.upper()));
                    ps.setString(4, p.name());
                    ps.execute();
                }
            }
            try (PreparedStatement series = c.prepareStatement("insert into metric_series (name, type, tags, source,"
                            + " created_at) values (?, ?, ?, 'migration:V10', now())"
                            + " on conflict on constraint metric_series_key do update set name = excluded.name"
                            + " returning id");
                    PreparedStatement agg = c.prepareStatement("insert into metric_agg (series_id, bucket, n, sum, min,"
                            + " max, last, last_ts, state) values (?, timestamptz 'epoch' + ? * interval '1 microsecond',"
                            + " ?, ?, ?, ?, ?, timestamptz 'epoch' + ? * interval '1 microsecond', ?)")) {
                for (Map.Entry<SeriesKey, Map<Long, Aggregate>> e : pending.entrySet()) {
                    SeriesKey k = e.getKey();
                    series.setString(1, k.name);
                    series.setString(2, k.type.code());
                    series.setArray(3, c.createArrayOf("text", k.tags));
                    long id;
                    try (ResultSet rs = series.executeQuery()) {
                        rs.next();
                        id = rs.getLong(1);
                    }
                    boolean noSum = k.type == SeriesType.SET || k.type == SeriesType.SERVICE_CHECK;
                    for (Map.Entry<Long, Aggregate> b : e.getValue().entrySet()) {
                        Aggregate a = b.getValue();
                        agg.setLong(1, id);
                        agg.setLong(2, b.getKey());
                        agg.setDouble(3, a.n());
                        agg.setObject(4, noSum ? null : a.sum(), java.sql.Types.DOUBLE);
                        agg.setObject(5, a.min(), java.sql.Types.DOUBLE);
                        agg.setObject(6, a.max(), java.sql.Types.DOUBLE);
                        agg.setObject(7, a.last(), java.sql.Types.DOUBLE);
                        agg.setObject(8, a.lastTs(), java.sql.Types.BIGINT);
                        agg.setBytes(9, a.encodeState());
                        agg.addBatch();
                    }
                }
                agg.executeBatch();
            }
            List<Timestamp> queued = new ArrayList<>();
            for (long m : minutes) {
                queued.add(Timestamp.from(Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L))));
            }
            try (PreparedStatement q = c.prepareStatement(
                    "insert into metric_rollup_queue (resolution, bucket) select '1m', unnest(?::timestamptz[])")) {
                q.setArray(1, c.createArrayOf("timestamptz", queued.toArray()));
                q.executeUpdate();
            }
            pending.clear();
        }
    }

    private record SeriesKey(String name, SeriesType type, String[] tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesKey k && k.name.equals(name) && k.type == type && Arrays.equals(k.tags, tags);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + type.hashCode()) * 31 + Arrays.hashCode(tags);
        }
    }
}
