package dev.dbre.port;

/**
 * The snapshot a restore starts from, as recorded with its run (so that a retried start restores
 * the same one): the provider's id, the database it was taken of, and where it is stored.
 *
 * @param id the provider's snapshot id (RDS/Aurora snapshot identifier, Cloud SQL snapshot id as
 *     {@link SnapshotProvider#listSnapshots} reports it, local snapshot folder name)
 * @param databaseId the database it was taken of (the restore's source)
 * @param region where it is stored: the home region, or a copy's region
 */
public record SnapshotRef(String id, String databaseId, String region) {
    /** The snapshot {@code s} refers to. */
    public static SnapshotRef of(Snapshot s) {
        return new SnapshotRef(s.id(), s.databaseId(), s.region());
    }
}
