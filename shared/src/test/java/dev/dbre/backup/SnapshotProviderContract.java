package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.dbre.port.BackupPolicy;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.Retention;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.testing.ProviderErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link SnapshotProvider} keeps: each cloud adapter (over its real SDK
 * against its recorded-HTTP fake) and the local provider extend this class and arrange, outside the
 * port, one database with one snapshot of ours and one that is not. What it pins down is what the
 * snapshot run relies on: databases are listed with their tags, snapshots with whose they are
 * (so retention only ever plans to delete ours), create is idempotent by name, deleting what is
 * gone is not an error, and failures are typed ({@link ProviderError}).
 */
public abstract class SnapshotProviderContract {
    /** The policy every fixture's snapshots of ours belong to. */
    protected static final String POLICY = "gold";

    protected static final String SELECTION_TAG = "dbre:backup-policy";

    /** The provider under test, with the world below arranged (fresh for each test). */
    protected abstract SnapshotProvider provider();

    /**
     * The database the provider lists, with (at least) these tags, {@link #SELECTION_TAG}={@link
     * #POLICY} among them.
     */
    protected abstract DatabaseRef database();

    /** A snapshot of {@link #database()} this tool made for {@link #POLICY}, AVAILABLE. */
    protected abstract String ourSnapshot();

    /** A snapshot of {@link #database()} that is not ours (automated, or made by hand). */
    protected abstract String othersSnapshot();

    /** A name no snapshot has yet: creating it starts a new snapshot. */
    protected abstract String newSnapshotName();

    /** A snapshot of {@link #database()} that no longer exists. */
    protected abstract String goneSnapshotName();

    /** A database id the provider does not know. */
    protected abstract String unknownDatabaseId();

    /**
     * Arranges that the provider's next listing of databases is refused by a rate limit.
     *
     * @return false when the provider has no rate limit (the test is skipped)
     */
    protected boolean arrangeThrottledListing() {
        return false;
    }

    /**
     * Arranges that creating {@link #newSnapshotName()} meets the provider's snapshot quota.
     *
     * @return false when the provider has no such quota (the test is skipped)
     */
    protected boolean arrangeSnapshotQuota() {
        return false;
    }

    /** The policy: {@link #POLICY}, selecting by tag in the database's region. */
    protected BackupPolicy policy(Retention retention) {
        return new BackupPolicy(
                POLICY,
                new BackupPolicy.Selection(List.of(database().region()), SELECTION_TAG, POLICY, List.of()),
                Duration.ofHours(1),
                retention,
                null,
                null);
    }

    private Snapshot listed(String id) {
        return provider().listSnapshots(database().id(), database().region()).stream()
                .filter(s -> s.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("snapshot " + id + " is not listed"));
    }

