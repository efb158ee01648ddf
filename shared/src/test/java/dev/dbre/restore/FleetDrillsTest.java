package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.SimulatedSnapshotProvider;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.BackupPolicy.DrillKind;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.RestoreProgress;
import dev.dbre.testing.FakeRestoreProvider;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class FleetDrillsTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final Duration TICK = Duration.ofMinutes(5);
    static final Duration INVOCATION = Duration.ofMinutes(1);
    static final String POLICY = """
            name: gold
            selection: {region: eu-west-1}
            schedule: daily
            retention: {daily: 7}
            copy: {region: eu-central-1}
            drill:
              every: 7d
              maxConcurrent: 1
              kinds: [pitr, snapshot, copy]
              minRows: 100
              verify: [{name: orders, sql: "select count(*) from orders", expect: {atLeast: 1}}]
            objectives: {rpo: 1h, rto: 4h}
            """;

    final BackupPolicy gold = BackupPolicyLoader.parse("gold.yaml", POLICY);
    final List<String> published = new ArrayList<>();

    static DatabaseRef db(String id) {
        return new DatabaseRef(id, "rds-instance", "eu-west-1", Map.of("dbre:backup-policy", "gold"), false);
    }

    static DrillRunStore.History verified(Instant at, DrillKind kind) {
        return new DrillRunStore.History(at, null, kind, false);
    }

    // ---- planning (pure)

    @Test
    void plan_picksNeverDrilledFirst_thenTheOldestVerified_upToMaxConcurrent() {
        BackupPolicy two = withDrill(gold, 2);
        Map<String, DrillRunStore.History> history = Map.of(
                "a", verified(T0.minus(Duration.ofDays(8)), DrillKind.PITR),
                "b", verified(T0.minus(Duration.ofDays(20)), DrillKind.PITR));

        List<FleetDrills.PlannedDrill> plan = FleetDrills.plan(T0, two, List.of(db("a"), db("b"), db("c")), history);

        assertThat(plan).extracting(p -> p.database().id()).containsExactly("c", "b");
    }

    @Test
    void plan_startsNothingBeforeEvery_andCountsTheDrillsStillRunning() {
        Map<String, DrillRunStore.History> recent = Map.of("a", verified(T0.minus(Duration.ofDays(6)), DrillKind.PITR));
        assertThat(FleetDrills.plan(T0, gold, List.of(db("a")), recent)).isEmpty();

        Map<String, DrillRunStore.History> running =
                Map.of("a", new DrillRunStore.History(null, null, DrillKind.PITR, true));
        assertThat(FleetDrills.plan(T0, gold, List.of(db("a"), db("b")), running))
                .as("maxConcurrent 1, one running")
                .isEmpty();
    }

    @Test
    void plan_alternatesKinds_inThePolicysOrder() {
        List<DatabaseRef> a = List.of(db("a"));
        Instant old = T0.minus(Duration.ofDays(30));

        assertThat(FleetDrills.plan(T0, gold, a, Map.of()).get(0).kind()).isEqualTo(DrillKind.PITR);
        assertThat(FleetDrills.plan(T0, gold, a, Map.of("a", verified(old, DrillKind.PITR)))
                        .get(0)
                        .kind())
                .isEqualTo(DrillKind.SNAPSHOT);
        assertThat(FleetDrills.plan(T0, gold, a, Map.of("a", verified(old, DrillKind.SNAPSHOT)))
                        .get(0)
                        .kind())
                .isEqualTo(DrillKind.COPY);
        assertThat(FleetDrills.plan(T0, gold, a, Map.of("a", verified(old, DrillKind.COPY)))
                        .get(0)
                        .kind())
                .isEqualTo(DrillKind.PITR);
    }

    @Test
    void plan_givesTheDatabasesNeverDrilledTheKindsInTurn_andTheOthersTheirNextKind() {
        BackupPolicy four = withDrill(gold, 4);
        Map<String, DrillRunStore.History> history =
                Map.of("a", verified(T0.minus(Duration.ofDays(30)), DrillKind.PITR));

        List<FleetDrills.PlannedDrill> plan =
                FleetDrills.plan(T0, four, List.of(db("a"), db("b"), db("c"), db("d")), history);

        assertThat(plan)
                .extracting(p -> p.database().id() + ":" + p.kind().label())
                .containsExactly("b:pitr", "c:snapshot", "d:copy", "a:snapshot");
    }

    @Test
    void plan_retriesAFailedDatabaseOnlyAfterADay_behindTheOthers() {
        Map<String, DrillRunStore.History> failed =
                Map.of("a", new DrillRunStore.History(null, T0.minus(Duration.ofHours(2)), DrillKind.PITR, false));
        assertThat(FleetDrills.plan(T0, gold, List.of(db("a")), failed)).isEmpty();

        Map<String, DrillRunStore.History> failedLongAgo =
                Map.of("a", new DrillRunStore.History(null, T0.minus(Duration.ofDays(2)), DrillKind.PITR, false));
        assertThat(FleetDrills.plan(T0, withDrill(gold, 1), List.of(db("a"), db("b")), failedLongAgo))
                .extracting(p -> p.database().id())
                .containsExactly("b");
    }

    @Test
    void snapshotKinds_askForThePolicysNewestSnapshot_orItsNewestCopy() throws Exception {
        ObjectMapper json = new ObjectMapper();
        FleetDrills.PlannedDrill snapshot =
                new FleetDrills.PlannedDrill("gold", db("a"), DrillKind.SNAPSHOT, "drill-a-202611231000", "id");
        FleetDrills.PlannedDrill copy =
                new FleetDrills.PlannedDrill("gold", db("a"), DrillKind.COPY, "drill-a-202611231000", "id");

        JsonNode s = json.readTree(FleetDrills.requestJson(gold, snapshot));
        JsonNode c = json.readTree(FleetDrills.requestJson(gold, copy));

        assertThat(s.get("snapshot").get("newestOfPolicy").asText()).isEqualTo("gold");
        assertThat(s.has("latest")).isFalse();
        assertThat(c.get("snapshot").get("newestCopyInRegion").asText()).isEqualTo("eu-central-1");
        assertThat(c.get("snapshot").get("policy").asText()).isEqualTo("gold");
        assertThat(s.get("drill").asBoolean()).isTrue();
        assertThat(s.get("verify").get(0).get("sql").asText()).isEqualTo("select count(*) from orders");
    }

    @Test
    void drillNames_areDeterministic_andFitEveryCloud() {
        String longId = "orders-" + "x".repeat(80);

        String name = FleetDrills.drillName(longId, T0);

        assertThat(name)
                .hasSizeLessThanOrEqualTo(63)
                .matches(RestoreRequest.NAME.pattern())
                .endsWith("-202611231000");
        assertThat(FleetDrills.drillName(longId, T0)).isEqualTo(name);
        assertThat(FleetDrills.drillName("Orders_DB", T0)).startsWith("drill-orders-db-");
    }

    // ---- ticks, on the embedded PostgreSQL

    @Test
    void ticks_drillTheNeverDrilledDatabase_verifyIt_andRecordItsKindAndRecoveryTime() throws Exception {
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = ordersDatabase(500);
        MutableClock clock = new MutableClock(T0);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .source("b", false, T0.minus(Duration.ofDays(3)), T0)
                .restoredDatabase(source.connections());
        FleetDrills fleet = fleet(runs, restores, source, clock, db("a"), db("b"));
        BackupPolicy pitrOnly =
                BackupPolicyLoader.parse("gold.yaml", POLICY.replace("[pitr, snapshot, copy]", "[pitr]"));

        FleetDrills.TickResult first = fleet.tick(List.of(pitrOnly), clock, INVOCATION);
        for (int i = 0; i < 6; i++) {
            clock.advance(TICK);
            fleet.tick(List.of(pitrOnly), clock, INVOCATION);
        }

        assertThat(first.started()).extracting(p -> p.database().id()).containsExactly("a");
        assertThat(first.failures()).isEmpty();
        assertThat(runs.queryLong("select count(*) from drill_results where database_id = 'a' and outcome = 'VERIFIED'"
                        + " and state = 'CLEANED_UP' and kind = 'pitr' and over_rto = false"))
                .isEqualTo(1);
        assertThat(runs.queryLong("select count(*) from restore_runs where kind = 'pitr'"))
                .isEqualTo(2);
        assertThat(runs.queryLong("select count(*) from drill_status('2026-11-23T12:00Z', 7) where database_id = 'a'"
                        + " and last_verified_kind = 'pitr' and last_recovery_seconds > 0 and verified = 1"))
                .isEqualTo(1);
        assertThat(runs.queryLong("select count(*) from drill_runs where database_id = 'b'"))
                .as("b is drilled once a's drill is over: maxConcurrent 1")
                .isEqualTo(1);
        String verification = string(
                runs,
                "select verification::text from restore_runs r join drill_runs d using (run_id) where d.database_id = 'a'");
        assertThat(verification)
                .contains(DrillChecks.CONNECTS, DrillChecks.DATABASES, DrillChecks.ROW_ESTIMATES, "all within");
    }

    @Test
    void aRestoredCopyMissingRows_failsTheDrill_andCountsADrillFailure() throws Exception {
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = ordersDatabase(1000);
        TestDatabase restored = ordersDatabase(500);
        MutableClock clock = new MutableClock(T0);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .restoredDatabase(restored.connections());
        FleetDrills fleet = fleet(runs, restores, source, clock, db("a"));

        for (int i = 0; i < 6; i++) {
            fleet.tick(List.of(gold), clock, INVOCATION);
            clock.advance(TICK);
        }

        assertThat(string(runs, "select failure_reason from drill_results where database_id = 'a'"))
                .contains(DrillChecks.ROW_ESTIMATES, "public.orders 500 rows, source 1000");
        assertThat(published).containsOnlyOnce(MetricNames.DRILL_FAILURES);
        assertThat(runs.queryLong("select count(*) from drill_status('2026-11-23T12:00Z', 7) where database_id = 'a'"
                        + " and last_verified_at is null and drills = 1 and verified = 0"))
                .isEqualTo(1);
    }

    @Test
    void aDrillSlowerThanTheRto_isFlaggedInTheView_andCounted() throws Exception {
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = ordersDatabase(200);
        MutableClock clock = new MutableClock(T0);
        RestoreProgress restoring = new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "restoring");
        RestoreProgress available = new RestoreProgress(RestoreProgress.State.AVAILABLE, "fake.host", 5432, "up");
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .progress(restoring, restoring, restoring, available)
                .restoredDatabase(source.connections());
        BackupPolicy tightRto = BackupPolicyLoader.parse("gold.yaml", POLICY.replace("rto: 4h", "rto: 10m"));
        FleetDrills fleet = fleet(runs, restores, source, clock, db("a"));

        List<FleetDrills.RtoBreach> breaches = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            breaches.addAll(fleet.tick(List.of(tightRto), clock, INVOCATION).overRto());
            clock.advance(TICK);
        }

        assertThat(runs.queryLong("select count(*) from drill_results where outcome = 'VERIFIED' and over_rto"
                        + " and rto_objective_seconds = 600 and recovery_seconds > 600"))
                .isEqualTo(1);
        assertThat(runs.queryLong("select count(*) from drill_status('2026-11-24T00:00Z', 7) where last_over_rto"))
                .isEqualTo(1);
        assertThat(published).containsOnlyOnce(MetricNames.DRILLS_OVER_RTO);
        assertThat(breaches)
                .as("in the summary of the tick that verified it, once")
                .singleElement()
                .satisfies(b -> {
                    assertThat(b.databaseId()).isEqualTo("a");
                    assertThat(b.kind()).isEqualTo(DrillKind.PITR);
                    assertThat(b.rto()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(b.recoverySeconds()).isGreaterThan(600);
                });
    }

    @Test
    void aSnapshotKindTheServiceRefuses_fallsBackToTheNextKind_andIsReported() throws Exception {
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = ordersDatabase(200);
        MutableClock clock = new MutableClock(T0);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .restoredDatabase(source.connections());
        BackupPolicy snapshotFirst =
                BackupPolicyLoader.parse("gold.yaml", POLICY.replace("[pitr, snapshot, copy]", "[snapshot, pitr]"));
        FleetDrills fleet = fleet(runs, restores, source, clock, db("a"));

        FleetDrills.TickResult tick = fleet.tick(List.of(snapshotFirst), clock, INVOCATION);

        // Until restores from snapshots are accepted, or when a database has none, the drill is a PITR one.
        assertThat(tick.started()).extracting(FleetDrills.PlannedDrill::kind).containsExactly(DrillKind.PITR);
        assertThat(tick.failures()).singleElement().asString().contains("snapshot drill of a refused");
    }

    @Test
    void aRepeatedTick_findsTheRunItStarted() throws Exception {
        TestDatabase runs = PostgresExtension.newDatabase();
        TestDatabase source = ordersDatabase(200);
        MutableClock clock = new MutableClock(T0);
        FakeRestoreProvider restores = new FakeRestoreProvider()
                .source("a", false, T0.minus(Duration.ofDays(3)), T0)
                .restoredDatabase(source.connections());
        FleetDrills fleet = fleet(runs, restores, source, clock, db("a"));
        BackupPolicy two = withDrill(gold, 2);
        FleetDrills.PlannedDrill p =
                FleetDrills.plan(T0, two, List.of(db("a")), Map.of()).get(0);

        RestoreService service = new RestoreService(restores, runs.connections(), (d, m) -> {});
        RestoreRequest request = RestoreRequest.parse(FleetDrills.requestJson(two, p));
        service.submit(request, T0);
        fleet.tick(List.of(two), clock, INVOCATION);

        assertThat(runs.queryLong("select count(*) from restore_runs")).isEqualTo(1);
        assertThat(runs.queryLong("select count(*) from drill_runs")).isEqualTo(1);
    }

    // ---- helpers

    static String string(TestDatabase db, String sql) throws SQLException {
        try (var c = db.open();
                var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from " + sql).isTrue();
            return rs.getString(1);
        }
    }

    FleetDrills fleet(
            TestDatabase runs,
            FakeRestoreProvider restores,
            TestDatabase source,
            MutableClock clock,
            DatabaseRef... dbs) {
        SimulatedSnapshotProvider snapshots = new SimulatedSnapshotProvider(clock);
        for (DatabaseRef d : dbs) {
            snapshots.addDatabase(d);
        }
        RestoreService service = new RestoreService(restores, runs.connections(), (d, m) -> {});
        return new FleetDrills(
                service,
                snapshots,
                (db, database) -> source.connections(),
                runs.connections(),
                (dims, metrics) -> metrics.forEach(m -> published.add(m.name())));
    }

    /** A database with an analysed {@code orders} table of {@code rows} rows. */
    static TestDatabase ordersDatabase(int rows) throws SQLException {
        TestDatabase d = PostgresExtension.newDatabase();
        d.execute("create table orders (id bigint primary key)");
        d.execute("insert into orders select generate_series(1, " + rows + ")");
        d.execute("analyze orders");
        return d;
    }

    static BackupPolicy withDrill(BackupPolicy p, int maxConcurrent) {
        BackupPolicy.DrillRule d = p.drill();
        return new BackupPolicy(
                p.name(),
                p.selection(),
                p.slot(),
                p.retention(),
                p.copy(),
                p.share(),
                new BackupPolicy.DrillRule(
                        d.every(), maxConcurrent, d.kinds(), d.verify(), d.database(), d.rowTolerance(), d.minRows()),
                p.objectives());
    }
}
