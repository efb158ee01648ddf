package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dbre.port.ProviderError;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotRef;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.testing.ProviderErrors;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link RestoreProvider} keeps: each cloud adapter (over its real SDK
 * against its recorded-HTTP fake) and the local provider extend this class and arrange, outside the
 * port, what exists under the name {@link #restoreName()}. What it pins down is what a restore run
 * relies on: the source and its window are described, a taken name is seen, and ownership by run
 * id: a database with the name that the run did not create is never adopted, reported on as the
 * run's, or deleted, while the run's own is adopted on a repeated start, followed and deleted.
 */
public abstract class RestoreProviderContract {
    /** The run every test acts as. */
    protected static final UUID RUN = UUID.fromString("0b6d3c52-5f0e-4c1a-9a7e-2f4d8e1b7c10");

    /** The provider under test (fresh for each test, or holding nothing under the names below). */
    protected abstract RestoreProvider provider();

    /** A database the provider can restore from, with a restorable window. */
    protected abstract String sourceId();

    /** The name the tests restore to. */
    protected abstract String restoreName();

    /** Arranges that no database and no restore has the name {@code name}. */
    protected abstract void arrangeNothingNamed(String name);

    /** Arranges that {@link #restoreName()} is a database restored by run {@code runId}. */
    protected abstract void arrangeRestoredBy(UUID runId);

    /** Arranges that {@link #restoreName()} is a database no run of this tool created (made by hand). */
    protected abstract void arrangeForeignDatabase();

    /** Asserts that nothing was changed or deleted under {@link #restoreName()}. */
    protected abstract void assertLeftAlone();

    /**
     * A completed snapshot of {@link #sourceId()} in the home region, for the restore-from-snapshot
     * cases; null for a provider that cannot restore from a snapshot (it must then refuse both
     * calls as UNSUPPORTED, which is what is tested instead).
     */
    protected SnapshotRef snapshot() {
        return null;
    }

    private RestoreTarget target(UUID runId) {
        return new RestoreTarget(runId, restoreName(), null);
    }

    @Test
    void describeSource_ofTheSource_hasItsRestorableWindow() {
        RestoreSource s = provider().describeSource(sourceId()).orElseThrow();

        assertThat(s.database().id()).isEqualTo(sourceId());
        assertThat(s.window()).isNotNull();
        assertThat(s.window().earliest()).isBeforeOrEqualTo(s.window().latest());
    }

    @Test
    void describeSource_ofNothing_isEmpty() {
        arrangeNothingNamed("no-such-db");

        assertThat(provider().describeSource("no-such-db")).isEmpty();
    }

    @Test
    void nameTaken_isFalseForAFreeName() {
        arrangeNothingNamed(restoreName());

        assertThat(provider().nameTaken(restoreName())).isFalse();
    }

    @Test
    void nameTaken_isTrueForAnyDatabaseWithTheName() {
        arrangeForeignDatabase();

        assertThat(provider().nameTaken(restoreName())).isTrue();
    }

    @Test
    void startRestore_onAFreeName_starts() {
        arrangeNothingNamed(restoreName());

        assertThatCode(() -> provider().startRestore(RUN, sourceId(), null, restoreName(), Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void startRestore_overADatabaseTheRunDidNotCreate_isAlreadyExists_andLeavesItAlone() {
        arrangeForeignDatabase();

        ProviderErrors.assertProviderErrorKind(
                        () -> provider().startRestore(RUN, sourceId(), null, restoreName(), Map.of()),
                        ProviderError.ALREADY_EXISTS)
                .hasMessageContaining(restoreName());
        assertLeftAlone();
    }

    @Test
    void startRestore_overAnotherRunsRestore_isAlreadyExists() {
        arrangeRestoredBy(UUID.randomUUID());

        ProviderErrors.assertProviderErrorKind(
                () -> provider().startRestore(RUN, sourceId(), null, restoreName(), Map.of()),
                ProviderError.ALREADY_EXISTS);
        assertLeftAlone();
    }

    @Test
    void progress_ofADatabaseTheRunDidNotCreate_isFailed_andLeavesItAlone() {
        arrangeForeignDatabase();

        RestoreProgress p = provider().progress(target(RUN));

        assertThat(p.state()).isEqualTo(RestoreProgress.State.FAILED);
        assertThat(p.detail()).contains(restoreName());
        assertLeftAlone();
    }

    @Test
    void delete_ofADatabaseTheRunDidNotCreate_isNotOurs_andLeavesItAlone() {
        arrangeForeignDatabase();

        assertThat(provider().delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertLeftAlone();
    }

    @Test
    void delete_ofAnotherRunsRestore_isNotOurs() {
        arrangeRestoredBy(UUID.randomUUID());

        assertThat(provider().delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.NOT_OURS);
        assertLeftAlone();
    }

    @Test
    void delete_ofNothing_isAbsent() {
        arrangeNothingNamed(restoreName());

        assertThat(provider().delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.ABSENT);
    }

    @Test
    void theRunsOwnRestore_isAdoptedOnARepeatedStart_followed_andDeleted() {
        arrangeRestoredBy(RUN);

        assertThatCode(() -> provider().startRestore(RUN, sourceId(), null, restoreName(), Map.of()))
                .doesNotThrowAnyException();
        assertThat(provider().progress(target(RUN)).state()).isNotEqualTo(RestoreProgress.State.FAILED);
        assertThat(provider().delete(target(RUN))).isEqualTo(RestoreProvider.Deletion.DELETED);
    }

    @Test
    void snapshotsOf_theSource_listsItsCompletedSnapshot() {
        SnapshotRef snap = snapshot();
        assumeTrue(snap != null, "this provider cannot restore from a snapshot (refusal tested instead)");

        assertThat(provider().snapshotsOf(sourceId(), null))
                .filteredOn(s -> s.id().equals(snap.id()))
                .singleElement()
                .extracting(Snapshot::status, Snapshot::region)
                .containsExactly(SnapshotStatus.AVAILABLE, snap.region());
    }

    @Test
    void startRestoreFromSnapshot_onAFreeName_starts() {
        SnapshotRef snap = snapshot();
        assumeTrue(snap != null, "this provider cannot restore from a snapshot (refusal tested instead)");
        arrangeNothingNamed(restoreName());

        assertThatCode(() -> provider().startRestoreFromSnapshot(RUN, snap, restoreName(), Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void startRestoreFromSnapshot_overADatabaseTheRunDidNotCreate_isAlreadyExists_andLeavesItAlone() {
        SnapshotRef snap = snapshot();
        assumeTrue(snap != null, "this provider cannot restore from a snapshot (refusal tested instead)");
        arrangeForeignDatabase();

        ProviderErrors.assertProviderErrorKind(
                        () -> provider().startRestoreFromSnapshot(RUN, snap, restoreName(), Map.of()),
                        ProviderError.ALREADY_EXISTS)
                .hasMessageContaining(restoreName());
        assertLeftAlone();
    }

    @Test
    void snapshotRestore_whereTheProviderCannot_isRefusedAsUnsupported_pointingToPointInTime() {
        assumeTrue(snapshot() == null, "this provider restores from snapshots (tested above)");
        arrangeNothingNamed(restoreName());

        ProviderErrors.assertProviderErrorKind(
                        () -> provider().snapshotsOf(sourceId(), null), ProviderError.UNSUPPORTED)
                .hasMessageContaining("point-in-time");
        ProviderErrors.assertProviderErrorKind(
                () -> provider()
                        .startRestoreFromSnapshot(
                                RUN, new SnapshotRef("any", sourceId(), null), restoreName(), Map.of()),
                ProviderError.UNSUPPORTED);
    }
}