    @Test
    void listDatabases_findsTheDatabaseWithItsTags() {
        DatabaseRef want = database();

        List<DatabaseRef> dbs = provider().listDatabases(want.region());

        assertThat(dbs)
                .filteredOn(d -> d.id().equals(want.id()))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.region()).isEqualTo(want.region());
                    assertThat(d.kind()).isEqualTo(want.kind());
                    assertThat(d.tags()).containsAllEntriesOf(want.tags()).containsEntry(SELECTION_TAG, POLICY);
                });
    }

    @Test
    void listSnapshots_tellsOursFromOthers_andNamesTheirDatabaseAndRegion() {
        List<Snapshot> snapshots =
                provider().listSnapshots(database().id(), database().region());

        assertThat(snapshots).extracting(Snapshot::id).contains(ourSnapshot(), othersSnapshot());
        assertThat(snapshots)
                .allSatisfy(s -> assertThat(List.of(s.databaseId(), s.region()))
                        .containsExactly(database().id(), database().region()));
        Snapshot ours = listed(ourSnapshot());
        assertThat(ours.managedBy(POLICY)).isTrue();
        assertThat(ours.status()).isEqualTo(SnapshotStatus.AVAILABLE);
        assertThat(listed(othersSnapshot()).managedBy(POLICY)).isFalse();
    }

    @Test
    void retention_weighsOursOnly_andKeepsOthersAsNotManaged() {
        Snapshot ours = listed(ourSnapshot());
        Clock muchLater = Clock.fixed(ours.createdAt().plus(Duration.ofDays(30)), ZoneOffset.UTC);
        SnapshotService dryRun = new SnapshotService(
                (d, m) -> {}, null, new RetryPolicy(1, Duration.ZERO, Duration.ZERO), x -> {}, new Random(1));

        SnapshotRunSummary s =
                dryRun.run(policy(new Retention(1, 0, 0, 0, 0, 0, Duration.ofDays(1))), provider(), muchLater, true);

        assertThat(s.failures()).isEmpty();
        DatabasePlan plan = s.plan().databases().stream()
                .filter(p -> p.database().id().equals(database().id()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no plan for " + database().id() + ": " + s.toJson(false)));
        List<String> deleted = plan.actions().stream()
                .filter(a -> a.type() == PlannedAction.Type.DELETE)
                .map(PlannedAction::snapshotId)
                .toList();
        assertThat(deleted).doesNotContain(othersSnapshot());
        assertThat(reasons(plan, othersSnapshot())).contains(KeepReason.Kind.NOT_MANAGED);
        // Ours is weighed by retention: deleted, or kept for a retention reason (not as someone else's).
        if (!deleted.contains(ourSnapshot())) {
            assertThat(reasons(plan, ourSnapshot())).isNotEmpty().doesNotContain(KeepReason.Kind.NOT_MANAGED);
        }
    }

    private static List<KeepReason.Kind> reasons(DatabasePlan plan, String snapshotId) {
        return plan.kept().stream()
                .filter(k -> k.snapshot().id().equals(snapshotId))
                .flatMap(k -> k.reasons().stream())
                .map(KeepReason::kind)
                .toList();
    }

    @Test
    void createSnapshot_carriesItsNameAndOurTags() {
        Map<String, String> tags = BackupPlanner.createTags(policy(new Retention(1, 0, 0, 0, 0, 0, null)), slot());

        Snapshot s = provider().createSnapshot(database(), newSnapshotName(), tags);

        assertThat(s.id()).isEqualTo(newSnapshotName());
        assertThat(s.databaseId()).isEqualTo(database().id());
        assertThat(s.region()).isEqualTo(database().region());
        assertThat(s.managedBy(POLICY)).isTrue();
        assertThat(s.status()).isNotIn(SnapshotStatus.FAILED, SnapshotStatus.DELETING);
    }

    @Test
    void createSnapshot_underANameThatExists_returnsTheExistingSnapshot() {
        Map<String, String> tags = BackupPlanner.createTags(policy(new Retention(1, 0, 0, 0, 0, 0, null)), slot());

        Snapshot s = provider().createSnapshot(database(), ourSnapshot(), tags);

        assertThat(s.id()).isEqualTo(ourSnapshot());
        assertThat(s.status()).isEqualTo(SnapshotStatus.AVAILABLE);
    }

    @Test
    void createSnapshot_ofAnUnknownDatabase_isNotFound() {
        DatabaseRef unknown = new DatabaseRef(
                unknownDatabaseId(),
                database().kind(),
                database().region(),
                database().tags(),
                false);

        ProviderErrors.assertProviderErrorKind(
                () -> provider().createSnapshot(unknown, newSnapshotName(), Map.of()), ProviderError.NOT_FOUND);
    }

    @Test
    void deleteSnapshot_ofOurs_succeeds_andOfOneAlreadyGone_isNotAnError() {
        Snapshot ours = listed(ourSnapshot());
        Snapshot gone = new Snapshot(
                goneSnapshotName(),
                database().id(),
                database().region(),
                ours.createdAt(),
                SnapshotStatus.AVAILABLE,
                ours.tags(),
                -1);

        assertThatCode(() -> provider().deleteSnapshot(ours)).doesNotThrowAnyException();
        assertThatCode(() -> provider().deleteSnapshot(gone)).doesNotThrowAnyException();
    }

    @Test
    void aRateLimit_isThrottled_andRetryable() {
        assumeThat(arrangeThrottledListing())
                .as("the provider has a rate limit")
                .isTrue();

        ProviderErrors.assertProviderErrorKind(
                () -> provider().listDatabases(database().region()), ProviderError.THROTTLED);
    }

    @Test
    void theSnapshotQuota_isQuotaExceeded_andNotRetryable() {
        assumeThat(arrangeSnapshotQuota())
                .as("the provider has a snapshot quota")
                .isTrue();
        Map<String, String> tags = BackupPlanner.createTags(policy(new Retention(1, 0, 0, 0, 0, 0, null)), slot());

        ProviderErrors.assertProviderErrorKind(
                () -> provider().createSnapshot(database(), newSnapshotName(), tags), ProviderError.QUOTA_EXCEEDED);
    }

    @Test
    void aCopyOrShareTheProviderCannotDo_isSaidBeforeTheRun_andRefusedAsUnsupported() {
        BackupPolicy copying = new BackupPolicy(
                POLICY,
                policy(null).selection(),
                Duration.ofHours(1),
                new Retention(1, 0, 0, 0, 0, 0, null),
                new BackupPolicy.CopyRule("elsewhere-1", null, null),
                null);
        assumeThat(provider().unsupported(copying))
                .as("the provider cannot copy")
                .isNotNull();
        Snapshot ours = listed(ourSnapshot());

        ProviderErrors.assertProviderErrorKind(
                () -> provider().copySnapshot(ours, "elsewhere-1", null, ourSnapshot(), Map.of()),
                ProviderError.UNSUPPORTED);
    }

    /** The slot a new snapshot is for (its tag); any time works. */
    private static Instant slot() {
        return Instant.parse("2026-11-23T23:00:00Z");
    }
}
