package dev.dbre.slo.data;

import dev.dbre.ingest.PointLags;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.slo.SliData.ThresholdCounts;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.Operator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The record sources ({@code ingest}, {@code backup}, {@code drill}, {@code rotation}): what the
 * functions wrote in their own tables, counted per step. Which table and which rows each count
 * reads is documented in docs/slo.md ("Our metric sources").
 */
final class RecordReads {
    private final ConnectionFactory connections;

    RecordReads(ConnectionFactory connections) {
        this.connections = connections;
    }

    // --- ingest -----------------------------------------------------------------------------

    // A stored batch counts in the step its transaction finished in; a failed one in the step it
    // failed in (ingest_batch_failures, V12).
    private static final String STORED_BATCHES = "select " + Steps.stepOf("finished_at")
            + ", count(*) from ingest_batches where finished_at >= ? and finished_at < ? %s group by 1";
    private static final String FAILED_BATCHES = "select " + Steps.stepOf("failed_at")
            + ", count(*) from ingest_batch_failures where failed_at >= ? and failed_at < ? %s group by 1";
    // The values of batches that recorded their ages (V12 on): all of them, or the first bins.
    private static final String POINTS = "select " + Steps.stepOf("b.finished_at") + ", sum(l.n)"
            + " from ingest_batches b cross join lateral unnest(b.point_lag_counts) with ordinality as l(n, bin)"
            + " where b.finished_at >= ? and b.finished_at < ? and b.point_lag_counts is not null"
            + " and l.bin <= ? %s group by 1";

    StepSeries ingest(DbreQuery q, StepGrid grid) {
        String stream = q.scope().get("stream");
        String filter = stream == null ? "" : "and source = ?";
        String pointFilter = stream == null ? "" : "and b.source = ?";
        try (Connection c = connections.open()) {
            c.setReadOnly(true);
            return switch (q.count()) {
                case "points", "fresh" -> {
                    int bins = "points".equals(q.count())
                            ? PointLags.EDGES_SECONDS.length + 1
                            : PointLags.binsWithin(q.limit().toSeconds());
                    double[] v = Steps.nan(grid);
                    try (PreparedStatement ps = c.prepareStatement(String.format(POINTS, pointFilter))) {
                        int i = Steps.bindRange(ps, Steps.bindStepOf(ps, 1, grid), grid);
                        ps.setInt(i++, bins);
                        if (stream != null) {
                            ps.setString(i, stream);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            Steps.addRows(rs, v);
                        }
                    }
                    yield new StepSeries(grid, v);
                }
                default -> {
                    double[] stored = Steps.nan(grid);
                    double[] failed = Steps.nan(grid);
                    perStep(c, String.format(STORED_BATCHES, filter), grid, stream, stored);
                    perStep(c, String.format(FAILED_BATCHES, filter), grid, stream, failed);
                    double[] v = Steps.nan(grid);
                    for (int i = 0; i < v.length; i++) {
                        if (Double.isNaN(stored[i]) && Double.isNaN(failed[i])) {
                            continue; // no batch at all: no data
                        }
                        double s = Double.isNaN(stored[i]) ? 0 : stored[i];
                        double f = Double.isNaN(failed[i]) ? 0 : failed[i];
                        v[i] = switch (q.count()) {
                            case "stored" -> s;
                            case "failed" -> f;
                            default -> s + f;
                        };
                    }
                    yield new StepSeries(grid, v);
                }
            };
        } catch (SQLException e) {
            throw new SliDataException("could not read the ingest batches (count " + q.count() + ")", e);
        }
    }

