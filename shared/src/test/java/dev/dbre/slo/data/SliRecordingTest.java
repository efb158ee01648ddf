package dev.dbre.slo.data;

import static dev.dbre.slo.data.DatabaseSliDataTest.metric;
import static dev.dbre.slo.data.DatabaseSliDataTest.source;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.MetricQueries;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.slo.SliData;
import dev.dbre.slo.SliData.ThresholdCounts;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.spec.DbreQuery.Source;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recorded SLIs ({@link SliRecording}) answer exactly as the metric store read directly, over
 * data written by the real ingest path and rolled up by maintenance: with late points, a changed
 * question, a day without data (NaN, never 0), minutes not rolled up yet, and two runs at once.
 */
@ExtendWith(PostgresExtension.class)
class SliRecordingTest {
    /** Data on day 0 and day 2 around T0; day 1 has none. */
    static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

    static final Instant DAY0 = T0.minus(Duration.ofDays(1));
    static final Instant DAY2 = T0.plus(Duration.ofDays(1));
    /** Maintenance runs here: every minute before it is final. */
    static final Instant ROLLED = DAY2.plus(Duration.ofHours(6));
    /** The report's time: minutes [ROLLED, AT) are read live. */
    static final Instant AT = ROLLED.plus(Duration.ofMinutes(20));

    static final String[] REGIONS = {"eu", "us", "ap"};

    private final TestDatabase db;

    SliRecordingTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void data() throws SQLException {
        Ingested.clean(db);
        Random random = new Random(11);
        ingestDay(random, DAY0);
        ingestDay(random, DAY2);
        maintain();
        // Not rolled up yet: read live by both paths.
        ingest(ROLLED.plus(Duration.ofMinutes(15)), lines(random, ROLLED, 15));
    }

    static final List<MetricSource> COUNTS = List.of(
            metric("api.requests", Map.of()),
            metric("api.requests", Map.of("status", "5xx")),
            metric("api.requests", Map.of("status", "5xx", "region", "eu")),
            metric("api.latency", Map.of("region", "us")),
            source(Source.SERVICE_CHECK, "db.can_connect", Map.of(), Map.of(), null, null, List.of("ok")),
            source(Source.SERVICE_CHECK, "db.can_connect", Map.of("region", "ap"), Map.of(), null, null, List.of()));

    static List<StepGrid> grids() {
        Duration m = Duration.ofMinutes(1);
        Duration five = Duration.ofMinutes(5);
        return List.of(
                // the whole span, a minute a step, from before the data to after the report
                new StepGrid(
                        DAY0.minus(Duration.ofHours(1)),
                        m,
                        (int) Duration.between(DAY0, AT).toMinutes() + 60),
                // time slices of 5 minutes, starting off the hour
                new StepGrid(DAY0.plus(Duration.ofMinutes(7)), five, 850),
                // a grid inside the recorded range, one that reaches back before it, one all live
                new StepGrid(DAY2.plus(Duration.ofMinutes(30)), m, 500),
                new StepGrid(DAY0.minus(Duration.ofDays(1)), five, 1000),
                new StepGrid(ROLLED.minus(Duration.ofMinutes(2)), m, 30));
    }

    @Test
    void recordedAnswers_areTheStoresAnswers_forCountsChecksAndThresholds_onEveryGrid() throws SQLException {
        assertSameAnswers();
        assertThat(count("select count(*) from slo_sli_recordings")).isEqualTo(COUNTS.size() + 2);
        // Asked again (now read from the recording), still the same.
        assertSameAnswers();
    }

    @Test
    void aDayWithoutData_hasNoRow_andReadsNaN_notZero() throws SQLException {
        SliData recorded = recorded();
        StepGrid day1 = new StepGrid(T0, Duration.ofMinutes(1), 1440);
        StepGrid days = new StepGrid(DAY0, Duration.ofMinutes(1), 3 * 1440);
        recorded.counts(COUNTS.get(0), days);
        double[] values = recorded.counts(COUNTS.get(0), day1).values();
        assertThat(values).containsOnly(Double.NaN);
        assertThat(count("select count(*) from slo_sli_minutes where day = '" + T0 + "'"))
                .isZero();
        assertThat(count("select count(*) from slo_sli_minutes where day = '" + DAY0 + "'"))
                .isEqualTo(1);
    }

