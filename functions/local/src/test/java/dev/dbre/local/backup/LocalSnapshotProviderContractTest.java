package dev.dbre.local.backup;

import dev.dbre.backup.BackupPlanner;
import dev.dbre.backup.SnapshotProviderContract;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The snapshot contract against the real local provider: base backups of an embedded server. */
class LocalSnapshotProviderContractTest extends SnapshotProviderContract {
    private static final String DB = "pg-contract";
    private static final String OURS = "dbre-pg-contract-20261122-2200";
    private static final String OTHERS = "manual-before-upgrade";
    private static final String NEW = "dbre-pg-contract-20261123-2300";

    static LocalSource src;
    static DatabaseRef tagged;

    @BeforeAll
    static void start() {
        src = LocalSource.start(DB, false);
        tagged = new DatabaseRef(
                DB, LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(SELECTION_TAG, POLICY), false);
        src.provider.detach(DB);
        src.provider.attach(tagged, src.server);
        src.provider.createSnapshot(tagged, OTHERS, Map.of());
    }

    @AfterAll
    static void stop() {
        src.close();
    }

    /** Ours again when a test deleted it (create is idempotent: a no-op when it exists). */
    @BeforeEach
    void ours() {
        BackupPolicy policy = policy(new Retention(1, 0, 0, 0, 0, 0, null));
        src.provider.createSnapshot(
                tagged, OURS, BackupPlanner.createTags(policy, Instant.parse("2026-11-22T22:00:00Z")));
    }

    @AfterEach
    void dropNew() {
        src.provider.deleteSnapshot(new Snapshot(
                NEW, DB, LocalBackupProvider.REGION, Instant.EPOCH, SnapshotStatus.AVAILABLE, Map.of(), -1));
    }

    @Override
    protected SnapshotProvider provider() {
        return src.provider;
    }

    @Override
    protected DatabaseRef database() {
        return tagged;
    }

    @Override
    protected String ourSnapshot() {
        return OURS;
    }

    @Override
    protected String othersSnapshot() {
        return OTHERS;
    }

    @Override
    protected String newSnapshotName() {
        return NEW;
    }

    @Override
    protected String goneSnapshotName() {
        return "dbre-pg-contract-20261001-0000";
    }

    @Override
    protected String unknownDatabaseId() {
        return "pg-not-attached";
    }
}
