package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SnapshotRunStoreTest {
    static final Instant T1 = Instant.parse("2026-11-23T22:10:00Z");

    static SimulatedSnapshotProvider provider(Clock clock) {
        return new SimulatedSnapshotProvider(clock)
                .addDatabase(SnapshotServiceTest.db("orders"))
                .addDatabase(SnapshotServiceTest.db("billing"))
                .addSnapshot(SnapshotServiceTest.old("orders", "2026-11-23T21:00:00Z"))
                .breakDatabase("billing");
    }

    static SnapshotService service(TestDatabase db) {
        return new SnapshotService(
                (d, m) -> {}, new SnapshotRunStore(db.connections()), RetryPolicy.DEFAULT, d -> {}, new Random(1));
    }

    @Test
    void aRun_writesOneRowPerDatabase_andTheViewShowsTheLatest(TestDatabase db) throws Exception {
        db.execute("truncate snapshot_runs");
        Clock first = Clock.fixed(T1, ZoneOffset.UTC);
        Clock second = Clock.fixed(T1.plus(Duration.ofHours(1)), ZoneOffset.UTC);
        SimulatedSnapshotProvider provider = provider(first);

        service(db).run(SnapshotServiceTest.policy(null), provider, first, false);
        provider.completeAll();
        service(db).run(SnapshotServiceTest.policy(null), provider, second, false);

        assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(4);
        assertThat(db.queryLong("select count(*) from snapshot_runs_latest")).isEqualTo(2);
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select database_id, region, run_at, slot_start, created, deleted,"
                        + " failures, failure_reasons, newest_snapshot_id, newest_snapshot_at"
                        + " from snapshot_runs_latest order by database_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("database_id")).isEqualTo("billing");
            assertThat(rs.getInt("failures")).isEqualTo(1);
            assertThat((String[]) rs.getArray("failure_reasons").getArray())
                    .singleElement()
                    .asString()
                    .contains("InvalidDBInstanceState");
            assertThat(rs.getString("newest_snapshot_id")).isNull();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("database_id")).isEqualTo("orders");
            assertThat(rs.getString("region")).isEqualTo("eu-west-1");
            assertThat(rs.getTimestamp("run_at").toInstant()).isEqualTo(T1.plus(Duration.ofHours(1)));
            assertThat(rs.getTimestamp("slot_start").toInstant()).isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
            assertThat(rs.getInt("created")).isEqualTo(1);
            assertThat(rs.getInt("failures")).isZero();
            // the first run's snapshot (taken at T1) completed in between: it is the newest now
            assertThat(rs.getString("newest_snapshot_id")).isEqualTo("dbre-orders-20261123-2200");
            assertThat(rs.getTimestamp("newest_snapshot_at").toInstant()).isEqualTo(T1);
        }
        assertThat(new SnapshotRunStore(db.connections()).newestSnapshotAt("gold", "orders", "eu-west-1"))
                .isEqualTo(T1);
    }

    @Test
    void writingTheSameRunTwice_keepsOneRowPerDatabase(TestDatabase db) throws Exception {
        db.execute("truncate snapshot_runs");
        Clock clock = Clock.fixed(T1, ZoneOffset.UTC);
        SnapshotRunSummary summary = service(db).run(SnapshotServiceTest.policy(null), provider(clock), clock, false);

        int rows = new SnapshotRunStore(db.connections()).record(summary);

        assertThat(rows).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from snapshot_runs")).isEqualTo(2);
    }

    @Test
    void aDryRun_writesNothing(TestDatabase db) throws Exception {
        db.execute("truncate snapshot_runs");
        Clock clock = Clock.fixed(T1, ZoneOffset.UTC);

        service(db).run(SnapshotServiceTest.policy(null), provider(clock), clock, true);

        assertThat(db.queryLong("select count(*) from snapshot_runs")).isZero();
    }

    @Test
    void anUnreachableDatabase_isAFailureOfTheRun_notAnException() {
        SnapshotService s = new SnapshotService(
                (d, m) -> {},
                new SnapshotRunStore(() -> {
                    throw new java.sql.SQLException("connection refused (simulated)", "08001");
                }),
                RetryPolicy.DEFAULT,
                d -> {},
                new Random(1));
        Clock clock = Clock.fixed(T1, ZoneOffset.UTC);

        SnapshotRunSummary summary = s.run(SnapshotServiceTest.policy(null), provider(clock), clock, false);

        assertThat(summary.failures())
                .singleElement()
                .asString()
                .startsWith("record the run in snapshot_runs: connection refused");
        assertThat(summary.created()).isEqualTo(1);
        assertThat(List.of(summary.ok())).containsExactly(false);
    }
}