    @Test
    void aLatePoint_afterRecording_changesTheReportExactlyAsWithoutRecording() throws SQLException {
        SliData recorded = recorded();
        MetricSource bad = COUNTS.get(1);
        StepGrid grid = grids().get(0);
        double[] before = recorded.counts(bad, grid).values();
        ThresholdCounts thresholdBefore = recorded.threshold(latency(), Operator.LTE, 80, grid);

        // A late 5xx and a slow value in a recorded minute of day 2, and one in the empty day 1
        // (within the 2 days the interval rows are kept: the rollup recomputes the minutes whole).
        Instant late = DAY2.plus(Duration.ofMinutes(95));
        Instant empty = T0.plus(Duration.ofMinutes(100));
        ingest(
                AT,
                "api.requests:7|c|#status:5xx,region:eu|T" + late.plusSeconds(5).getEpochSecond()
                        + "\napi.requests:2|c|#status:5xx,region:us|T"
                        + empty.plusSeconds(5).getEpochSecond()
                        + "\napi.latency:500|d|#region:us|T"
                        + late.plusSeconds(9).getEpochSecond());
        // Not re-rolled yet: both paths read the old minute rows.
        assertSameAnswers();
        assertThat(recorded.counts(bad, grid).values()).isEqualTo(before);

        maintain();
        assertSameAnswers();
        double[] after = recorded.counts(bad, grid).values();
        int lateIndex = grid.indexOf(late);
        int emptyIndex = grid.indexOf(empty);
        assertThat(before[emptyIndex]).isNaN();
        assertThat(after[emptyIndex]).isEqualTo(2);
        double[] expected = before.clone();
        expected[emptyIndex] = 2;
        expected[lateIndex] = (Double.isNaN(before[lateIndex]) ? 0 : before[lateIndex]) + 7;
        assertThat(after).isEqualTo(expected);
        ThresholdCounts thresholdAfter = recorded.threshold(latency(), Operator.LTE, 80, grid);
        assertThat(thresholdAfter.total().get(lateIndex))
                .isEqualTo(thresholdBefore.total().get(lateIndex) + 1);
    }

    @Test
    void aChangedQuestion_getsItsOwnRecording_andTheOldOneIsUntouched() throws SQLException {
        SliData recorded = recorded();
        StepGrid grid = grids().get(0);
        recorded.counts(metric("api.requests", Map.of("region", "eu")), grid);
        String first = recordingRows();
        String firstKey = first.substring(0, first.indexOf(' '));
        double[] changed = recorded.counts(metric("api.requests", Map.of("region", "us")), grid)
                .values();
        assertThat(changed)
                .isEqualTo(unrecorded()
                        .counts(metric("api.requests", Map.of("region", "us")), grid)
                        .values());
        assertThat(count("select count(*) from slo_sli_recordings")).isEqualTo(2);
        assertThat(recordingRows().lines().filter(l -> l.startsWith(firstKey)))
                .containsExactlyElementsOf(first.lines().toList());
    }

