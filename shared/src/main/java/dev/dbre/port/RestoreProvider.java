package dev.dbre.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Port: one cloud's (or the local runtime's) point-in-time restore, and restore from a snapshot.
 * Implementations: RestoreDBInstanceToPointInTime / RestoreDBClusterToPointInTime (+ its instance)
 * and RestoreDBInstanceFromDBSnapshot / RestoreDBClusterFromSnapshot, Flexible Server point-in-time
 * restore (no restore from a snapshot: refused), Cloud SQL clone and restoreBackup into a new
 * instance, and the local provider (recovery of a base backup with archived WAL to
 * recovery_target_time, or of one base backup to its consistent point, as a new server on its own
 * port).
 *
 * <p>Ownership: every database a provider creates carries the id of the run that created it
 * ({@link dev.dbre.restore.RestoredTags#TAG_RUN}, or the provider's equivalent). A provider never adopts, labels,
 * reports on or deletes a database with the run's name that does not carry that run's id.
 *
 * <p>Calls may throw {@link dev.dbre.port.ProviderException}, of a {@link dev.dbre.port.ProviderError}
 * kind the core decides on (retry or fail the run).
 */
public interface RestoreProvider {
    /** The source and its restorable window, or empty if no such database. */
    Optional<RestoreSource> describeSource(String sourceId);

    /** True when a database named {@code name} already exists. */
    boolean nameTaken(String name);

    /**
     * Starts restoring {@code sourceId} to {@code targetTime} (null = latest restorable) as a new
     * database {@code newName} tagged with {@code runId}. Idempotent for the same run: if a database
     * named {@code newName} carries {@code runId}, does nothing.
     *
     * @param overrides instance class, subnet group, security groups, parameter group, tags
     * @return a reference to the restore started, handed back in {@link RestoreTarget#startRef}
     *     (null when the tags alone identify it)
     * @throws dev.dbre.port.ProviderException ALREADY_EXISTS (code NameTaken) when a database named
     *     {@code newName} exists that this run did not create
     */
    String startRestore(UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides);

    /**
     * The snapshots of {@code sourceId} stored in {@code region} (null: the region this provider
     * restores in), of any status, ours and others': what a restore from a snapshot picks from.
     * Providers that implement {@link SnapshotProvider} answer with its {@link
     * SnapshotProvider#listSnapshots}.
     *
     * @throws ProviderException UNSUPPORTED when this provider cannot restore from a snapshot (the
     *     default; Flexible Server), with the reason and what to do instead
     */
    default List<Snapshot> snapshotsOf(String sourceId, String region) {
        throw snapshotRestoreUnsupported();
    }

    /**
     * Starts restoring {@code snapshot} (completed, picked at submit and recorded with the run) as a
     * new database {@code newName} tagged with {@code runId}: the snapshot's data as of its time, no
     * log replayed after it. Idempotent for the same run, owned and followed like {@link
     * #startRestore} ({@link #progress}, {@link #connect(RestoreTarget, String)}, {@link #delete}).
     *
     * @return a reference handed back in {@link RestoreTarget#startRef} (e.g. the region a copy is
     *     restored in), or null
     * @throws ProviderException ALREADY_EXISTS (code NameTaken) as {@link #startRestore};
     *     UNSUPPORTED when this provider cannot restore from a snapshot (the default)
     */
    default String startRestoreFromSnapshot(
            UUID runId, SnapshotRef snapshot, String newName, Map<String, Object> overrides) {
        throw snapshotRestoreUnsupported();
    }

    /**
     * The UNSUPPORTED refusal of a provider without restore from a snapshot; override to say why
     * and what to use instead.
     */
    default ProviderException snapshotRestoreUnsupported() {
        return new ProviderException(
                ProviderError.UNSUPPORTED,
                "SnapshotRestoreUnsupported",
                getClass().getSimpleName() + " cannot restore from a snapshot: use a point-in-time restore"
                        + " (targetTime or latest)",
                null);
    }

    /**
     * Where the restore of {@code target} stands: FAILED when the database with its name is not the
     * run's (it is then left as it is, never tagged or changed).
     */
    RestoreProgress progress(RestoreTarget target);

    /** Connections to the restored database {@code newName} (for verification queries). */
    ConnectionFactory connect(String newName, String database);

    /**
     * Connections to {@code target}'s restored database: as {@link #connect(String, String)}, for
     * providers whose restores can land elsewhere than their home region (a copy restored where it
     * is stored), which {@link RestoreTarget#startRef} tells.
     */
    default ConnectionFactory connect(RestoreTarget target, String database) {
        return connect(target.newName(), database);
    }

    /**
     * Deletes {@code target}'s database if, and only if, it is the run's (a drill's cleanup).
     *
     * @return what was found: DELETED (deleted or being deleted), ABSENT (nothing by that name), or
     *     NOT_OURS (a database with the name that this run did not create: left alone)
     */
    Deletion delete(RestoreTarget target);

    /** What {@link #delete} found. */
    enum Deletion {
        DELETED,
        ABSENT,
        NOT_OURS
    }
}