    private static void perStep(Connection c, String sql, StepGrid grid, String scope, double[] into)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = Steps.bindRange(ps, Steps.bindStepOf(ps, 1, grid), grid);
            if (scope != null) {
                ps.setString(i, scope);
            }
            try (ResultSet rs = ps.executeQuery()) {
                Steps.addRows(rs, into);
            }
        }
    }

    // --- backup -----------------------------------------------------------------------------

    // Per database (id and region) of the policy: when it first appeared and its newest completed
    // snapshot as of the grid's start; then every run inside the grid, in order.
    private static final String BACKUP_BEFORE = "select database_id, region, min(run_at), max(newest_snapshot_at)"
            + " from snapshot_runs where policy = ? and run_at < ? %s group by 1, 2";
    private static final String BACKUP_RUNS = "select database_id, region, run_at, newest_snapshot_at"
            + " from snapshot_runs where policy = ? and run_at >= ? and run_at < ? %s order by run_at";

    /**
     * At the end of each step: the databases of the policy seen in a run so far ({@code
     * databases}), and those whose newest completed snapshot then was younger than the RPO ({@code
     * within_rpo}).
     */
    StepSeries backup(DbreQuery q, StepGrid grid) {
        String database = q.scope().get("database");
        String filter = database == null ? "" : "and database_id = ?";
        Map<String, Instant[]> state = new HashMap<>(); // key -> {first seen, newest snapshot}
        try (Connection c = connections.open()) {
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(String.format(BACKUP_BEFORE, filter))) {
                ps.setString(1, q.subject());
                ps.setTimestamp(2, Timestamp.from(grid.from()));
                if (database != null) {
                    ps.setString(3, database);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        state.put(
                                rs.getString(1) + "\u0000" + rs.getString(2),
                                new Instant[] {rs.getTimestamp(3).toInstant(), instant(rs.getTimestamp(4))});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(String.format(BACKUP_RUNS, filter))) {
                ps.setString(1, q.subject());
                Steps.bindRange(ps, 2, grid);
                if (database != null) {
                    ps.setString(4, database);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return sweep(grid, state, rs, q, "within_rpo");
                }
            }
        } catch (SQLException e) {
            throw new SliDataException("could not read snapshot_runs for policy '" + q.subject() + "'", e);
        }
    }

    // --- rotation ---------------------------------------------------------------------------

    // A secret counts from its first recorded step; its last successful rotation is its last
    // finishSecret that completed (a finishSecret that found the token already current included).
    private static final String ROTATION_BEFORE = "select secret_id, '', min(at),"
            + " max(at) filter (where step = 'finishSecret' and outcome = 'COMPLETED')"
            + " from rotation_runs where at < ? %s group by 1";
    private static final String ROTATION_RUNS = "select secret_id, '', at,"
            + " case when step = 'finishSecret' and outcome = 'COMPLETED' then at end"
            + " from rotation_runs where at >= ? and at < ? %s order by at";

    /**
     * At the end of each step: the secrets seen in {@code rotation_runs} so far ({@code secrets}),
     * and those whose last successful rotation then was within the schedule ({@code
     * within_schedule}).
     */
    StepSeries rotation(DbreQuery q, StepGrid grid) {
        String secret = q.scope().get("secret");
        String filter = secret == null ? "" : "and secret_id = ?";
        Map<String, Instant[]> state = new HashMap<>();
        try (Connection c = connections.open()) {
            c.setReadOnly(true);
            try (PreparedStatement ps = c.prepareStatement(String.format(ROTATION_BEFORE, filter))) {
                ps.setTimestamp(1, Timestamp.from(grid.from()));
                if (secret != null) {
                    ps.setString(2, secret);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        state.put(
                                rs.getString(1) + "\u0000" + rs.getString(2),
                                new Instant[] {rs.getTimestamp(3).toInstant(), instant(rs.getTimestamp(4))});
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(String.format(ROTATION_RUNS, filter))) {
                Steps.bindRange(ps, 1, grid);
                if (secret != null) {
                    ps.setString(3, secret);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return sweep(grid, state, rs, q, "within_schedule");
                }
            }
        } catch (SQLException e) {
            throw new SliDataException("could not read rotation_runs", e);
        }
    }

    /**
     * Walks rows of (key, key part 2, time, newest good time or null), ordered by time, through the
     * grid: at the end of each step, how many keys were seen ({@code total}), or how many had a
     * good time younger than {@code q.limit()} ({@code withinCount}). NaN while no key is seen.
     */
    private static StepSeries sweep(
            StepGrid grid, Map<String, Instant[]> state, ResultSet rows, DbreQuery q, String withinCount)
            throws SQLException {
        boolean within = withinCount.equals(q.count());
        double[] v = Steps.nan(grid);
        boolean more = rows.next();
        for (int i = 0; i < grid.steps(); i++) {
            Instant end = grid.start(i + 1);
            while (more && rows.getTimestamp(3).toInstant().isBefore(end)) {
                String key = rows.getString(1) + "\u0000" + rows.getString(2);
                Instant good = instant(rows.getTimestamp(4));
                Instant[] s = state.computeIfAbsent(key, k -> new Instant[] {null, null});
                if (good != null && (s[1] == null || good.isAfter(s[1]))) {
                    s[1] = good;
                }
                more = rows.next();
            }
            if (state.isEmpty()) {
                continue;
            }
            if (!within) {
                v[i] = state.size();
                continue;
            }
            Instant oldest = end.minus(q.limit());
            int n = 0;
            for (Instant[] s : state.values()) {
                if (s[1] != null && s[1].isAfter(oldest)) {
                    n++;
                }
            }
            v[i] = n;
        }
        return new StepSeries(grid, v);
    }

    // --- drill ------------------------------------------------------------------------------

    // A drill counts in the step it ended in: its first VERIFIED or FAILED event (restore_runs with
    // drill = true; a kept restore is not a drill). Its recovery time is restore_runs.recovery_seconds
    // (verified_at - requested_at); a failed drill has none.
    private static final String DRILLS = "select " + Steps.stepOf("e.ended") + ", r.outcome, r.recovery_seconds"
            + " from restore_runs r cross join lateral (select min(at) as ended from restore_run_events"
            + " where run_id = r.run_id and state in ('VERIFIED', 'FAILED')) e"
            + " where r.drill and r.outcome is not null and e.ended >= ? and e.ended < ? %s";

    /** {@code run}, {@code verified} or {@code within_rto} drills per step. */
    StepSeries drillCounts(DbreQuery q, StepGrid grid) {
        double[] v = Steps.nan(grid);
        readDrills(q, grid, (i, verified, seconds) -> {
            boolean counts = switch (q.count()) {
                case "verified" -> verified;
                case "within_rto" -> verified && seconds <= q.limit().toMillis() / 1000.0;
                default -> true;
            };
            v[i] = (Double.isNaN(v[i]) ? 0 : v[i]) + (counts ? 1 : 0);
        });
        return new StepSeries(grid, v);
    }

    /**
     * Per step, the drills whose recovery time meets {@code seconds op threshold}, of all drills
     * that ended; a failed drill never recovered, so it counts as an infinite time.
     */
    ThresholdCounts drillThreshold(DbreQuery q, Operator op, double threshold, StepGrid grid) {
        double[] matching = Steps.nan(grid);
        double[] total = Steps.nan(grid);
        readDrills(q, grid, (i, verified, seconds) -> {
            double value = verified ? seconds : Double.POSITIVE_INFINITY;
            total[i] = (Double.isNaN(total[i]) ? 0 : total[i]) + 1;
            matching[i] = (Double.isNaN(matching[i]) ? 0 : matching[i]) + (op.test(value, threshold) ? 1 : 0);
        });
        return new ThresholdCounts(new StepSeries(grid, matching), new StepSeries(grid, total));
    }

    private interface DrillRow {
        void accept(int step, boolean verified, double recoverySeconds);
    }

    private void readDrills(DbreQuery q, StepGrid grid, DrillRow row) {
        String database = q.scope().get("database");
        String policy = q.scope().get("policy");
        StringBuilder filter = new StringBuilder();
        if (database != null) {
            filter.append(" and r.source_id = ?");
        }
        if (policy != null) {
            // The policy a drill ran for, where its request names one (a fleet drill's).
            filter.append(" and coalesce(r.request ->> 'policy', r.request -> 'snapshot' ->> 'policy',"
                    + " r.request -> 'snapshot' ->> 'newestOfPolicy') = ?");
        }
        try (Connection c = connections.open();
                PreparedStatement ps = c.prepareStatement(String.format(DRILLS, filter))) {
            c.setReadOnly(true);
            int i = Steps.bindRange(ps, Steps.bindStepOf(ps, 1, grid), grid);
            if (database != null) {
                ps.setString(i++, database);
            }
            if (policy != null) {
                ps.setString(i, policy);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int step = rs.getInt(1);
                    if (step < 0 || step >= grid.steps()) {
                        continue;
                    }
                    boolean verified = "VERIFIED".equals(rs.getString(2));
                    java.math.BigDecimal seconds = rs.getBigDecimal(3);
                    row.accept(step, verified, seconds == null ? Double.POSITIVE_INFINITY : seconds.doubleValue());
                }
            }
        } catch (SQLException e) {
            throw new SliDataException("could not read the restore drills from restore_runs", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