    @Test
    void twoRunsAtOnce_recordOnce_andAnswerTheSame() throws Exception {
        List<MetricQuery> asked = new CopyOnWriteArrayList<>();
        MetricQueryService store = new MetricQueryService(db.connections(), 10);
        MetricQueries counting = q -> {
            asked.add(q);
            return store.query(q);
        };
        StepGrid grid = grids().get(0);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<double[]>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> {
                    start.await();
                    return new DatabaseSliData(db.connections(), counting, 10)
                            .counts(COUNTS.get(1), grid)
                            .values();
                }));
            }
            start.countDown();
            double[] a = runs.get(0).get(2, TimeUnit.MINUTES);
            double[] b = runs.get(1).get(2, TimeUnit.MINUTES);
            assertThat(a)
                    .isEqualTo(b)
                    .isEqualTo(unrecorded().counts(COUNTS.get(1), grid).values());
        } finally {
            pool.shutdown();
            pool.awaitTermination(2, TimeUnit.MINUTES);
        }
        // The final minutes were computed once (one query from where the recording begins: the
        // grid's start, or the first kept minute after it); each run read the minutes after the
        // rollup live.
        Instant recordedFrom;
        try (Connection c = db.connections().open()) {
            Instant kept = SliRecording.minutesKeptFrom(c);
            recordedFrom = kept.isAfter(grid.from()) ? kept : grid.from();
        }
        assertThat(asked)
                .filteredOn(q -> q.from().equals(recordedFrom) && q.step().equals(Duration.ofMinutes(1)))
                .hasSize(1);
        assertThat(asked).filteredOn(q -> q.from().equals(ROLLED)).hasSize(2);
    }

    @Test
    void aRollupStateThatWentBack_startsTheRecordingAgain() throws SQLException {
        StepGrid grid = grids().get(0);
        recorded().counts(COUNTS.get(0), grid);
        // Rolled-up minutes are re-read as not final (e.g. a restored or reset store).
        db.execute("update metric_rollup_state set rolled_until = '" + DAY2 + "' where resolution = '1m'");
        db.execute("delete from metric_agg_1m where bucket >= '" + DAY2 + "'");
        assertThat(recorded().counts(COUNTS.get(0), grid).values())
                .isEqualTo(unrecorded().counts(COUNTS.get(0), grid).values());
    }

    private void assertSameAnswers() {
        SliData recorded = recorded();
        SliData store = unrecorded();
        for (StepGrid grid : grids()) {
            for (MetricSource s : COUNTS) {
                assertThat(recorded.counts(s, grid).values())
                        .as("%s on %s", s.dbre(), grid)
                        .isEqualTo(store.counts(s, grid).values());
            }
            for (Operator op : new Operator[] {Operator.LTE, Operator.GT}) {
                ThresholdCounts r = recorded.threshold(latency(), op, 80, grid);
                ThresholdCounts u = store.threshold(latency(), op, 80, grid);
                assertClose(r.matching().values(), u.matching().values(), op + " matching on " + grid);
                assertThat(r.total().values())
                        .as("total on %s", grid)
                        .isEqualTo(u.total().values());
            }
        }
    }

    /** Same NaN steps; the sum of a sketch's bin counts over the minutes equal up to rounding. */
    private static void assertClose(double[] actual, double[] expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertThat(actual[i]).as("%s step %d", what, i).isNaN();
            } else {
                assertThat(actual[i])
                        .as("%s step %d", what, i)
                        .isCloseTo(
                                expected[i], org.assertj.core.api.Assertions.within(1e-9 * Math.max(1, expected[i])));
            }
        }
    }

    static MetricSource latency() {
        return metric("api.latency", Map.of("region", "us"));
    }

    private SliData recorded() {
        return new DatabaseSliData(db.connections(), new MetricQueryService(db.connections(), 10), 10);
    }

    private SliData unrecorded() {
        return DatabaseSliData.unrecorded(db.connections(), new MetricQueryService(db.connections(), 10), 10);
    }

    private void maintain() throws SQLException {
        new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS).run(ROLLED);
    }

    /** One batch every 2 hours of the day, each with points spread over those hours. */
    private void ingestDay(Random random, Instant day) {
        for (int part = 0; part < 12; part++) {
            Instant start = day.plus(Duration.ofHours(2L * part));
            ingest(start.plus(Duration.ofMinutes(121)), lines(random, start, 120));
        }
    }

    /** Random counts (with sample rates), latencies and checks in the minutes [start, start + minutes). */
    private static String lines(Random random, Instant start, int minutes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < minutes * 2; i++) {
            long ts = start.getEpochSecond() + random.nextInt(minutes * 60);
            String region = REGIONS[random.nextInt(REGIONS.length)];
            String status = random.nextInt(5) == 0 ? "5xx" : "2xx";
            String rate = random.nextInt(4) == 0 ? "|@0.5" : "";
            b.append("api.requests:")
                    .append(1 + random.nextInt(9))
                    .append("|c")
                    .append(rate)
                    .append("|#status:")
                    .append(status)
                    .append(",region:")
                    .append(region)
                    .append("|T")
                    .append(ts)
                    .append('\n');
            b.append("api.latency:")
                    .append(String.format(java.util.Locale.ROOT, "%.3f", 20 + random.nextDouble() * 150))
                    .append("|d|#region:")
                    .append(region)
                    .append("|T")
                    .append(ts)
                    .append('\n');
            if (random.nextInt(3) == 0) {
                b.append("_sc|db.can_connect|")
                        .append(random.nextInt(6) == 0 ? 2 : 0)
                        .append("|d:")
                        .append(ts)
                        .append("|#region:")
                        .append(region)
                        .append('\n');
            }
        }
        return b.toString();
    }

    private void ingest(Instant arrival, String lines) {
        Ingested.store(db, new MutableClock(arrival), Ingested.SOURCE, lines);
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connections().open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String recordingRows() throws SQLException {
        StringBuilder b = new StringBuilder();
        try (Connection c = db.connections().open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select m.source_key, m.day, m.value::text from slo_sli_minutes m"
                        + " join slo_sli_recordings r using (source_key) order by r.updated_at, m.source_key, m.day")) {
            while (rs.next()) {
                b.append(rs.getString(1))
                        .append(' ')
                        .append(rs.getString(2))
                        .append(' ')
                        .append(rs.getString(3))
                        .append('\n');
            }
        }
        return b.toString();
    }
}
