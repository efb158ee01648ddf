package dev.dbre.backup;

import dev.dbre.port.Snapshot;

/**
 * One change the planner wants.
 *
 * @param type what to do
 * @param databaseId the database the snapshot belongs to
 * @param region where the change happens (the copy region for COPY)
 * @param snapshotId the snapshot to create, copy into, share or delete
 * @param subject the existing snapshot acted on: the source of a COPY, the snapshot to SHARE or
 *     DELETE; null for CREATE
 * @param reason why, in words
 */
public record PlannedAction(
        Type type, String databaseId, String region, String snapshotId, Snapshot subject, String reason) {
    public enum Type {
        CREATE,
        COPY,
        SHARE,
        DELETE
    }

    /** {@code create  db-1  dbre-db-1-20261123-2200  us-east-1  (reason)}. */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%-6s %s %s in %s: %s",
                type.name().toLowerCase(java.util.Locale.ROOT),
                databaseId,
                snapshotId,
                region,
                reason);
    }
}
