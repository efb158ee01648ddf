package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotService;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Snapshot;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreService;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fleet drills end to end on the local provider: two real databases snapshotted at different times;
 * the ticks drill them one at a time (maxConcurrent 1), record each drill's kind and recovery time,
 * and a week later pick the one whose verified drill is older; a snapshot run measures each
 * database's recovery points and flags the one past the policy's RPO. Time moves on a clock the
 * services take, not by waiting.
 */
@ExtendWith(PostgresExtension.class)
class LocalFleetDrillEndToEndTest {
    static final String POLICY = """
            name: fleet
            selection: {databases: [alpha, beta], region: local}
            schedule: hourly
            retention: {hourly: 24, keepAtLeast: 1}
            drill:
              every: 7d
              maxConcurrent: 1
              kinds: [pitr]
              minRows: 100
              verify: [{name: orders, sql: "select count(*) from orders", expect: {atLeast: 1500}}]
            objectives: {rpo: 1h, rto: 4h}
            """;

    static LocalSource alpha;
    static LocalPostgres betaServer;
    static DatabaseRef beta;

    @BeforeAll
    static void twoDatabases() throws Exception {
        alpha = LocalSource.start("alpha", false);
        betaServer = LocalPostgres.start(
                alpha.provider.baseDir().resolveSibling("beta-source"), 0, LocalBackupProvider.ARCHIVING);
        beta = new DatabaseRef("beta", LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(), false);
        alpha.provider.attach(beta, betaServer);
        alpha.execute("create table orders (id int primary key)");
        alpha.execute("insert into orders select generate_series(1, 2000)");
        alpha.execute("analyze orders");
        execute(betaServer, "create table orders (id int primary key)");
        execute(betaServer, "insert into orders select generate_series(1, 1500)");
        execute(betaServer, "analyze orders");
        Map<String, String> ours =
                Map.of(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE, Snapshot.TAG_POLICY, "fleet");
        alpha.provider.createSnapshot(alpha.ref, "alpha-base", ours);
        alpha.execute("insert into orders select generate_series(2001, 2100)");
        alpha.provider.createSnapshot(beta, "beta-base", ours);
    }

    @AfterAll
    static void stop() {
        alpha.close();
        betaServer.close();
    }

    @Test
    void ticksDrillOneDatabaseAtATime_thenTheOldestVerified_andAnRpoBreachIsFlagged(TestDatabase state)
            throws Exception {
        BackupPolicy policy = BackupPolicyLoader.parse("fleet.yaml", POLICY);
        MutableClock clock = new MutableClock(Instant.now());
        List<String> metrics = new ArrayList<>();
        RestoreService service = new RestoreService(alpha.provider, state.connections(), (d, m) -> {});
        FleetDrills fleet = new FleetDrills(
                service,
                alpha.provider,
                (ref, database) -> JdbcConnectionFactory.of(
                        (ref.id().equals("alpha") ? alpha.server : betaServer).jdbcUrl(database), "postgres", null),
                state.connections(),
                (d, m) -> m.forEach(x -> metrics.add(x.name())));

        List<String> order = new ArrayList<>();
        order.addAll(drillUntilIdle(fleet, policy, clock));
        order.addAll(drillUntilIdle(fleet, policy, clock));
        assertThat(drillUntilIdle(fleet, policy, clock))
                .as("both verified within 7 days")
                .isEmpty();

        // Never drilled first (alpha, then beta by id); a week on, alpha's verified drill is the older.
        clock.advance(Duration.ofDays(7));
        order.addAll(drillUntilIdle(fleet, policy, clock));
        assertThat(order).containsExactly("alpha", "beta", "alpha");
        assertThat(state.queryLong("select count(*) from drill_results where outcome = 'VERIFIED'"
                        + " and state = 'CLEANED_UP' and kind = 'pitr' and recovery_seconds > 0 and not over_rto"))
                .isEqualTo(3);
        assertThat(state.queryLong("select count(*) from restore_runs r join drill_runs d using (run_id)"
                        + " where r.verification::text like '%row estimates match the source%all within%'"))
                .isEqualTo(3);
        assertThat(metrics).doesNotContain(MetricNames.DRILL_FAILURES, MetricNames.DRILLS_OVER_RTO);

        // Two hours after beta's snapshot, with an RPO of one hour: the newest snapshot is too old.
        List<Metric> published = new ArrayList<>();
        SnapshotService snapshots = new SnapshotService(
                (d, m) -> published.addAll(m),
                new SnapshotRunStore(state.connections()),
                RetryPolicy.DEFAULT,
                d -> {},
                new Random(1));
        MutableClock later = new MutableClock(Instant.now().plus(Duration.ofHours(2)));
        SnapshotRunSummary run = snapshots.run(policy, alpha.provider, later, false);

        assertThat(run.overRpo()).as(run.toJson(false)).isPositive();
        assertThat(state.queryLong("select count(*) from rpo_latest where kind = 'snapshot' and over"
                        + " and lag_seconds > 3600 and objective_seconds = 3600"))
                .isEqualTo(2);
        assertThat(state.queryLong("select count(*) from rpo_latest where kind = 'pitr'"))
                .isEqualTo(2);
        assertThat(published.stream().map(Metric::name).collect(Collectors.toSet()))
                .contains(MetricNames.BACKUPS_OVER_RPO, MetricNames.BACKUP_RPO_SECONDS);
    }

    /** Ticks (a minute of the clock apart) until no fleet drill runs; the databases drilled, in order. */
    static List<String> drillUntilIdle(FleetDrills fleet, BackupPolicy policy, MutableClock clock) throws Exception {
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            FleetDrills.TickResult r = fleet.tick(List.of(policy), clock, Duration.ofMinutes(1));
            assertThat(r.failures()).isEmpty();
            r.started().forEach(p -> started.add(p.database().id()));
            if (r.advanced().stream().allMatch(run -> run.finished())) {
                return started;
            }
            clock.advance(Duration.ofMinutes(1));
            Thread.sleep(100);
        }
        throw new AssertionError("the drills did not finish");
    }

    static void execute(LocalPostgres server, String sql) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
