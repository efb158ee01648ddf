package dev.dbre.bench;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.metrics.Aggregate;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.SeriesType;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.schema.SchemaMigrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Query benchmark (scripted, never asserted): p99 over 30 days of one distribution across N series
 * (default 1,000), in one step of 30 days and in daily steps, first from the 1-hour rollups (each
 * row: a DDSketch of 50 values), then, after {@link MaintenanceService} has rolled those hours up
 * into days, from the 1-day rollups; the same answers, in the same run. Run: {@code
 * scripts/bench-query [--series N] [--days N] [--repeat N] [--from-hours no]}.
 */
public final class QueryBench {
    private static final Instant END = Instant.parse("2026-11-23T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int series = 1000;
        int days = 30;
        int repeat = 3;
        boolean fromHours = true;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--from-hours" -> fromHours = !args[i + 1].equals("no");
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--days" -> days = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Path.of("shared/target/bench-query").toAbsolutePath();
        Files.createDirectories(dir);
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), 0, Map.of())) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "");
                    Statement s = c.createStatement()) {
                s.execute("create database bench");
            }
            SchemaMigrator.migrate(pg.jdbcUrl("bench"), "postgres", null);
            ConnectionFactory db = JdbcConnectionFactory.of(pg.jdbcUrl("bench"), "postgres", null);
            Instant start = END.minus(Duration.ofDays(days));
            long t0 = System.nanoTime();
            long bytes = load(db, series, days, start);
            System.out.printf(
                    Locale.ROOT,
                    "loaded %,d hourly rows (%d series x %d days) in %.1f s, %,d bytes of sketches%n",
                    (long) series * days * 24,
                    series,
                    days,
                    (System.nanoTime() - t0) / 1e9,
                    bytes);
            MetricQueryService queries = new MetricQueryService(db, 10);
            MetricSelector selector = MetricSelector.parse("bench.latency_ms{env:prod}");
            if (fromHours) {
                System.out.println("-- from the 1-hour rollups (the days not rolled up yet)");
                measure(queries, selector, start, days, repeat);
            }

            long r0 = System.nanoTime();
            MaintenanceService.Report report = new MaintenanceService(db, MetricStoreSettings.DEFAULTS).run(END);
            System.out.printf(
                    Locale.ROOT,
                    "maintenance rolled %d days up from the hours in %.1f s%n",
                    report.daysRolled(),
                    (System.nanoTime() - r0) / 1e9);
            try (Connection c = db.open();
                    Statement s = c.createStatement()) {
                s.execute("vacuum analyze");
                try (var rs = s.executeQuery("select count(*), coalesce(sum(length(state)), 0) from metric_agg_1d")) {
                    rs.next();
                    System.out.printf(
                            Locale.ROOT, "%,d daily rows, %,d bytes of sketches%n", rs.getLong(1), rs.getLong(2));
                }
            }
            System.out.println("-- from the 1-day rollups");
            measure(queries, selector, start, days, repeat);
        }
    }

    private static void measure(
            MetricQueryService queries, MetricSelector selector, Instant start, int days, int repeat) throws Exception {
        {
            for (Duration step : new Duration[] {Duration.ofDays(days), Duration.ofDays(1)}) {
                double best = Double.MAX_VALUE;
                double p99 = 0;
                for (int r = 0; r < repeat; r++) {
                    long q0 = System.nanoTime();
                    QueryResult result = queries.query(new MetricQuery(selector, start, END, step));
                    double ms = (System.nanoTime() - q0) / 1e6;
                    best = Math.min(best, ms);
                    p99 = result.steps().get(0).quantile(0.99);
                    System.out.printf(
                            Locale.ROOT,
                            "p99, step %s, %d series, %s: %.0f ms (p99 of the first step %.2f)%n",
                            step,
                            result.series(),
                            result.resolution(),
                            ms,
                            p99);
                }
                System.out.printf(Locale.ROOT, "| p99 over %d days, step %s | %.0f ms |%n", days, step, best);
            }
        }
    }

    /** Hourly rollup rows with DDSketches of 50 values each; rolled_until set so the query reads them. */
    private static long load(ConnectionFactory db, int series, int days, Instant start) throws Exception {
        Random random = new Random(1);
        long bytes = 0;
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("insert into metric_series (name, type, tags, source, created_at)"
                        + " select 'bench.latency_ms', 'd', array['env:prod', 'host:h' || g], 'bench', now()"
                        + " from generate_series(1, " + series + ") g");
                s.execute("insert into metric_rollup_state values ('1m', '" + END + "'), ('1h', '" + END + "')");
                // As the hour rollup leaves them: the days of the hours queued for the day rollup.
                s.execute("insert into metric_rollup_queue select '1d', g from generate_series(timestamptz '" + start
                        + "', timestamptz '" + END + "' - interval '1 day', interval '1 day') g");
            }
            try (PreparedStatement ensure = c.prepareStatement("select metric_ensure_partition(?, ?, ?, ?)")) {
                long first = Math.floorDiv(start.getEpochSecond(), 86_400L) - 7;
                for (long day = first; day <= Math.floorDiv(END.getEpochSecond(), 86_400L); day++) {
                    var p = dev.dbre.metrics.MetricTable.HOUR.partition(
                            dev.dbre.metrics.MetricTable.HOUR.partitionStartDay(day));
                    ensure.setString(1, "metric_agg_1h");
                    ensure.setTimestamp(2, Timestamp.from(p.lower()));
                    ensure.setTimestamp(3, Timestamp.from(p.upper()));
                    ensure.setString(4, p.name());
                    ensure.execute();
                }
            }
            // The series ids are 1..series (a new database): no lookup per row.
            try (PreparedStatement ps = c.prepareStatement("insert into metric_agg_1h (series_id, bucket, n, sum, min,"
                    + " max, state) values (?, ?, ?, ?, ?, ?, ?)")) {
                int pending = 0;
                for (int s = 1; s <= series; s++) {
                    for (int h = 0; h < days * 24; h++) {
                        Aggregate a = new Aggregate(SeriesType.DISTRIBUTION);
                        for (int v = 0; v < 50; v++) {
                            a.addValue(Math.exp(random.nextGaussian() + 3), 1, 0);
                        }
                        byte[] state = a.encodeState();
                        bytes += state.length;
                        ps.setLong(1, s);
                        ps.setTimestamp(2, Timestamp.from(start.plus(Duration.ofHours(h))));
                        ps.setDouble(3, a.n());
                        ps.setDouble(4, a.sum());
                        ps.setDouble(5, a.min());
                        ps.setDouble(6, a.max());
                        ps.setBytes(7, state);
                        ps.addBatch();
                        if (++pending == 2000) {
                            ps.executeBatch();
                            pending = 0;
                        }
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(true);
                s.execute("vacuum analyze");
            }
        }
        return bytes;
    }
}
