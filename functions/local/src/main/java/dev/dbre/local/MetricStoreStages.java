package dev.dbre.local;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricTable;
import dev.dbre.metrics.Sketches;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.StepResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metric store stages of {@code run-local}: one maintenance run over what was ingested
 * (partitions, rollups, retention), then the generated stream's figures read back through the query
 * API ({@link MetricQueryService}, as {@code dbre query} and the SLO report read them) and checked
 * against what the generator wrote.
 */
final class MetricStoreStages {
    /** The standard error of the set sketch (HyperLogLog, 4096 registers: 1.04 / sqrt(4096)). */
    static final double SET_STANDARD_ERROR = 1.04 / 64;

    /** A set's cardinality may be off by this many standard errors before the run fails. */
    static final double SET_ERROR_BOUND = 3 * SET_STANDARD_ERROR;

    private MetricStoreStages() {}

    static String maintain(RunContext ctx) throws SQLException {
        MaintenanceService.Report r = new MaintenanceService(ctx.db, ctx.metricStore).run(ctx.clock.instant());
        ctx.verbose(String.format(
                Locale.ROOT,
                "rolled up %,d minute(s) and %,d hour(s); partitions created %d, dropped %d%s",
                r.minutesRolled(),
                r.hoursRolled(),
                r.partitionsCreated().size(),
                r.partitionsDropped().size(),
                r.partitionsDropped().isEmpty() ? "" : " (" + String.join(", ", r.partitionsDropped()) + ")"));
        StringBuilder rollupRows = new StringBuilder();
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement()) {
            for (MetricTable t : MetricTable.values()) {
                long rows = count(s, "select count(*) from " + t.table());
                boolean rollup = t == MetricTable.MINUTE || t == MetricTable.HOUR;
                ctx.verbose(String.format(
                        Locale.ROOT,
                        "%-14s %,10d rows in %d partition(s)%s",
                        t.table(),
                        rows,
                        count(
                                s,
                                "select count(*) from pg_inherits i join pg_class p on p.oid = i.inhparent"
                                        + " where p.relname = '" + t.table() + "'"),
                        rollup ? " (rollup)" : ""));
                if (rollup) {
                    rollupRows.append(String.format(Locale.ROOT, ", %s %,d rows", t.table(), rows));
                }
            }
        }
        String rolled = String.format(
                Locale.ROOT, "%,d minute(s) and %,d hour(s) rolled up", r.minutesRolled(), r.hoursRolled());
        ctx.figure("rollups", rolled + rollupRows);
        return rolled;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The generated stream's figures through the query API, over one step from the hour of its
     * earliest possible timestamp (late ones go back three hours before the run) to the hour after
     * now (1-hour rollups where they exist). Only the generator's series are read: its metric lines
     * all carry a {@code host} tag, the sample events' do not (and its check names are its own).
     */
    static String queryFigures(RunContext ctx) throws SQLException {
        MetricStreamGenerator.Expected e = ctx.expected;
        MetricQueryService queries = new MetricQueryService(ctx.db, ctx.metricStore.intervalSeconds());
        Instant from = Instant.ofEpochSecond(
                Math.floorDiv(ctx.startedAt.getEpochSecond() - MetricStreamGenerator.LATE_SPREAD_SECONDS - 1, 3600)
                        * 3600);
        Instant to = Instant.ofEpochSecond((Math.floorDiv(ctx.clock.instant().getEpochSecond(), 3600) + 1) * 3600);
        List<String> wrong = new ArrayList<>();
        Map<String, double[]> byType = new TreeMap<>(); // type -> generated count, read count
        StepResult quantileStep = null;
        StepResult setStep = null;
        String setName = null;
        for (Map.Entry<String, MetricStreamGenerator.NameTotals> n : e.byName().entrySet()) {
            MetricStreamGenerator.NameTotals want = n.getValue();
            StepResult got = whole(queries, n.getKey() + "{host:*}", from, to);
            double[] t = byType.computeIfAbsent(want.type(), k -> new double[2]);
            t[0] += want.count();
            t[1] += got.count();
            if (got.count() != want.count()) {
                wrong.add(n.getKey() + " count: generated " + want.count() + ", read " + got.count());
            }
            if (want.type().equals("c") && got.sum() != want.sum()) {
                wrong.add(n.getKey() + " sum: generated " + want.sum() + ", read " + got.sum());
            }
            if (n.getKey().equals(e.quantileMetric())) {
                quantileStep = got;
            }
            if (want.type().equals("s")) {
                setStep = got;
                setName = n.getKey();
            }
        }
        double[] checks = byType.computeIfAbsent("sc", k -> new double[2]);
        for (Map.Entry<String, Long> c : e.checkRuns().entrySet()) {
            StepResult got = whole(queries, c.getKey(), from, to);
            checks[0] += c.getValue();
            checks[1] += got.count();
            if (got.count() != c.getValue()) {
                wrong.add(c.getKey() + " runs: generated " + c.getValue() + ", read " + got.count());
            }
        }
        byType.forEach((type, t) ->
                ctx.verbose(String.format(Locale.ROOT, "%-2s count: generated %,.0f, read %,.0f", type, t[0], t[1])));
        StringBuilder figure = new StringBuilder(byType.size() + " types' counts exact");
        if (quantileStep != null && e.quantileValues().length > 0) {
            double exact = e.exactQuantile(0.99);
            double read = quantileStep.quantile(0.99);
            double error = Math.abs(read - exact) / exact;
            figure.append(String.format(Locale.ROOT, "; p99 of %s %.2f (exact %.2f)", e.quantileMetric(), read, exact));
            ctx.verbose(String.format(
                    Locale.ROOT,
                    "p99 of %s: read %.2f, exact %.2f (relative error %.3f %%, bound %.0f %%)",
                    e.quantileMetric(),
                    read,
                    exact,
                    error * 100,
                    Sketches.RELATIVE_ACCURACY * 100));
            // The sketch's guarantee, with room for the rounding of the bound itself.
            if (error > Sketches.RELATIVE_ACCURACY + 1e-9) {
                wrong.add("p99 of " + e.quantileMetric() + ": read " + read + ", exact " + exact);
            }
        }
        if (setStep != null) {
            long exact = e.byName().get(setName).distinct();
            double read = setStep.cardinality();
            double error = exact == 0 ? read : Math.abs(read - exact) / exact;
            figure.append(String.format(Locale.ROOT, "; distinct %s %,.0f (exact %,d)", setName, read, exact));
            ctx.verbose(String.format(
                    Locale.ROOT,
                    "distinct %s: read %,.0f, exact %,d (relative error %.2f %%, bound %.1f %%)",
                    setName,
                    read,
                    exact,
                    error * 100,
                    SET_ERROR_BOUND * 100));
            if (error > SET_ERROR_BOUND) {
                wrong.add("distinct " + setName + ": read " + read + ", exact " + exact);
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the query API does not answer what was generated: " + wrong);
        }
        ctx.figure("query API", figure.toString());
        return "the query API answers what the generator wrote";
    }

    /** The one step from {@code from} to {@code to} of {@code selector}. */
    private static StepResult whole(MetricQueryService queries, String selector, Instant from, Instant to)
            throws SQLException {
        return queries.query(new MetricQuery(MetricSelector.parse(selector), from, to, Duration.between(from, to)))
                .steps()
                .get(0);
    }
}
