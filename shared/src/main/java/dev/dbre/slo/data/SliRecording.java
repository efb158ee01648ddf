package dev.dbre.slo.data;

import dev.dbre.metrics.MetricTable;
import dev.dbre.metrics.OldestPartition;
import dev.dbre.metrics.RolledUntil;
import dev.dbre.metrics.query.Resolution;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.slo.SliData.ThresholdCounts;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.Operator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The recorded SLIs of the metric store ({@code slo_sli_recordings}, {@code slo_sli_minutes}, V18):
 * per question (a {@code metric} or {@code service_check} count, or a threshold on a metric) and
 * final minute, the value summed across the matching series, as Sloth's and Pyrra's recording rules
 * keep them. A report over 30 days then reads 33 day rows per question instead of one row per
 * series and minute.
 *
 * <p>Each question brings its own recording up to date before it is read, in one transaction
 * under an advisory lock on its key (two runs at once compute nothing twice; the second waits and
 * finds the work done):
 *
 * <ol>
 *   <li>minutes before the minute rollup's {@code rolled_until} are final: those the question asks
 *       for and the recording lacks are computed through the metric store's query API (the same
 *       {@link MetricStoreReads} the unrecorded path uses, at a one-minute step) and stored;
 *   <li>minutes the rollup re-rolled since the last update (a late point: {@code
 *       metric_minute_changes.seq} above the recording's {@code change_seq}) are computed again;
 *   <li>the recorded minutes are read from the day rows, and the minutes after the recording (not
 *       final yet) live from the store.
 * </ol>
 *
 * <p>Only grids that the store answers from its minutes are served (a start on a whole minute, a
 * step of whole minutes that is not whole hours): a step's value is then the sum of its minutes'
 * values exactly as the store merges them (counts, and a sketch's bin counts, add). Coarser steps
 * (a past period in one step, hourly time slices) read the store's hour and day rollups directly.
 *
 * <p>Only minutes the store still keeps are recorded or read (from the minute rollups' oldest
 * partition on); the caller reads older ones from the hourly rollups, recorded or not, so every
 * question splits a window at the same place (docs/slo.md, "Long windows"). {@code asked_at} (V20)
 * is when a report last asked a question; {@link #prune} deletes those no report asks any more.
 */
final class SliRecording {
    static final Duration MINUTE = Duration.ofMinutes(1);
    static final int MINUTES_PER_DAY = 1440;
    private static final long DAY_SECONDS = 86_400;
    /** Bumped when what a key's rows mean changes, so old rows are never read as new ones. */
    private static final String FORMAT = "v1";

    private final ConnectionFactory connections;
    private final MetricStoreReads metrics;
    /** What "now" is when a question is asked ({@code asked_at}, V20). */
    private final Clock clock;

    SliRecording(ConnectionFactory connections, MetricStoreReads metrics, Clock clock) {
        this.connections = connections;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether {@code grid} is one the recording answers (see the class comment). */
    static boolean serves(StepGrid grid) {
        return grid.from().getNano() == 0
                && grid.from().getEpochSecond() % 60 == 0
                && grid.step().toNanosPart() == 0
                && Resolution.forStep(grid.step()) == Resolution.MINUTE;
    }

    /** As {@link MetricStoreReads#counts}, from the recording. */
    StepSeries counts(DbreQuery q, StepGrid grid) {
        Question question =
                new Question(
                        FORMAT + "|counts|" + q.source().specName() + "|" + q.subject() + "|" + new TreeMap<>(q.tags())
                                + "|" + new TreeSet<>(q.statuses()),
                        false) {
                    @Override
                    double[][] compute(StepGrid minutes) {
                        return new double[][] {metrics.counts(q, minutes).values(), null};
                    }
                };
        Minutes m = minutes(question, grid);
        return metrics.countsWithOlderHours(q, grid, fold(m.values()[0], grid), m.keptFrom());
    }

    /** As {@link MetricStoreReads#threshold}, from the recording. */
    ThresholdCounts threshold(DbreQuery q, Operator op, double threshold, StepGrid grid) {
        Question question =
                new Question(
                        FORMAT + "|threshold|" + q.source().specName() + "|" + q.subject() + "|"
                                + new TreeMap<>(q.tags()) + "|" + op + "|" + Double.toString(threshold),
                        true) {
                    @Override
                    double[][] compute(StepGrid minutes) {
                        ThresholdCounts t = metrics.threshold(q, op, threshold, minutes);
                        return new double[][] {t.matching().values(), t.total().values()};
                    }
                };
        Minutes m = minutes(question, grid);
        return metrics.thresholdWithOlderHours(
                q, op, threshold, grid, fold(m.values()[0], grid), fold(m.values()[1], grid), m.keptFrom());
    }

    /** One recorded question: its canonical text, and how to compute its minutes from the store. */
    abstract static class Question {
        final String text;
        final String key;
        final boolean withTotal;

        Question(String text, boolean withTotal) {
            this.text = text;
            this.key = sha256(text);
            this.withTotal = withTotal;
        }

        /** Per minute of {@code minutes} (a one-minute grid): {value, total or null}. */
        abstract double[][] compute(StepGrid minutes);
    }

    /** The recorded state of a key: minutes [from, until) held, changes up to changeSeq applied. */
    private record State(Instant from, Instant until, long changeSeq) {}

    /**
     * Minutes of a grid's span, and where the minute rollups' kept data begins: the minutes before
     * it are NaN (not known at a minute's grain any more; the caller reads them from the hours).
     */
    record Minutes(double[][] values, Instant keptFrom) {}

    /**
     * Per minute of {@code grid}'s span: {value, total (null for a count)}, recorded where final,
     * live after; NaN before the kept minutes begin. The recording holds only what the minute
     * rollups hold, so every question splits a window at the same place, recorded or not.
     */
    Minutes minutes(Question q, StepGrid grid) {
        Instant to = grid.to();
        int n = (int) Duration.between(grid.from(), to).toMinutes();
        double[][] out = {nan(n), q.withTotal ? nan(n) : null};
        if (n == 0) {
            return new Minutes(out, grid.from());
        }
        Instant keptFrom;
        Instant from;
        Instant recordedUntil;
        try (Connection c = connections.open()) {
            c.setAutoCommit(false);
            try {
                keptFrom = minutesKeptFrom(c);
                from = max(grid.from(), keptFrom);
                if (!from.isBefore(to)) {
                    c.commit();
                    return new Minutes(out, keptFrom);
                }
                State state = bringUpToDate(c, q, from, to, keptFrom);
                recordedUntil = state == null ? from : min(to, max(from, state.until()));
                if (state != null && state.from().isAfter(from)) {
                    throw new IllegalStateException(
                            "recording of " + q.text + " starts at " + state.from() + ", after the asked " + from);
                }
                if (recordedUntil.isAfter(from)) {
                    readRecorded(c, q, grid.from(), from, recordedUntil, out);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SliDataException("could not bring the recorded SLI up to date: " + q.text, e);
        }
        if (recordedUntil.isBefore(to)) {
            int offset = (int) Duration.between(grid.from(), recordedUntil).toMinutes();
            double[][] live = q.compute(new StepGrid(recordedUntil, MINUTE, n - offset));
            System.arraycopy(live[0], 0, out[0], offset, n - offset);
            if (q.withTotal) {
                System.arraycopy(live[1], 0, out[1], offset, n - offset);
            }
        }
        return new Minutes(out, keptFrom);
    }

    /**
     * Where the minute rollups' kept data begins (their oldest partition; the epoch without one).
     * A minute before it is not in the store any more, so it is never recorded (it would read as
     * "no data" for good) nor read from an older recording.
     */
    static Instant minutesKeptFrom(Connection c) throws SQLException {
        Instant oldest = OldestPartition.start(c, MetricTable.MINUTE);
        return oldest == null ? Instant.EPOCH : oldest;
    }

    /**
     * Under the key's lock: extends the recording over the final minutes of [from, to) (keeping it
     * one contiguous range) and re-records the minutes re-rolled since the last update.
     *
     * @return the state after, or null when nothing is recorded (no final minute asked yet)
     */
    private State bringUpToDate(Connection c, Question q, Instant from, Instant to, Instant keptFrom)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "slo_sli:" + q.key);
            ps.executeQuery().close();
        }
        State state = readState(c, q.key);
        long seq = changeSeq(c);
        Instant finalUntil = finalUntil(c);
        if (state != null
                && (finalUntil.isBefore(state.until()) || state.until().isBefore(keptFrom))) {
            // The minute rollup's progress went back (its state was reset), or the recording ends
            // before the kept minutes begin (unasked while retention dropped the minutes after it,
            // so it cannot be continued in one piece): start again.
            delete(c, q.key);
            state = null;
        }
        Instant wantUntil = min(to, finalUntil);
        if (state == null) {
            if (!from.isBefore(wantUntil)) {
                return null;
            }
            State fresh = new State(from, wantUntil, seq);
            writeState(c, q, fresh, true); // first: the day rows reference it
            record(c, q, from, wantUntil);
            return fresh;
        }
        Instant newFrom = state.from();
        if (from.isBefore(state.from()) && from.isBefore(finalUntil)) {
            record(c, q, from, state.from());
            newFrom = from;
        }
        Instant newUntil = state.until();
        if (wantUntil.isAfter(state.until())) {
            record(c, q, state.until(), wantUntil);
            newUntil = wantUntil;
        }
        Instant[] changed = changedSpan(c, state);
        if (changed != null) {
            record(c, q, changed[0], changed[1]);
        }
        State after = new State(newFrom, newUntil, Math.max(seq, state.changeSeq()));
        writeState(c, q, after, false); // also when unchanged: asked_at says the question is in use
        return after;
    }

    /**
     * Computes the minutes [from, to) from the store and writes them into the day rows, one UTC
     * day per store query (the store's answer holds every matching row of the range in memory).
     */
    private void record(Connection c, Question q, Instant from, Instant to) throws SQLException {
        long firstDay = Math.floorDiv(from.getEpochSecond(), DAY_SECONDS);
        long lastDay = Math.floorDiv(to.getEpochSecond() - 1, DAY_SECONDS);
        for (long day = firstDay; day <= lastDay; day++) {
            long dayStart = day * DAY_SECONDS;
            long lo = Math.max(from.getEpochSecond(), dayStart);
            long hi = Math.min(to.getEpochSecond(), dayStart + DAY_SECONDS);
            if (hi <= lo) {
                continue;
            }
            double[][] values = q.compute(new StepGrid(Instant.ofEpochSecond(lo), MINUTE, (int) ((hi - lo) / 60)));
            int first = (int) ((lo - dayStart) / 60);
            writeDay(c, q, Instant.ofEpochSecond(dayStart), first, (int) ((hi - dayStart) / 60), -first, values);
        }
    }

    /** Sets minutes [lo, hi) of one day row from {@code values} (index = minute + offset). */
    private static void writeDay(Connection c, Question q, Instant day, int lo, int hi, int offset, double[][] values)
            throws SQLException {
        double[] value = null;
        double[] total = null;
        try (PreparedStatement ps =
                c.prepareStatement("select value, total from slo_sli_minutes where source_key = ? and day = ?")) {
            ps.setString(1, q.key);
            ps.setTimestamp(2, Timestamp.from(day));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    value = doubles(rs.getArray(1));
                    total = q.withTotal ? doubles(rs.getArray(2)) : null;
                }
            }
        }
        boolean exists = value != null;
        boolean anyData = false;
        if (!exists) {
            value = nan(MINUTES_PER_DAY);
            total = q.withTotal ? nan(MINUTES_PER_DAY) : null;
        }
        for (int m = lo; m < hi; m++) {
            value[m] = values[0][m + offset];
            if (q.withTotal) {
                total[m] = values[1][m + offset];
            }
            anyData |= !Double.isNaN(value[m]) || (q.withTotal && !Double.isNaN(total[m]));
        }
        if (!exists && !anyData) {
            return; // a day without data has no row (read as NaN)
        }
        try (PreparedStatement ps = c.prepareStatement("insert into slo_sli_minutes (source_key, day, value, total)"
                + " values (?, ?, ?, ?) on conflict (source_key, day) do update"
                + " set value = excluded.value, total = excluded.total")) {
            ps.setString(1, q.key);
            ps.setTimestamp(2, Timestamp.from(day));
            ps.setArray(3, array(c, value));
            ps.setArray(4, total == null ? null : array(c, total));
            ps.executeUpdate();
        }
    }

    /**
     * Fills {@code out} (minutes from {@code origin}) with the recorded minutes [from, until); the
     * minutes before {@code from} are left as they are.
     */
    private static void readRecorded(
            Connection c, Question q, Instant origin, Instant from, Instant until, double[][] out) throws SQLException {
        long fromSecond = origin.getEpochSecond();
        long firstDay = Math.floorDiv(from.getEpochSecond(), DAY_SECONDS) * DAY_SECONDS;
        int lo = (int) Duration.between(origin, from).toMinutes();
        int n = (int) Duration.between(origin, until).toMinutes();
        try (PreparedStatement ps = c.prepareStatement("select extract(epoch from day)::int8, value, total"
                + " from slo_sli_minutes where source_key = ? and day >= ? and day < ?")) {
            ps.setString(1, q.key);
            ps.setTimestamp(2, Timestamp.from(Instant.ofEpochSecond(firstDay)));
            ps.setTimestamp(3, Timestamp.from(until));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int offset = (int) ((rs.getLong(1) - fromSecond) / 60);
                    copyInto(doubles(rs.getArray(2)), offset, out[0], lo, n);
                    if (q.withTotal) {
                        copyInto(doubles(rs.getArray(3)), offset, out[1], lo, n);
                    }
                }
            }
        }
    }

    /** Copies a day's minutes to {@code into} at {@code offset} (may be negative), within [from, n). */
    private static void copyInto(double[] day, int offset, double[] into, int from, int n) {
        int lo = Math.max(0, from - offset);
        int hi = Math.min(day.length, n - offset);
        if (hi > lo) {
            System.arraycopy(day, lo, into, lo + offset, hi - lo);
        }
    }

    /** The span [first, last + 1 min) of the recorded minutes re-rolled since the state's change_seq, or null. */
    private static Instant[] changedSpan(Connection c, State state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select min(bucket), max(bucket) from metric_minute_changes"
                + " where seq > ? and bucket >= ? and bucket < ?")) {
            ps.setLong(1, state.changeSeq());
            ps.setTimestamp(2, Timestamp.from(state.from()));
            ps.setTimestamp(3, Timestamp.from(state.until()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp first = rs.getTimestamp(1);
                if (first == null) {
                    return null;
                }
                return new Instant[] {
                    first.toInstant(), rs.getTimestamp(2).toInstant().plus(MINUTE)
                };
            }
        }
    }

    /**
     * The question's recording, its row locked to the end of the transaction: a prune that deletes
     * it at the same time either waits for this run (and then finds it asked now) or has deleted it
     * first (this read then waits for it and finds no row, and the run records anew), never a day
     * row written under a recording deleted meanwhile.
     */
    private static State readState(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select recorded_from, recorded_until, change_seq"
                + " from slo_sli_recordings where source_key = ? for update")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new State(
                                rs.getTimestamp(1).toInstant(),
                                rs.getTimestamp(2).toInstant(),
                                rs.getLong(3))
                        : null;
            }
        }
    }

    private void writeState(Connection c, Question q, State s, boolean insert) throws SQLException {
        String sql = insert
                ? "insert into slo_sli_recordings (recorded_from, recorded_until, change_seq, asked_at, updated_at,"
                        + " source_key, question) values (?, ?, ?, ?, now(), ?, ?)"
                : "update slo_sli_recordings set recorded_from = ?, recorded_until = ?, change_seq = ?,"
                        + " asked_at = greatest(asked_at, ?), updated_at = now() where source_key = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(s.from()));
            ps.setTimestamp(2, Timestamp.from(s.until()));
            ps.setLong(3, s.changeSeq());
            ps.setTimestamp(4, Timestamp.from(clock.instant()));
            ps.setString(5, q.key);
            if (insert) {
                ps.setString(6, q.text);
            }
            ps.executeUpdate();
        }
    }

    private static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("delete from slo_sli_recordings where source_key = ?")) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes what no report will read again: the recordings of questions not asked since {@code
     * now - unused} (with their day rows, on delete cascade; a spec that asks one again records it
     * anew), and the day rows wholly before the kept minutes (minutes that old are read from the
     * hourly rollups). These tables hold a row per question and day, so a plain DELETE is cheap;
     * a question being recorded right now was asked now, so it is never the one deleted.
     *
     * @return the recordings deleted
     */
    int prune(Instant now, Duration unused) {
        try (Connection c = connections.open()) {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("delete from slo_sli_recordings where asked_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now.minus(unused)));
                deleted = ps.executeUpdate();
            }
            Instant kept = minutesKeptFrom(c);
            // The day row holding the first kept minute stays: the recording reads it from there.
            try (PreparedStatement ps = c.prepareStatement("delete from slo_sli_minutes where day < ?")) {
                ps.setTimestamp(
                        1,
                        Timestamp.from(Instant.ofEpochSecond(
                                Math.floorDiv(kept.getEpochSecond(), DAY_SECONDS) * DAY_SECONDS)));
                ps.executeUpdate();
            }
            return deleted;
        } catch (SQLException e) {
            throw new SliDataException("could not delete the recorded SLIs no report asks any more", e);
        }
    }

    /** The newest minute change number committed (the rollup commits them in order). */
    private static long changeSeq(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(max(seq), 0) from metric_minute_changes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The end of the final minutes: the minute rollup's {@code rolled_until}, down to a whole
     * minute (the epoch when it has not run: nothing is final).
     */
    private static Instant finalUntil(Connection c) throws SQLException {
        Instant until = RolledUntil.of(c, Resolution.MINUTE.code());
        if (until == null) {
            return Instant.EPOCH;
        }
        return Instant.ofEpochSecond(Math.floorDiv(until.getEpochSecond(), 60) * 60);
    }

    /** Sums the minutes of each step of {@code grid} (NaN-skipping; NaN when every minute is NaN). */
    static double[] fold(double[] minutes, StepGrid grid) {
        int per = (int) grid.step().toMinutes();
        double[] out = nan(grid.steps());
        for (int i = 0; i < out.length; i++) {
            double sum = Double.NaN;
            for (int m = i * per, end = m + per; m < end; m++) {
                double v = minutes[m];
                if (!Double.isNaN(v)) {
                    sum = Double.isNaN(sum) ? v : sum + v;
                }
            }
            out[i] = sum;
        }
        return out;
    }

    private static double[] nan(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    private static double[] doubles(Array a) throws SQLException {
        Object[] boxed = (Object[]) a.getArray();
        double[] out = new double[boxed.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = boxed[i] == null ? Double.NaN : ((Number) boxed[i]).doubleValue();
        }
        return out;
    }

    private static Array array(Connection c, double[] values) throws SQLException {
        Double[] boxed = new Double[values.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = values[i];
        }
        return c.createArrayOf("float8", boxed);
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
