package dev.dbre.local.backup;

import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotStatus;
import java.time.Instant;
import java.util.Map;

/**
 * {@code manifest.json} of one local snapshot (a base backup). Times are the source server's
 * clock; {@code stopTime} is the earliest time this backup can be restored to.
 *
 * @param startWal the WAL segment holding the backup's start: replay needs it and every later one
 * @param copiedFrom the snapshot this one was copied from (another region), else null
 * @param failure why the backup failed, when {@code status} is FAILED
 */
record BackupManifest(
        String id,
        String databaseId,
        String region,
        Instant createdAt,
        SnapshotStatus status,
        Map<String, String> tags,
        long sizeBytes,
        String startLsn,
        String stopLsn,
        Instant startTime,
        Instant stopTime,
        String startWal,
        String copiedFrom,
        String failure) {
    BackupManifest {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** A backup just begun: CREATING, no size or WAL positions yet; {@code createdAt} null until known. */
    static BackupManifest creating(
            String id, String databaseId, String region, Instant createdAt, Map<String, String> tags) {
        return new BackupManifest(
                id,
                databaseId,
                region,
                createdAt,
                SnapshotStatus.CREATING,
                tags,
                -1,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    Snapshot toSnapshot() {
        return new Snapshot(id, databaseId, region, createdAt, status, tags, sizeBytes);
    }

    BackupManifest finished(
            long size, String startLsn, String stopLsn, Instant startTime, Instant stopTime, String startWal) {
        return new BackupManifest(
                id,
                databaseId,
                region,
                createdAt,
                SnapshotStatus.AVAILABLE,
                tags,
                size,
                startLsn,
                stopLsn,
                startTime,
                stopTime,
                startWal,
                copiedFrom,
                null);
    }

    BackupManifest failed(String reason) {
        return new BackupManifest(
                id,
                databaseId,
                region,
                createdAt,
                SnapshotStatus.FAILED,
                tags,
                sizeBytes,
                startLsn,
                stopLsn,
                startTime,
                stopTime,
                startWal,
                copiedFrom,
                reason);
    }
}
