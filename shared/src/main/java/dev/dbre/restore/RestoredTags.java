package dev.dbre.restore;

import dev.dbre.backup.ProviderException;
import dev.dbre.backup.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tags (labels) every cloud provider puts on a database it restores: they make a repeated start
 * recognisable (idempotency) and guard deletion: a provider deletes only a database that carries
 * {@code dbre:managed-by=dbre} and {@code dbre:restored-from}, never one it did not restore.
 */
public final class RestoredTags {
    public static final String TAG_RESTORED_FROM = "dbre:restored-from";

    private RestoredTags() {}

    /** The user's tags plus ours (ours win). */
    public static Map<String, String> of(String sourceId, Map<String, String> userTags) {
        Map<String, String> tags = new LinkedHashMap<>(userTags);
        tags.put(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE);
        tags.put(TAG_RESTORED_FROM, sourceId);
        return tags;
    }

    /** True when {@code tags} say this tool restored the database from {@code sourceId}. */
    public static boolean restoredFrom(Map<String, String> tags, String sourceId) {
        return isRestored(tags) && sourceId.equals(tags.get(TAG_RESTORED_FROM));
    }

    /** True when {@code tags} say this tool restored the database (so it may delete it). */
    public static boolean isRestored(Map<String, String> tags) {
        return Snapshot.MANAGED_BY_VALUE.equals(tags.get(Snapshot.TAG_MANAGED_BY))
                && tags.get(TAG_RESTORED_FROM) != null;
    }

    /**
     * Refuses to delete {@code name} unless {@code tags} say this tool restored it.
     *
     * @param marker how the provider names the missing mark in the error, e.g. "dbre:restored-from tag"
     * @throws ProviderException NotManaged (not retryable) when the database was not restored by dbre
     */
    public static void requireRestored(Map<String, String> tags, String name, String marker) {
        if (!isRestored(tags)) {
            throw new ProviderException(
                    "NotManaged",
                    name + " was not restored by dbre (no " + marker + "): refusing to delete it",
                    false,
                    null);
        }
    }
}
