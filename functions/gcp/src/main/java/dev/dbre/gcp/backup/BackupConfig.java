package dev.dbre.gcp.backup;

import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpDatabaseConfig;
import dev.dbre.gcp.rotation.SecretManagerSettings;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The configuration of the snapshot, restore and drill functions (deployed with the same
 * variables, each reading its own part), read once at start.
 *
 * @param project the project in {@value GcpEnv#PROJECT}, whose Cloud SQL instances are backed up and restored
 * @param database the database holding {@code snapshot_runs} and {@code restore_runs}
 * @param restoredLogin how verification queries log in to a restored clone
 * @param secretManager where the clone's secret is read (DBRE_RESTORE_DB_AUTH=secret)
 * @param policy the snapshot policy's source ({@code DBRE_BACKUP_POLICY}, a file or {@code gs://}),
 *     or null when not set (only the snapshot function needs one)
 * @param drillRequest the drill request template read from {@value DrillSchedule#FILE}, or null when
 *     not set (only the drill function needs one)
 */
public record BackupConfig(
        String project,
        GcpDatabaseConfig database,
        CloudSqlCloneLogin.Settings restoredLogin,
        SecretManagerSettings secretManager,
        RetryPolicy snapshotRetry,
        boolean snapshotDryRun,
        PolicySource policy,
        Duration restoreTimeout,
        String drillRequest) {
    /**
     * @param gcs reads policies at {@code gs://} locations (its client is built on the first read)
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static BackupConfig fromEnv(Env env, PolicyReader gcs) {
        return new BackupConfig(
                env.required(GcpEnv.PROJECT),
                GcpDatabaseConfig.fromEnv(env),
                CloudSqlCloneLogin.Settings.fromEnv(env),
                SecretManagerSettings.fromEnv(env),
                RetryPolicy.fromEnv(env),
                env.bool(SnapshotSchedule.DRY_RUN, false),
                PolicySource.fromEnv(env, Map.of(PolicyLocation.Kind.GCS, gcs)),
                RestoreService.timeoutFromEnv(env),
                drillRequest(env.optional(DrillSchedule.FILE)));
    }

    /** @throws ConfigException naming {@value PolicySource#POLICY} when no policy is set */
    public PolicySource requiredPolicy() {
        if (policy == null) {
            throw new ConfigException(
                    PolicySource.POLICY, "is required by the snapshot function: a policy file or gs:// location");
        }
        return policy;
    }

    /** @throws ConfigException naming {@value DrillSchedule#FILE} when it is not set */
    public String requiredDrillRequest() {
        if (drillRequest == null) {
            throw new ConfigException(DrillSchedule.FILE, "is required but not set");
        }
        return drillRequest;
    }

    private static String drillRequest(String file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new ConfigException(DrillSchedule.FILE, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
