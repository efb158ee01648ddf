package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotService;
import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProgress.State;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import dev.dbre.rotation.RotationError;
import dev.dbre.rotation.RotationRequest;
import dev.dbre.rotation.RotationRunStore;
import dev.dbre.rotation.RotationStep;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.rotation.StepResult;
import dev.dbre.slo.SliData.ThresholdCounts;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.DbreQuery.Source;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Each {@code type: dbre} source of {@link DatabaseSliData}, over data written by the product's own
 * code paths (ingest, snapshot runs, restore drills, rotation steps), with answers computed by hand.
 */
@ExtendWith(PostgresExtension.class)
class DatabaseSliDataTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final StepGrid MINUTES = new StepGrid(T0, Duration.ofMinutes(1), 3);

    private final TestDatabase db;

    DatabaseSliDataTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        Ingested.clean(db);
    }

    static MetricSource source(
            Source source,
            String subject,
            Map<String, String> tags,
            Map<String, String> scope,
            String count,
            Duration limit,
            List<String> statuses) {
        return new MetricSource(
                "dbre",
                null,
                Map.of("source", source.specName(), "test", subject + tags + scope + count + limit + statuses),
                new DbreQuery(source, subject, tags, scope, count, limit, statuses));
    }

    static MetricSource metric(String name, Map<String, String> tags) {
        return source(Source.METRIC, name, tags, Map.of(), null, null, List.of());
    }

    static long t(int secondsAfterT0) {
        return T0.getEpochSecond() + secondsAfterT0;
    }

    // --- metric and service_check: the metric store's query API -------------------------------

    @Test
    void metricCounts_applySampleRatesAndTheTagFilter() {
        Ingested.store(
                db,
                new MutableClock(T0.plusSeconds(200)),
                Ingested.SOURCE,
                String.join(
                        "\n",
                        "api.requests:3|c|#status:5xx,env:prod|T" + t(5),
                        "api.requests:10|c|#status:2xx,env:prod|T" + t(30),
                        "api.requests:1|c|@0.5|#status:5xx,env:dev|T" + t(70),
                        "api.requests:4|c|#status:2xx,env:prod|T" + t(119)));
        DatabaseSliData data = Ingested.data(db);

        double[] all = data.counts(metric("api.requests", Map.of()), MINUTES).values();
        double[] bad = data.counts(metric("api.requests", Map.of("status", "5xx")), MINUTES)
                .values();
        double[] prodBad = data.counts(metric("api.requests", Map.of("status", "5xx", "env", "prod")), MINUTES)
                .values();

        assertThat(all).containsExactly(13, 6, Double.NaN); // 1 at rate 0.5 counts 2
        assertThat(bad).containsExactly(3, 2, Double.NaN);
        assertThat(prodBad).containsExactly(3, Double.NaN, Double.NaN);
    }

    @Test
    void serviceChecks_countTheAskedStatuses_ofTheStepsThatHaveChecks() {
        Ingested.store(
                db,
                new MutableClock(T0.plusSeconds(200)),
                Ingested.SOURCE,
                String.join(
                        "\n",
                        "_sc|postgres.can_connect|0|d:" + t(1) + "|#db:orders",
                        "_sc|postgres.can_connect|0|d:" + t(20) + "|#db:orders",
                        "_sc|postgres.can_connect|2|d:" + t(40) + "|#db:orders",
                        "_sc|postgres.can_connect|1|d:" + t(130) + "|#db:billing"));
        DatabaseSliData data = Ingested.data(db);
        MetricSource ok =
                source(Source.SERVICE_CHECK, "postgres.can_connect", Map.of(), Map.of(), null, null, List.of("ok"));
        MetricSource all =
                source(Source.SERVICE_CHECK, "postgres.can_connect", Map.of(), Map.of(), null, null, List.of());
        MetricSource notOkOrders = source(
                Source.SERVICE_CHECK,
                "postgres.can_connect",
                Map.of("db", "orders"),
                Map.of(),
                null,
                null,
                List.of("warning", "critical"));

        assertThat(data.counts(ok, MINUTES).values()).containsExactly(2, Double.NaN, 0);
        assertThat(data.counts(all, MINUTES).values()).containsExactly(3, Double.NaN, 1);
        assertThat(data.counts(notOkOrders, MINUTES).values()).containsExactly(1, Double.NaN, Double.NaN);
    }

    @Test
    void threshold_readsTheSketch_withinItsDocumentedBound() {
        StringBuilder lines = new StringBuilder();
        for (int ms = 1; ms <= 100; ms++) {
            lines.append("api.latency:")
                    .append(ms)
                    .append("|ms|T")
                    .append(t(ms % 50))
                    .append('\n');
        }
        Ingested.store(db, new MutableClock(T0.plusSeconds(200)), Ingested.SOURCE, lines.toString());
        DatabaseSliData data = Ingested.data(db);

        ThresholdCounts lte50 = data.threshold(metric("api.latency", Map.of()), Operator.LTE, 50, MINUTES);
        ThresholdCounts gt50 = data.threshold(metric("api.latency", Map.of()), Operator.GT, 50, MINUTES);

        // Exactly 50 of 100 are <= 50; the sketch (alpha 1%) answers between the exact counts at
        // 50 / 1.01 (49) and 50 x 1.01 (50).
        assertThat(lte50.total().values()).containsExactly(100, Double.NaN, Double.NaN);
        assertThat(lte50.matching().get(0)).isBetween(49.0, 50.0);
        assertThat(gt50.matching().get(0)).isEqualTo(100 - lte50.matching().get(0));
        assertThat(lte50.matching().get(1)).isNaN();
    }

    @Test
    void ratios_areTheMeanOfAGaugesSamples() {
        Ingested.store(
                db,
                new MutableClock(T0.plusSeconds(200)),
                Ingested.SOURCE,
                String.join("\n", "db.pool.usage:0.5|g|T" + t(61), "db.pool.usage:0.7|g|T" + t(119)));

        assertThat(Ingested.data(db)
                        .ratios(metric("db.pool.usage", Map.of()), MINUTES)
                        .values())
                .containsExactly(Double.NaN, 0.6, Double.NaN);
    }

    @Test
    void aGridThatStartsOffTheHour_isReadInFinerStepsAndMerged() {
        // A calendar period in a zone at UTC+05:30 starts at half past an hour.
        StepGrid hours = new StepGrid(T0.plus(Duration.ofMinutes(30)), Duration.ofHours(1), 2);
        Ingested.store(
                db,
                new MutableClock(T0.plus(Duration.ofHours(3))),
                Ingested.SOURCE,
                String.join(
                        "\n",
                        "jobs:1|c|T" + t(29 * 60 + 50), // before the grid
                        "jobs:2|c|T" + t(30 * 60),
                        "jobs:4|c|T" + t(89 * 60 + 59),
                        "jobs:8|c|T" + t(90 * 60)));

        assertThat(Ingested.data(db).counts(metric("jobs", Map.of()), hours).values())
                .containsExactly(6, 8);
    }

    // --- ingest: ingest_batches, ingest_batch_failures ------------------------------------------

    @Test
    void ingestBatches_storedAndFailed_perStep_andPerStream() {
        MutableClock clock = new MutableClock(T0.plusSeconds(30));
        Ingested.store(db, clock, Ingested.SOURCE, "a:1|c");
        Ingested.store(db, clock, "pubsub:projects/p/topics/other", "a:1|c");
        clock.advance(Duration.ofSeconds(40)); // 10:01:10
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory firstFails = () -> {
            if (opens.getAndIncrement() == 0) {
                throw new SQLException("connection refused", "08001");
            }
            return db.open();
        };
        BatchResult failed = new IngestService(firstFails, ParseLimits.DEFAULTS, MetricStoreSettings.DEFAULTS, clock)
                .ingest(new IngestBatch(
                        Ingested.SOURCE,
                        List.of(new SourceRecord(
                                "shard-1",
                                "f1",
                                clock.instant(),
                                "a:1|c".getBytes(StandardCharsets.UTF_8),
                                PayloadFormat.DOGSTATSD))));
        assertThat(failed.records())
                .singleElement()
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(RecordOutcome.FAILED));
        DatabaseSliData data = Ingested.data(db);
        Map<String, String> stream = Map.of("stream", Ingested.SOURCE);

        assertThat(data.counts(ingest(Map.of(), "batches", null), MINUTES).values())
                .containsExactly(2, 1, Double.NaN);
        assertThat(data.counts(ingest(stream, "batches", null), MINUTES).values())
                .containsExactly(1, 1, Double.NaN);
        assertThat(data.counts(ingest(stream, "stored", null), MINUTES).values())
                .containsExactly(1, 0, Double.NaN);
        assertThat(data.counts(ingest(stream, "failed", null), MINUTES).values())
                .containsExactly(0, 1, Double.NaN);
    }

    @Test
    void ingestFreshness_countsValuesStoredWithinNSecondsOfTheirTimestamp() throws SQLException {
        MutableClock clock = new MutableClock(T0.plusSeconds(3600));
        long now = T0.getEpochSecond() + 3600;
        Ingested.store(
                db,
                clock,
                Ingested.SOURCE,
                String.join(
                        "\n",
                        "a:1|c", // no timestamp: the arrival time, 0 s old
                        "a:1|c|T" + (now - 30),
                        "a:1|c|T" + (now - 60), // exactly the limit: fresh
                        "a:1|c|T" + (now - 61),
                        "a:1|c|T" + (now - 3600),
                        "lat:1:2|d|T" + (now - 10), // a packed line: two values
                        "_sc|db.up|0")); // a check is not a metric value
        StepGrid grid = new StepGrid(T0.plusSeconds(3600), Duration.ofMinutes(1), 2);
        DatabaseSliData data = Ingested.data(db);

        assertThat(data.counts(ingest(Map.of(), "points", null), grid).values()).containsExactly(7, Double.NaN);
        assertThat(data.counts(ingest(Map.of(), "fresh", Duration.ofSeconds(60)), grid)
                        .values())
                .containsExactly(5, Double.NaN);
        assertThat(data.counts(ingest(Map.of(), "fresh", Duration.ofSeconds(59)), grid)
                        .values())
                .containsExactly(4, Double.NaN); // 59 s is not an edge: counted up to 45 s
        assertThat(db.queryLong("select points_stored from ingest_batches")).isEqualTo(7);
    }

    static MetricSource ingest(Map<String, String> scope, String count, Duration limit) {
        return source(Source.INGEST, null, Map.of(), scope, count, limit, List.of());
    }

    // --- backup: snapshot_runs ------------------------------------------------------------------

    @Test
    void backup_countsDatabasesAndThoseWithinTheRpo_atTheEndOfEachStep() {
        MutableClock clock = new MutableClock(T0);
        BackupPolicy gold = BackupPolicyLoader.parse("gold.yaml", """
                name: gold
                selection: {databases: [orders, billing], region: eu-west-1}
                schedule: hourly
                retention: {hourly: 5, keepAtLeast: 1}
                """);
        SimulatedSnapshotProvider provider = new SimulatedSnapshotProvider(clock)
                .addDatabase(new DatabaseRef("orders", "rds-instance", "eu-west-1", Map.of(), false))
                .addDatabase(new DatabaseRef("billing", "rds-instance", "eu-west-1", Map.of(), false));
        SnapshotService service = new SnapshotService(
                (d, m) -> {}, new SnapshotRunStore(db.connections()), RetryPolicy.DEFAULT, d -> {}, new Random(1));
        service.run(gold, provider, clock, false); // 10:00: no completed snapshot yet
        provider.completeAll(); // the 10:00 snapshots complete
        clock.advance(Duration.ofHours(1));
        service.run(gold, provider, clock, false); // 11:00: the newest completed is 10:00's

        StepGrid grid = new StepGrid(T0, Duration.ofMinutes(30), 6);
        DatabaseSliData data = Ingested.data(db);
        MetricSource databases = backup(Map.of(), "databases", null);
        MetricSource withinRpo = backup(Map.of(), "within_rpo", Duration.ofHours(2));

        assertThat(data.counts(databases, grid).values()).containsExactly(2, 2, 2, 2, 2, 2);
        // 10:30 none; 11:00 the 11:00 run is not before the step's end; 11:30 10:00's snapshots are
        // 1.5 h old; 12:00 they are exactly 2 h old, no longer younger than the RPO.
        assertThat(data.counts(withinRpo, grid).values()).containsExactly(0, 0, 2, 0, 0, 0);
        assertThat(data.counts(backup(Map.of("database", "orders"), "within_rpo", Duration.ofHours(2)), grid)
                        .values())
                .containsExactly(0, 0, 1, 0, 0, 0);
        // a grid that starts after the runs reads them as the state before it
        StepGrid later = new StepGrid(T0.plus(Duration.ofMinutes(90)), Duration.ofMinutes(30), 1);
        assertThat(data.counts(withinRpo, later).values()).containsExactly(0);
        assertThat(data.counts(backup(Map.of(), "within_rpo", Duration.ofMinutes(121)), later)
                        .values())
                .containsExactly(2);
        StepGrid before = new StepGrid(T0.minus(Duration.ofHours(1)), Duration.ofMinutes(30), 2);
        assertThat(data.counts(databases, before).values()).containsExactly(Double.NaN, Double.NaN);
    }

    static MetricSource backup(Map<String, String> scope, String count, Duration limit) {
        return source(Source.BACKUP, "gold", Map.of(), scope, count, limit, List.of());
    }

    // --- drill: restore_runs ----------------------------------------------------------------------

    @Test
    void drills_countInTheStepTheyEnded_verifiedWithinTheRto_andAsRecoveryTimes() throws SQLException {
        db.execute("create table if not exists restored_items (id int primary key)");
        db.execute("insert into restored_items select generate_series(1, 10) on conflict do nothing");
        assertThat(drill("drill-a", true, 10, T0)).isEqualTo(RestoreState.VERIFIED); // 10:00 -> 10:05
        assertThat(drill("drill-b", true, 11, T0.plus(Duration.ofMinutes(10)))).isEqualTo(RestoreState.FAILED);
        assertThat(drill("drill-c", true, 10, T0.plus(Duration.ofMinutes(20)))).isEqualTo(RestoreState.VERIFIED);
        assertThat(drill("kept-d", false, 10, T0.plus(Duration.ofMinutes(20)))).isEqualTo(RestoreState.VERIFIED);
        assertThat(db.queryLong("select count(*) from restore_runs where drill and recovery_seconds = 300"))
                .isEqualTo(2);
        StepGrid grid = new StepGrid(T0, Duration.ofMinutes(10), 4);
        DatabaseSliData data = Ingested.data(db);

        assertThat(data.counts(drillSource("run", null), grid).values()).containsExactly(1, 1, 1, Double.NaN);
        assertThat(data.counts(drillSource("verified", null), grid).values()).containsExactly(1, 0, 1, Double.NaN);
        assertThat(data.counts(drillSource("within_rto", Duration.ofMinutes(5)), grid)
                        .values())
                .containsExactly(1, 0, 1, Double.NaN);
        assertThat(data.counts(drillSource("within_rto", Duration.ofSeconds(299)), grid)
                        .values())
                .containsExactly(0, 0, 0, Double.NaN);
        MetricSource recovery = source(Source.DRILL, null, Map.of(), Map.of(), null, null, List.of());
        ThresholdCounts lte = data.threshold(recovery, Operator.LTE, 300, grid);
        assertThat(lte.matching().values()).containsExactly(1, 0, 1, Double.NaN);
        assertThat(lte.total().values()).containsExactly(1, 1, 1, Double.NaN);
        MetricSource otherDatabase =
                source(Source.DRILL, null, Map.of(), Map.of("database", "billing-db"), "run", null, List.of());
        assertThat(data.counts(otherDatabase, grid).values()).containsOnly(Double.NaN);
    }

    /** Runs one restore of orders-db, a scheduler tick a minute, to its end; returns its outcome. */
    private RestoreState drill(String name, boolean drill, int atLeast, Instant submitted) {
        FakeRestoreProvider provider = new FakeRestoreProvider()
                .source("orders-db", false, Instant.parse("2026-11-20T00:00:00Z"), T0)
                .restoredDatabase(db.connections())
                .progress(
                        new RestoreProgress(State.RESTORING, null, 0, "creating"),
                        new RestoreProgress(State.AVAILABLE, "db.example", 5432, "available"));
        RestoreService service = new RestoreService(provider, db.connections(), (d, m) -> {});
        RestoreRequest request = RestoreRequest.parse(
                "{\"source\":\"orders-db\",\"targetTime\":\"2026-11-22T12:00:00Z\",\"newName\":\"" + name
                        + "\",\"drill\":" + drill + ",\"verify\":[{\"name\":\"items\",\"sql\":"
                        + "\"select count(*) from restored_items\",\"expect\":{\"atLeast\":" + atLeast + "}}]}");
        RestoreService.Submitted sub = service.submit(request, submitted);
        RestoreRun run = sub.run();
        Instant now = submitted;
        while (!run.finished() && now.isBefore(submitted.plus(Duration.ofHours(1)))) {
            now = now.plusSeconds(60);
            run = service.advance(sub.runId(), now, Duration.ofMinutes(10));
        }
        return run.outcome();
    }

    static MetricSource drillSource(String count, Duration limit) {
        return source(Source.DRILL, null, Map.of(), Map.of(), count, limit, List.of());
    }

    // --- rotation: rotation_runs ------------------------------------------------------------------

    @Test
    void rotation_countsSecretsAndThoseRotatedWithinTheSchedule() throws SQLException {
        MutableClock clock = new MutableClock(T0);
        RotationRunStore runs = new RotationRunStore(db.connections(), clock, "aws", "dbre-rotation");
        step(runs, "app/a", RotationStep.FINISH_SECRET, null); // 10:00 a rotated
        step(runs, "app/b", RotationStep.CREATE_SECRET, null); // 10:00 b seen
        clock.advance(Duration.ofMinutes(5));
        step(runs, "app/b", RotationStep.FINISH_SECRET, RotationError.STORE_ERROR); // 10:05 b failed
        clock.advance(Duration.ofMinutes(15));
        step(runs, "app/b", RotationStep.FINISH_SECRET, null); // 10:20 b rotated
        StepGrid grid = new StepGrid(T0, Duration.ofMinutes(10), 3);
        DatabaseSliData data = Ingested.data(db);
        Duration schedule = Duration.ofMinutes(15);

        assertThat(data.counts(rotation(Map.of(), "secrets", null), grid).values())
                .containsExactly(2, 2, 2);
        // ends 10:10 (a 10 min old), 10:20 (a 20 min; b's 10:20 not before the end), 10:30 (b 10 min)
        assertThat(data.counts(rotation(Map.of(), "within_schedule", schedule), grid)
                        .values())
                .containsExactly(1, 0, 1);
        StepGrid later = new StepGrid(T0.plus(Duration.ofMinutes(30)), Duration.ofMinutes(10), 2);
        // a grid after the runs reads them as the state before it: ends 10:40 (b 20 min old), 10:50 (30 min)
        assertThat(data.counts(rotation(Map.of(), "within_schedule", Duration.ofMinutes(25)), later)
                        .values())
                .containsExactly(1, 0);
        assertThat(data.counts(rotation(Map.of("secret", "app/a"), "secrets", null), later)
                        .values())
                .containsExactly(1, 1);
        StepGrid before = new StepGrid(T0.minus(Duration.ofMinutes(20)), Duration.ofMinutes(10), 2);
        assertThat(data.counts(rotation(Map.of(), "secrets", null), before).values())
                .containsExactly(Double.NaN, Double.NaN);
    }

    private static void step(RotationRunStore runs, String secret, RotationStep step, RotationError error)
            throws SQLException {
        RotationRequest request = new RotationRequest(secret, "token-1", step);
        StepResult result =
                error != null ? null : new StepResult(secret, "token-1", step, StepResult.Action.FINISHED, null);
        runs.record(request, RotationStrategy.SINGLE, result, error);
    }

    static MetricSource rotation(Map<String, String> scope, String count, Duration limit) {
        return source(Source.ROTATION, null, Map.of(), scope, count, limit, List.of());
    }

    // --- no data ----------------------------------------------------------------------------------

    @Test
    void everySource_withoutData_isNaN_neverZero() {
        DatabaseSliData data = Ingested.data(db);
        List<MetricSource> sources = List.of(
                metric("api.requests", Map.of()),
                source(Source.SERVICE_CHECK, "db.up", Map.of(), Map.of(), null, null, List.of("ok")),
                ingest(Map.of(), "batches", null),
                ingest(Map.of(), "failed", null),
                ingest(Map.of(), "fresh", Duration.ofSeconds(60)),
                backup(Map.of(), "within_rpo", Duration.ofHours(1)),
                drillSource("verified", null),
                rotation(Map.of(), "within_schedule", Duration.ofDays(30)));
        for (MetricSource s : sources) {
            assertThat(data.counts(s, MINUTES).values()).as(s.key()).containsOnly(Double.NaN);
        }
        assertThat(data.counts(metric("x", Map.of()), new StepGrid(T0, Duration.ofMinutes(1), 0))
                        .values())
                .isEmpty();
    }

    @Test
    void aSourceOfAnotherType_isRefusedByName() {
        MetricSource prometheus = new MetricSource("prometheus", null, Map.of("query", "up"), null);
        assertThatThrownBy(() -> Ingested.data(db).counts(prometheus, MINUTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("type dbre only, was type prometheus");
        assertThatThrownBy(() -> Ingested.data(db).ratios(ingest(Map.of(), "batches", null), MINUTES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ingest");
    }
}
