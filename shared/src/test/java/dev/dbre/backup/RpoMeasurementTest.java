package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.BackupPolicy.DrillKind;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class RpoMeasurementTest {
    static final Instant NOW = Instant.parse("2026-11-23T22:10:00Z");
    static final BackupPolicy.Objectives ONE_HOUR = new BackupPolicy.Objectives(Duration.ofHours(1), null);

    static BackupPolicy policy(BackupPolicy.CopyRule copy, BackupPolicy.Objectives objectives) {
        BackupPolicy p = SnapshotServiceTest.policy(copy);
        return new BackupPolicy(
                p.name(), p.selection(), p.slot(), p.retention(), p.copy(), p.share(), null, objectives);
    }

    static DatabaseOutcome outcome(Snapshot newest, Snapshot newestCopy) {
        return new DatabaseOutcome("orders", "eu-west-1", 0, 0, 0, 0, List.of(), newest, newestCopy);
    }

    @Test
    void lagIsNowMinusTheRecoveryPoint_overWhenPastTheObjective_orMissing() {
        BackupPolicy p = policy(new BackupPolicy.CopyRule("eu-central-1", null, null), ONE_HOUR);
        RestoreWindow window = new RestoreWindow(NOW.minus(Duration.ofDays(3)), NOW.minus(Duration.ofMinutes(5)));

        List<RpoMeasurement> m = RpoMeasurement.of(
                NOW, p, outcome(SnapshotServiceTest.old("orders", "2026-11-23T19:00:00Z"), null), true, window);

        assertThat(m)
                .extracting(RpoMeasurement::kind, RpoMeasurement::lag, RpoMeasurement::over)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DrillKind.PITR, Duration.ofMinutes(5), false),
                        org.assertj.core.groups.Tuple.tuple(DrillKind.SNAPSHOT, Duration.ofMinutes(190), true),
                        org.assertj.core.groups.Tuple.tuple(DrillKind.COPY, null, true));
        assertThat(m.get(2).region()).isEqualTo("eu-central-1");
    }

    @Test
    void withoutAnObjective_nothingIsOver_andPitrIsOnlyMeasuredWhereTheProviderRestores() {
        List<RpoMeasurement> m = RpoMeasurement.of(NOW, policy(null, null), outcome(null, null), false, null);

        assertThat(m).singleElement().satisfies(x -> {
            assertThat(x.kind()).isEqualTo(DrillKind.SNAPSHOT);
            assertThat(x.lag()).isNull();
            assertThat(x.over()).isFalse();
        });
    }

    @Test
    void aSnapshotRun_recordsTheRecoveryPoints_flagsTheBreach_andPublishesThem(TestDatabase db) throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        SimulatedSnapshotProvider snapshots = new SimulatedSnapshotProvider(clock)
                .addDatabase(SnapshotServiceTest.db("orders"))
                .addSnapshot(SnapshotServiceTest.old("orders", "2026-11-23T20:00:00Z"));
        WithWindows provider = new WithWindows(snapshots)
                .window("orders", new RestoreWindow(NOW.minus(Duration.ofDays(1)), NOW.minus(Duration.ofMinutes(4))));
        List<Map<String, String>> dims = new ArrayList<>();
        List<Metric> published = new ArrayList<>();
        SnapshotService service = new SnapshotService(
                (d, m) -> {
                    dims.add(d);
                    published.addAll(m);
                },
                new SnapshotRunStore(db.connections()),
                RetryPolicy.DEFAULT,
                d -> {},
                new Random(1));

        SnapshotRunSummary s = service.run(policy(null, ONE_HOUR), provider, clock, false);

        assertThat(s.overRpo()).isEqualTo(1);
        assertThat(s.toJson(false)).contains("\"overRpo\":1", "\"kind\":\"snapshot\"", "\"lagSeconds\":7800.0");
        assertThat(db.queryLong("select count(*) from rpo_latest where database_id = 'orders' and kind = 'snapshot'"
                        + " and over and lag_seconds = 7800 and objective_seconds = 3600"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from rpo_latest where database_id = 'orders' and kind = 'pitr'"
                        + " and not over and lag_seconds = 240"))
                .isEqualTo(1);
        assertThat(published)
                .contains(
                        Metric.count(MetricNames.BACKUPS_OVER_RPO, 1),
                        new Metric(MetricNames.BACKUP_RPO_SECONDS, 240.0, "Seconds"));
        assertThat(dims).anySatisfy(d -> assertThat(d).containsEntry("database", "orders"));
    }

    /** A snapshot provider that also restores: the clouds' and the local provider's shape. */
    static final class WithWindows implements SnapshotProvider, RestoreProvider {
        private final SimulatedSnapshotProvider snapshots;
        private final Map<String, RestoreWindow> windows = new HashMap<>();

        WithWindows(SimulatedSnapshotProvider snapshots) {
            this.snapshots = snapshots;
        }

        WithWindows window(String id, RestoreWindow w) {
            windows.put(id, w);
            return this;
        }

        @Override
        public List<DatabaseRef> listDatabases(String region) {
            return snapshots.listDatabases(region);
        }

        @Override
        public List<Snapshot> listSnapshots(String databaseId, String region) {
            return snapshots.listSnapshots(databaseId, region);
        }

        @Override
        public Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
            return snapshots.createSnapshot(database, name, tags);
        }

        @Override
        public Snapshot copySnapshot(
                Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
            return snapshots.copySnapshot(source, targetRegion, kmsKeyId, name, tags);
        }

        @Override
        public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
            snapshots.shareSnapshot(snapshot, accountIds);
        }

        @Override
        public void deleteSnapshot(Snapshot snapshot) {
            snapshots.deleteSnapshot(snapshot);
        }

        @Override
        public Optional<RestoreSource> describeSource(String sourceId) {
            return Optional.of(new RestoreSource(SnapshotServiceTest.db(sourceId), windows.get(sourceId)));
        }

        @Override
        public boolean nameTaken(String name) {
            throw new UnsupportedOperationException("not restored here");
        }

        @Override
        public String startRestore(
                UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
            throw new UnsupportedOperationException("not restored here");
        }

        @Override
        public RestoreProgress progress(RestoreTarget target) {
            throw new UnsupportedOperationException("not restored here");
        }

        @Override
        public ConnectionFactory connect(String newName, String database) {
            throw new UnsupportedOperationException("not restored here");
        }

        @Override
        public Deletion delete(RestoreTarget target) {
            throw new UnsupportedOperationException("not restored here");
        }
    }
}
