package dev.dbre.port;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot as a provider reports it.
 *
 * @param id the provider's snapshot identifier (our deterministic name for managed snapshots,
 *     {@code dbre-<db>-<UTC yyyymmdd-hhmm>})
 * @param databaseId the database it was taken of
 * @param region where it is stored
 * @param createdAt when it was started (the slot time for managed snapshots)
 * @param tags includes {@code dbre:managed-by=dbre} and {@code dbre:policy=<name>} for ours
 * @param sizeBytes size if the provider reports it, else -1
 */
public record Snapshot(
        String id,
        String databaseId,
        String region,
        Instant createdAt,
        SnapshotStatus status,
        Map<String, String> tags,
        long sizeBytes) {
    public static final String TAG_MANAGED_BY = "dbre:managed-by";
    public static final String MANAGED_BY_VALUE = "dbre";
    public static final String TAG_POLICY = "dbre:policy";
    /** The slot a managed snapshot belongs to, UTC {@code yyyyMMdd-HHmm} (copies carry their source's). */
    public static final String TAG_SLOT = "dbre:slot";
    /** On a managed copy: the source snapshot's id. */
    public static final String TAG_COPY_OF = "dbre:copy-of";
    /** On a managed copy: the source snapshot's region. */
    public static final String TAG_SOURCE_REGION = "dbre:source-region";

    public Snapshot {
        tags = Map.copyOf(tags);
    }

    /** True when this tool created it under {@code policy}: only such snapshots may be deleted. */
    public boolean managedBy(String policy) {
        return MANAGED_BY_VALUE.equals(tags.get(TAG_MANAGED_BY)) && policy.equals(tags.get(TAG_POLICY));
    }
}
