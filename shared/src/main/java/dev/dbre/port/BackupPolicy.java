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
 * @param drill optional restore drills of the policy's databases (null for none)
 * @param objectives optional recovery objectives the runs are measured against (null for none)
 */
public record BackupPolicy(
        String name,
        Selection selection,
        Duration slot,
        Retention retention,
        CopyRule copy,
        ShareRule share,
        DrillRule drill,
        Objectives objectives) {

    /** A policy without drills or objectives. */
    public BackupPolicy(
            String name, Selection selection, Duration slot, Retention retention, CopyRule copy, ShareRule share) {
        this(name, selection, slot, retention, copy, share, null, null);
    }

    /** What a drill restores from: a point in time, the newest snapshot, or the newest copy in the copy region. */
    public enum DrillKind {
        PITR,
        SNAPSHOT,
        COPY;

        /** The name in policy files, request summaries and metrics: {@code pitr}, {@code snapshot}, {@code copy}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Restore drills of every database the policy selects.
     *
     * @param every each database is drilled at least this often (a drill is due when its last
     *     verified one is older)
     * @param maxConcurrent the most drills running at once (each is a database that costs money)
     * @param kinds the kinds drills alternate between, in order ({@code copy} only with a copy rule)
     * @param verify the policy's own verification checks, as the restore request's {@code verify}
     *     entries ({@code name}, {@code sql}, {@code expect}); checked when the drill request is built
     * @param database the database the checks run in
     * @param rowTolerance how far a table's row estimate in the restored copy may be from the
     *     source's, as a fraction (0.1: 10%)
     * @param minRows tables the source estimates below this many rows are not compared
     */
    public record DrillRule(
            Duration every,
            int maxConcurrent,
            List<DrillKind> kinds,
            List<Map<String, Object>> verify,
            String database,
            double rowTolerance,
            long minRows) {
        public DrillRule {
            kinds = List.copyOf(kinds);
            verify = List.copyOf(verify);
        }
    }

    /**
     * Recovery objectives: a database whose measured RPO exceeds {@code rpo}, or a drill whose
     * recovery time exceeds {@code rto}, is flagged. Either may be null (not set).
     */
    public record Objectives(Duration rpo, Duration rto) {}

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
