package dev.dbre.local.backup;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code restore.json} of one restored server: what it was restored from, and where it stands, so
 * a later process can resume it (start it again on its data directory) or delete it.
 *
 * @param targetTime null when restored to the latest archived WAL
 * @param status COPYING, STARTED or FAILED
 * @param port the server's port once started, else 0
 * @param runId the restore run that created the server (the local provider's run-id tag): only that
 *     run adopts, reports on or deletes it; null in records from before run ids (no run's)
 * @param snapshotOnly true when the snapshot {@code snapshotId} was restored alone (to its
 *     consistent point, no WAL after it); false for a point-in-time restore (and in older records)
 */
record RestoreRecord(
        String name,
        String sourceId,
        String snapshotId,
        Instant targetTime,
        String status,
        int port,
        String failure,
        UUID runId,
        boolean snapshotOnly) {
    static final String COPYING = "COPYING";
    static final String STARTED = "STARTED";
    static final String FAILED = "FAILED";

    RestoreRecord with(String newStatus, int newPort, String newFailure) {
        return new RestoreRecord(
                name, sourceId, snapshotId, targetTime, newStatus, newPort, newFailure, runId, snapshotOnly);
    }

    /** True when run {@code id} created this server. */
    boolean createdBy(UUID id) {
        return id.equals(runId);
    }
}
