package dev.dbre.restore;

import dev.dbre.db.ConnectionFactory;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Port: one cloud's (or the local runtime's) point-in-time restore. Implementations:
 * RestoreDBInstanceToPointInTime / RestoreDBClusterToPointInTime (+ its instance), Flexible Server
 * point-in-time restore, Cloud SQL clone, and the local provider (recovery of a base backup with
 * archived WAL to recovery_target_time, as a new server on its own port).
 *
 * <p>Calls may throw {@link dev.dbre.backup.ProviderException}.
 */
public interface RestoreProvider {
    /** The source and its restorable window, or empty if no such database. */
    Optional<RestoreSource> describeSource(String sourceId);

    /** True when a database named {@code name} already exists. */
    boolean nameTaken(String name);

    /**
     * Starts restoring {@code sourceId} to {@code targetTime} (null = latest restorable) as a new
     * database {@code newName}. Idempotent: if {@code newName} is already being restored from this
     * request, does nothing.
     *
     * @param overrides instance class, subnet group, security groups, parameter group, tags
     */
    void startRestore(String sourceId, Instant targetTime, String newName, Map<String, Object> overrides);

    /** Where the restore of {@code newName} stands. */
    RestoreProgress progress(String newName);

    /** Connections to the restored database {@code newName} (for verification queries). */
    ConnectionFactory connect(String newName, String database);

    /** Deletes the restored database {@code newName} (drills). Deleting one already gone is not an error. */
    void delete(String newName);
}
