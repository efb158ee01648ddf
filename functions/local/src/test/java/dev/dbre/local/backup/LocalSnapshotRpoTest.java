package dev.dbre.local.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.RpoMeasurement;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotService;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.BackupPolicy.DrillKind;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The local provider's snapshots complete before {@code createSnapshot} returns: the snapshot run
 * that made one measures the database's snapshot recovery point from it, not "none".
 */
class LocalSnapshotRpoTest {
    static final String POLICY = """
            name: rpo
            selection: {databases: [rpo], region: local}
            schedule: hourly
            retention: {hourly: 2}
            objectives: {rpo: 1h}
            """;

    @Test
    void aSnapshotCompletedByTheRun_isTheDatabasesSnapshotRecoveryPoint() throws Exception {
        BackupPolicy policy = BackupPolicyLoader.parse("rpo.yaml", POLICY);
        try (LocalSource source = LocalSource.start("rpo", false)) {
            SnapshotService service =
                    new SnapshotService((d, m) -> {}, null, RetryPolicy.DEFAULT, d -> {}, new Random(1));

            SnapshotRunSummary run = service.run(policy, source.provider, Clock.systemUTC(), false);

            assertThat(run.created()).as(run.toJson(false)).isEqualTo(1);
            RpoMeasurement snapshot = run.rpo().stream()
                    .filter(m -> m.kind() == DrillKind.SNAPSHOT)
                    .findFirst()
                    .orElseThrow();
            assertThat(snapshot.lag()).as(run.toJson(false)).isNotNull().isLessThan(Duration.ofMinutes(5));
            assertThat(snapshot.over()).isFalse();
            assertThat(run.overRpo()).isZero();
        }
    }
}
