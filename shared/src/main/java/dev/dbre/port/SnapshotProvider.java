package dev.dbre.port;

import java.util.List;
import java.util.Map;

/**
 * Port: one cloud's (or the local runtime's) snapshots. Implementations: RDS/Aurora, Flexible
 * Server, Cloud SQL, local (base backup + archived WAL).
 *
 * <p>Every call may throw {@link ProviderException} of a {@link ProviderError} kind; the kinds that
 * are {@link ProviderError#retryable()} (throttling, a busy resource, a fault on the provider's
 * side) are retried by the executor with backoff and jitter (QUOTA_EXCEEDED is not: a count of
 * snapshots, not a rate). What every implementation must do is pinned down by {@code
 * SnapshotProviderContract} in this module's tests.
 */
public interface SnapshotProvider {
    /** Every database this provider can see in {@code region}, with its tags. */
    List<DatabaseRef> listDatabases(String region);

    /** Every snapshot of {@code databaseId} stored in {@code region} (ours and others'). */
    List<Snapshot> listSnapshots(String databaseId, String region);

    /**
     * Starts a snapshot named {@code name}. Idempotent: if a snapshot of that name exists already,
     * returns it rather than failing.
     */
    Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags);

    /**
     * Starts a copy of {@code source} into {@code targetRegion}, encrypted with {@code kmsKeyId}
     * when not null. Idempotent like {@link #createSnapshot}.
     */
    Snapshot copySnapshot(Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags);

    /** Shares {@code snapshot} with other accounts (no-op where the cloud has no such notion). */
    void shareSnapshot(Snapshot snapshot, List<String> accountIds);

    /** Deletes {@code snapshot}. Deleting one that is already gone is not an error. */
    void deleteSnapshot(Snapshot snapshot);

    /**
     * What in {@code policy} this provider cannot carry out, as {@code "field: why"}, or null when it
     * can do all of it. Checked before a run changes anything (e.g. Flexible Server has no
     * cross-region copy: {@code "copy: ..."}).
     */
    default String unsupported(BackupPolicy policy) {
        return null;
    }
}
