package dev.dbre.port;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A backup policy as loaded by {@link dev.dbre.backup.BackupPolicyLoader} (format: {@code docs/backup-policy.md}).
 *
 * @param name the policy's name; managed snapshots carry it in {@link Snapshot#TAG_POLICY}
 * @param selection which databases it covers
 * @param slot the schedule's slot length: one snapshot per database per slot, named after the
 *     slot's start (a whole number of minutes that divides a day, or whole days)
 * @param retention what to keep in the databases' own regions
 * @param copy optional copy to a second region (null for none)
 * @param share optional sharing with other accounts (null for none)
 */
public record BackupPolicy(
        String name, Selection selection, Duration slot, Retention retention, CopyRule copy, ShareRule share) {

    /**
     * Which databases the policy covers: those in {@code regions} that either carry the tag
     * {@code tagKey=tagValue} or, when {@code databaseIds} is not empty, whose id is listed.
     */
    public record Selection(List<String> regions, String tagKey, String tagValue, List<String> databaseIds) {
        public Selection {
            regions = List.copyOf(regions);
            databaseIds = List.copyOf(databaseIds);
        }

        /** True when {@code db} is covered. */
        public boolean selects(DatabaseRef db) {
            if (!regions.contains(db.region())) {
                return false;
            }
            if (!databaseIds.isEmpty()) {
                return databaseIds.contains(db.id());
            }
            return tagValue.equals(db.tags().get(tagKey));
        }

        /** True when the policy names its databases rather than selecting them by tag. */
        public boolean byIds() {
            return !databaseIds.isEmpty();
        }
    }

    /**
     * Copy every kept snapshot that {@code retention} wants into {@code region}.
     *
     * @param kmsKeyId the key to encrypt copies with (AWS KMS key id or ARN; the equivalent
     *     elsewhere), or null for the provider's default
     * @param retention retention of the copies (the policy's own when the file gives none)
     */
    public record CopyRule(String region, String kmsKeyId, Retention retention) {}

    /** Share completed snapshots with these accounts. */
    public record ShareRule(List<String> accounts) {
        public ShareRule {
            accounts = List.copyOf(accounts);
        }
    }

    /** The tags every snapshot this policy creates carries. */
    public Map<String, String> managedTags() {
        return Map.of(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE, Snapshot.TAG_POLICY, name);
    }
}
