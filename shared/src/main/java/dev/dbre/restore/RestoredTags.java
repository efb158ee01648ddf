package dev.dbre.restore;

import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Tags (labels) every cloud provider puts on a database it restores. The run id decides ownership:
 * a provider adopts an existing database (a repeated start) and deletes one only when it carries
 * {@code dbre:restore-run=<this run's id>}. "Restored by dbre" is not enough: another run, a kept
 * restore or a hand-made database may use the same name, and none of those is this run's to touch.
 */
public final class RestoredTags {
    public static final String TAG_RESTORED_FROM = "dbre:restored-from";
    /** The id of the restore run that created the database. */
    public static final String TAG_RUN = "dbre:restore-run";

    private RestoredTags() {}

    /** The user's tags plus ours (ours win). */
    public static Map<String, String> of(String sourceId, UUID runId, Map<String, String> userTags) {
        Map<String, String> tags = new LinkedHashMap<>(userTags);
        tags.put(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE);
        tags.put(TAG_RESTORED_FROM, sourceId);
        tags.put(TAG_RUN, runId.toString());
        return tags;
    }

    /** True when {@code tags} say that run {@code runId} created the database. */
    public static boolean createdBy(Map<String, String> tags, UUID runId) {
        return Snapshot.MANAGED_BY_VALUE.equals(tags.get(Snapshot.TAG_MANAGED_BY))
                && runId.toString().equalsIgnoreCase(tags.get(TAG_RUN));
    }

    /**
     * The refusal of a start whose name is taken by a database this run did not create.
     *
     * @param marker how the provider names the missing mark, e.g. "dbre:restore-run tag"
     * @return ALREADY_EXISTS with code NameTaken
     */
    public static ProviderException nameTaken(String name, UUID runId, String marker) {
        return new ProviderException(
                ProviderError.ALREADY_EXISTS,
                "NameTaken",
                "a database named " + name + " exists that this run did not create (no " + marker + " " + runId
                        + "): left alone",
                null);
    }

    /** What {@link RestoreProvider#progress} reports for a database with the name that is not this run's. */
    public static RestoreProgress notOurs(String name, UUID runId, String marker) {
        return new RestoreProgress(
                RestoreProgress.State.FAILED,
                null,
                0,
                name + " is not this run's database (no " + marker + " " + runId + "): left alone");
    }
}
