package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.metrics.query.Resolution;
import dev.dbre.metrics.query.StepResult;
import dev.dbre.testing.IngestedMetrics;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Rollups, partitions and retention with a moving clock, on the embedded PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class MaintenanceServiceTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String SOURCE = "test:maintenance";

    private final TestDatabase db;
    private final MutableClock clock = new MutableClock(T0);
    private final IngestService ingest;
    private final MaintenanceService maintenance;
    private final MetricQueryService queries;

    MaintenanceServiceTest(TestDatabase db) {
        this.db = db;
        this.ingest = new IngestService(db.connections(), ParseLimits.DEFAULTS, MetricStoreSettings.DEFAULTS, clock);
        this.maintenance = new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS);
        this.queries = new MetricQueryService(db.connections(), 10);
    }

    @BeforeEach
    void clean() throws SQLException {
        IngestedMetrics.clean(db);
    }

    @Test
    void rollups_answerLikeTheIntervalData_andALatePointIsCountedByTheNextRun() throws Exception {
        long t = T0.getEpochSecond();
        store(
                "1",
                "hits:1|c|T" + (t + 5) + "\nhits:2|c|T" + (t + 65) + "\nhits:4|c|T" + (t + 125) + "\nlat:10|d|T"
                        + (t + 5) + "\nlat:20|d|T" + (t + 65) + "\nlat:40|d|T" + (t + 125));
        double[] before = sums("hits", Duration.ofMinutes(1), 3);
        assertThat(before).containsExactly(1, 2, 4);

        clock.advance(Duration.ofMinutes(65));
        MaintenanceService.Report report = maintenance.run(clock.instant());
        assertThat(report.minutesRolled()).isEqualTo(3);
        assertThat(report.hoursRolled()).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_agg_1m")).isEqualTo(6);
        assertThat(db.queryLong("select count(*) from metric_agg_1h")).isEqualTo(2);
        assertThat(db.queryLong("select sum(sum)::int8 from metric_agg_1h where n > 0 and state is null"))
                .isEqualTo(7);
        assertThat(sums("hits", Duration.ofMinutes(1), 3)).containsExactly(before);
        StepResult hour = query("lat", Duration.ofHours(1), 1).steps().get(0);
        assertThat(hour.count()).isEqualTo(3);
        assertThat(hour.max()).isEqualTo(40);
        assertThat(hour.quantile(0.5)).isBetween(20 * 0.99, 20 * 1.01);

        // A late point in the rolled first minute: not in the rollup until the next run.
        store("2", "hits:8|c|T" + (t + 10));
        assertThat(sums("hits", Duration.ofMinutes(1), 3)).containsExactly(1, 2, 4);
        MaintenanceService.Report again = maintenance.run(clock.instant());
        assertThat(again.minutesRolled()).isEqualTo(1);
        assertThat(again.hoursRolled()).isEqualTo(1);
        assertThat(sums("hits", Duration.ofMinutes(1), 3)).containsExactly(9, 2, 4);
        assertThat(sums("hits", Duration.ofHours(1), 1)).containsExactly(15);

        // Nothing queued: a run computes nothing and changes nothing.
        MaintenanceService.Report idle = maintenance.run(clock.instant());
        assertThat(idle.minutesRolled()).isZero();
        assertThat(sums("hits", Duration.ofHours(1), 1)).containsExactly(15);
    }

    @Test
    void concurrentRollups_computeEachBucketOnce() throws Exception {
        long t = T0.getEpochSecond();
        StringBuilder lines = new StringBuilder();
        for (int m = 0; m < 30; m++) {
            lines.append("hits:1|c|#m:")
                    .append(m % 3)
                    .append("|T")
                    .append(t + 60L * m)
                    .append('\n');
        }
        store("1", lines.toString());
        clock.advance(Duration.ofHours(2));
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<MaintenanceService.Report>> runs = List.of(
                    CompletableFuture.supplyAsync(() -> runAfter(start), threads),
                    CompletableFuture.supplyAsync(() -> runAfter(start), threads));
            int minutes = 0;
            for (CompletableFuture<MaintenanceService.Report> r : runs) {
                minutes += r.get(60, TimeUnit.SECONDS).minutesRolled();
            }
            assertThat(minutes).isEqualTo(30);
        } finally {
            threads.shutdownNow();
        }
        assertThat(db.queryLong("select count(*) from metric_agg_1m")).isEqualTo(30);
        assertThat(db.queryLong("select sum(sum)::int8 from metric_agg_1h")).isEqualTo(30);
        assertThat(sums("hits{m:1}", Duration.ofHours(1), 1)).containsExactly(10);
    }

    @Test
    void partitionsAreCreatedAhead_andDroppedAfterTheirRetention() throws Exception {
        maintenance.createPartitionsAhead(T0);
        assertThat(partitions("metric_agg")).contains("metric_agg_p20261122", "metric_agg_p20261126");
        assertThat(partitions("metric_agg_1h")).isNotEmpty();

        // A point stored five days ago (no maintenance since) has its own partition. Retention keeps
        // it while the minute rollup has not read it, and drops it in the run that rolled it up: the
        // point is in its minute.
        storeAt(
                T0.minus(Duration.ofDays(5)),
                "1",
                "old:1|c|T" + T0.minus(Duration.ofDays(5)).getEpochSecond());
        assertThat(partitions("metric_agg")).contains("metric_agg_p20261118");
        assertThat(maintenance.dropExpired(T0)).isEmpty();
        assertThat(partitions("metric_agg")).contains("metric_agg_p20261118");

        List<String> dropped = maintenance.run(T0).partitionsDropped();
        assertThat(dropped).contains("metric_agg_p20261118").doesNotContain("metric_agg_p20261122");
        assertThat(db.queryLong("select count(*) from metric_agg_1m where bucket = '"
                        + T0.minus(Duration.ofDays(5)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + "'"))
                .isEqualTo(1);
        assertThat(partitions("metric_agg"))
                .doesNotContain("metric_agg_p20261118")
                .contains("metric_agg_p20261122");

        clock.advance(Duration.ofDays(3));
        assertThat(maintenance.dropExpired(clock.instant())).contains("metric_agg_p20261122");
    }

    @Test
    void dryRun_reportsWhatItWouldCreateRollUpAndDrop_andChangesNothing() throws Exception {
        long t = T0.getEpochSecond();
        store("1", "hits:1|c|T" + (t + 5) + "\nhits:2|c|T" + (t + 65));
        storeAt(
                T0.minus(Duration.ofDays(5)),
                "2",
                "old:1|c|T" + T0.minus(Duration.ofDays(5)).getEpochSecond());
        clock.advance(Duration.ofMinutes(65));
        db.execute("drop table if exists metric_agg_p20261126"); // another test may have made it
        List<String> before = partitions("metric_agg");

        MaintenanceService.Report plan = maintenance.run(clock, Duration.ofMinutes(1), true);

        assertThat(plan.dryRun()).isTrue();
        assertThat(plan.minutesRolled()).isEqualTo(3); // the old point's minute too
        assertThat(plan.droppedByTable().get(MetricTable.INTERVAL)).contains("metric_agg_p20261118");
        assertThat(plan.createdByTable().get(MetricTable.INTERVAL)).contains("metric_agg_p20261126");
        assertThat(partitions("metric_agg")).containsExactlyInAnyOrderElementsOf(before);
        assertThat(db.queryLong("select count(*) from metric_agg_1m")).isZero();
        assertThat(db.queryLong("select count(distinct bucket) from metric_rollup_queue where resolution = '1m'"))
                .isEqualTo(3);

        MaintenanceService.Report real = maintenance.run(clock, Duration.ofMinutes(1), false);
        assertThat(real.minutesRolled()).isEqualTo(plan.minutesRolled());
        assertThat(real.partitionsDropped()).isEqualTo(plan.partitionsDropped());
        assertThat(real.partitionsCreated()).isEqualTo(plan.partitionsCreated());
        assertThat(partitions("metric_agg")).doesNotContain("metric_agg_p20261118");
    }

    @Test
    void aRunPastItsDeadline_leavesTheRestQueued_andTheNextRunFinishes() throws Exception {
        long t = T0.getEpochSecond();
        int minutes = MaintenanceService.BUCKETS_PER_TRANSACTION + 30;
        StringBuilder lines = new StringBuilder();
        for (int m = 0; m < minutes; m++) {
            lines.append("hits:1|c|T").append(t + 60L * m).append('\n');
        }
        store("1", lines.toString());
        clock.advance(Duration.ofHours(4));
        // Each look at the clock costs a minute: a budget of 90 s admits one transaction.
        Clock ticking = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                Instant now = clock.instant();
                clock.advance(Duration.ofMinutes(1));
                return now;
            }
        };

        MaintenanceService.Report first = maintenance.run(ticking, Duration.ofSeconds(90), false);

        assertThat(first.complete()).isFalse();
        assertThat(first.minutesRolled()).isEqualTo(MaintenanceService.BUCKETS_PER_TRANSACTION);
        assertThat(first.hoursRolled()).isZero();
        MaintenanceService.Report second = maintenance.run(clock.instant());
        assertThat(second.complete()).isTrue();
        assertThat(second.minutesRolled()).isEqualTo(30);
        assertThat(db.queryLong("select sum(sum)::int8 from metric_agg_1h")).isEqualTo(minutes);
    }

    @Test
    void aSecondRun_createsRollsUpAndDropsNothing_andTheSummaryIsJson() throws Exception {
        store("1", "hits:1|c|T" + (T0.getEpochSecond() + 5));
        clock.advance(Duration.ofHours(2));
        db.execute("drop table if exists metric_agg_p20261125, metric_agg_1m_p20261125");
        MaintenanceService.Report first = maintenance.run(clock.instant());
        assertThat(first.partitionsCreated()).contains("metric_agg_p20261125", "metric_agg_1m_p20261125");
        assertThat(first.minutesRolled()).isEqualTo(1);

        MaintenanceService.Report second = maintenance.run(clock.instant());

        assertThat(second.partitionsCreated()).isEmpty();
        assertThat(second.partitionsDropped()).isEmpty();
        assertThat(second.minutesRolled()).isZero();
        assertThat(second.hoursRolled()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(first.toJson());
        assertThat(json.path("complete").asBoolean()).isTrue();
        assertThat(json.path("resolutions").path("1m").path("rolledUp").asInt()).isEqualTo(1);
        assertThat(json.path("resolutions").path("1h").path("rolledUp").asInt()).isEqualTo(1);
        assertThat(json.path("resolutions").path("interval").path("table").asText())
                .isEqualTo("metric_agg");
        assertThat(json.path("resolutions")
                        .path("interval")
                        .path("partitionsCreated")
                        .toString())
                .contains("metric_agg_p20261125");
        // The documented keys (docs/metric-store.md, functions/aws/README.md), one per table.
        List<String> tables = new java.util.ArrayList<>();
        json.path("resolutions")
                .properties()
                .forEach(e ->
                        tables.add(e.getKey() + "=" + e.getValue().path("table").asText()));
        assertThat(tables)
                .containsExactly(
                        "interval=metric_agg",
                        "1m=metric_agg_1m",
                        "1h=metric_agg_1h",
                        "1d=metric_agg_1d",
                        "raw=metric_points",
                        "rawChecks=service_checks");
    }

    @Test
    void dayRollup_waitsForTheDayToClose_answersLikeTheHours_andRecountsALatePoint() throws Exception {
        Instant day0 = Instant.parse("2026-11-23T00:00:00Z");
        // Three UTC days: counts and a distribution on two series, at hours 1, 10 and 23 of each day.
        StringBuilder lines = new StringBuilder();
        List<Double> latencies = new java.util.ArrayList<>();
        for (int d = 0; d < 3; d++) {
            for (int h : new int[] {1, 10, 23}) {
                long ts = day0.plus(Duration.ofDays(d).plusHours(h)).getEpochSecond();
                double v = 5 + d * 40 + h;
                latencies.add(v);
                lines.append("hits:")
                        .append(d + 1)
                        .append("|c|#host:a|T")
                        .append(ts)
                        .append("\nhits:1|c|@0.5|#host:b|T")
                        .append(ts)
                        .append("\nlat:")
                        .append(v)
                        .append("|d|#host:a|T")
                        .append(ts)
                        .append('\n');
            }
        }
        store("1", lines.toString());

        // Mid-way through the third day: two days are closed, the third is not.
        moveTo(day0.plus(Duration.ofDays(2).plusHours(12)));
        MaintenanceService.Report partial = maintenance.run(clock.instant());
        assertThat(partial.daysRolled()).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from metric_agg_1d")).isEqualTo(2 * 3);

        moveTo(day0.plus(Duration.ofDays(3).plusMinutes(5)));
        maintenance.rollUp(MaintenanceService.Rollup.MINUTE, clock.instant());
        maintenance.rollUp(MaintenanceService.Rollup.HOUR, clock.instant());
        QueryResult fromHours = queryAt("lat", day0, Duration.ofDays(1), 3);
        double[] hitsFromHours = sumsAt("hits", day0, Duration.ofDays(1), 3);
        assertThat(fromHours.resolution()).isEqualTo(Resolution.DAY); // days 1 and 2 rolled, day 3 from hours
        MaintenanceService.Report full = maintenance.run(clock.instant());
        assertThat(full.daysRolled()).isEqualTo(1);

        QueryResult fromDays = queryAt("lat", day0, Duration.ofDays(1), 3);
        assertThat(fromDays.resolution()).isEqualTo(Resolution.DAY);
        assertThat(sumsAt("hits", day0, Duration.ofDays(1), 3))
                .containsExactly(hitsFromHours)
                .containsExactly(3 + 6, 6 + 6, 9 + 6);
        for (int d = 0; d < 3; d++) {
            StepResult hours = fromHours.steps().get(d);
            StepResult days = fromDays.steps().get(d);
            assertThat(days.count()).isEqualTo(hours.count()).isEqualTo(3);
            assertThat(days.min()).isEqualTo(hours.min()).isEqualTo(latencies.get(3 * d));
            assertThat(days.max()).isEqualTo(hours.max()).isEqualTo(latencies.get(3 * d + 2));
            double exactMedian = latencies.get(3 * d + 1);
            assertThat(days.quantile(0.5))
                    .isEqualTo(hours.quantile(0.5))
                    .isBetween(
                            exactMedian * (1 - Sketches.RELATIVE_ACCURACY),
                            exactMedian * (1 + Sketches.RELATIVE_ACCURACY));
        }
        // The whole range in one step, from the days alone and from the hours alone agree.
        StepResult all =
                queryAt("lat{host:a}", day0, Duration.ofDays(3), 1).steps().get(0);
        assertThat(all.count()).isEqualTo(9);
        assertThat(all.sum())
                .isEqualTo(latencies.stream().mapToDouble(Double::doubleValue).sum());

        // A late point in the second (rolled) day, whose 10 s data is still kept (the first day's is
        // past its retention: TOO_OLD): counted once the next run has re-rolled its day.
        store(
                "2",
                "hits:100|c|#host:a|T"
                        + day0.plus(Duration.ofDays(1).plusHours(5)).getEpochSecond());
        MaintenanceService.Report late = maintenance.run(clock.instant());
        assertThat(late.daysRolled()).isEqualTo(1);
        assertThat(sumsAt("hits", day0, Duration.ofDays(1), 3)).containsExactly(9, 112, 15);
        assertThat(db.queryLong("select count(*) from metric_agg_1d")).isEqualTo(3 * 3);
    }

    @Test
    void aDayStepNotStartingAtMidnight_readsWholeDaysFromTheDailyRows_andTheRestFromTheHours() throws Exception {
        Instant day0 = Instant.parse("2026-11-23T00:00:00Z");
        StringBuilder lines = new StringBuilder();
        for (int h = 0; h < 72; h += 5) {
            lines.append("hits:")
                    .append(h)
                    .append("|c|T")
                    .append(day0.plus(Duration.ofHours(h)).getEpochSecond())
                    .append('\n');
        }
        store("1", lines.toString());
        moveTo(day0.plus(Duration.ofDays(4)));
        Instant from = day0.plus(Duration.ofHours(7));
        // Before the first day rollup (no daily progress stored yet): everything from the hours.
        maintenance.rollUp(MaintenanceService.Rollup.MINUTE, clock.instant());
        maintenance.rollUp(MaintenanceService.Rollup.HOUR, clock.instant());
        QueryResult noDays = queries.query(
                new MetricQuery(MetricSelector.parse("hits"), from, from.plus(Duration.ofDays(2)), Duration.ofDays(2)));
        assertThat(noDays.resolution()).isEqualTo(Resolution.HOUR);
        assertThat(noDays.steps().get(0).sum()).isEqualTo(expectedHits(7, 55));
        maintenance.run(clock.instant());

        // One step from 07:00 on day 0 to 07:00 on day 2: day 1 from its daily row, the rest from hours.
        QueryResult one = queries.query(
                new MetricQuery(MetricSelector.parse("hits"), from, from.plus(Duration.ofDays(2)), Duration.ofDays(2)));
        assertThat(one.resolution()).isEqualTo(Resolution.DAY);
        assertThat(one.steps().get(0).sum()).isEqualTo(expectedHits(7, 55));
        // Two day steps that do not start at midnight: no daily row may straddle them, so hours.
        QueryResult two = queries.query(
                new MetricQuery(MetricSelector.parse("hits"), from, from.plus(Duration.ofDays(2)), Duration.ofDays(1)));
        assertThat(two.resolution()).isEqualTo(Resolution.HOUR);
        assertThat(two.steps().stream().mapToDouble(StepResult::sum).toArray())
                .containsExactly(expectedHits(7, 31), expectedHits(31, 55));
    }

    /** The sum of the values {@code h} written at hours h = 0, 5, 10, ... in {@code [fromHour, toHour)}. */
    private static double expectedHits(int fromHour, int toHour) {
        double sum = 0;
        for (int h = 0; h < 72; h += 5) {
            if (h >= fromHour && h < toHour) {
                sum += h;
            }
        }
        return sum;
    }

    @Test
    void dailyPartitions_areCreatedAhead_andDroppedAfterTheDailyRetention() throws Exception {
        MetricStoreSettings settings = new MetricStoreSettings(false, 10, 10_000, 100_000, 2, 35, 400, 60, 2, 3);
        MaintenanceService shortDays = new MaintenanceService(db.connections(), settings);
        shortDays.createPartitionsAhead(T0);
        // Partitions of 30 days counted from the epoch: [2026-11-03, 2026-12-03) holds T0 (2026-11-23).
        assertThat(partitions("metric_agg_1d")).contains("metric_agg_1d_p20261103");

        // Kept until 60 days after its end (2026-12-03): still there on 2027-01-22, gone on 2027-02-06.
        clock.advance(Duration.ofDays(60));
        assertThat(shortDays.dropExpired(clock.instant())).doesNotContain("metric_agg_1d_p20261103");
        clock.advance(Duration.ofDays(15));
        assertThat(shortDays.dropExpired(clock.instant())).contains("metric_agg_1d_p20261103");
        assertThat(partitions("metric_agg_1d")).doesNotContain("metric_agg_1d_p20261103");
        assertThat(partitions("metric_agg_1h")).isNotEmpty();
    }

    private void moveTo(Instant t) {
        clock.advance(Duration.between(clock.instant(), t));
    }

    private MaintenanceService.Report runAfter(CyclicBarrier start) {
        try {
            start.await(30, TimeUnit.SECONDS);
            return maintenance.run(clock.instant());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> partitions(String parent) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (var c = db.open();
                var s = c.createStatement();
                var rs = s.executeQuery("select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                        + " join pg_class p on p.oid = i.inhparent where p.relname = '" + parent + "'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Stores {@code payload} with the clock at {@code when}, then moves the clock back. */
    private void storeAt(Instant when, String sequence, String payload) {
        Instant now = clock.instant();
        moveTo(when);
        store(sequence, payload);
        moveTo(now);
    }

    private void store(String sequence, String payload) {
        IngestedMetrics.store(ingest, SOURCE, sequence, clock.instant(), payload);
    }

    private double[] sums(String selector, Duration step, int steps) throws SQLException {
        return query(selector, step, steps).steps().stream()
                .mapToDouble(StepResult::sum)
                .toArray();
    }

    private double[] sumsAt(String selector, Instant from, Duration step, int steps) throws SQLException {
        return queryAt(selector, from, step, steps).steps().stream()
                .mapToDouble(StepResult::sum)
                .toArray();
    }

    private QueryResult queryAt(String selector, Instant from, Duration step, int steps) throws SQLException {
        QueryResult r = queries.query(
                new MetricQuery(MetricSelector.parse(selector), from, from.plus(step.multipliedBy(steps)), step));
        assertThat(r.steps()).hasSize(steps);
        return r;
    }

    private QueryResult query(String selector, Duration step, int steps) throws SQLException {
        QueryResult r = queries.query(
                new MetricQuery(MetricSelector.parse(selector), T0, T0.plus(step.multipliedBy(steps)), step));
        assertThat(r.steps()).hasSize(steps);
        return r;
    }
}
