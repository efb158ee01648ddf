package dev.dbre.azure.backup;

import dev.dbre.azure.db.AzureDbConfig;
import dev.dbre.azure.rotation.KeyVaultConfig;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot, restore and drill functions' settings, read and validated once at cold start.
 * What only one of them needs is optional here and required by it when it runs: the policy (the
 * snapshot function) and the drill request file (the drill function).
 *
 * @param policy {@code DBRE_BACKUP_POLICY} (a file or an Azure blob; read again at every tick)
 * @param dryRun {@value SnapshotSchedule#DRY_RUN}
 * @param snapshotRetry the snapshot service's retries ({@code DBRE_SNAPSHOT_*})
 * @param restoreLogin how restored servers are logged in to ({@code DBRE_RESTORE_DB_*})
 * @param restoreVault the Key Vault of the restore login: present exactly with {@code
 *     DBRE_RESTORE_DB_AUTH=secret}
 * @param restoreTimeout {@value RestoreService#TIMEOUT}
 * @param drillRequest {@value DrillSchedule#FILE}
 */
public record BackupConfig(
        AzureDbConfig db,
        String subscription,
        String resourceGroup,
        Optional<PolicySource> policy,
        boolean dryRun,
        RetryPolicy snapshotRetry,
        RestoredDbLogin restoreLogin,
        Optional<KeyVaultConfig> restoreVault,
        Duration restoreTimeout,
        Optional<Path> drillRequest) {
    public static final String SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID";
    public static final String RESOURCE_GROUP = "DBRE_AZURE_RESOURCE_GROUP";

    /**
     * @param blobs the reader of policies in Azure blobs (builds its client on first read)
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static BackupConfig fromEnv(Env env, PolicyReader blobs) {
        String subscription = env.required(SUBSCRIPTION);
        String group = env.required(RESOURCE_GROUP);
        AzureDbConfig db = AzureDbConfig.fromEnv(env);
        // The location is checked now; the policy itself when the snapshot function first runs.
        PolicySource policy = PolicySource.fromEnv(env, Map.of(PolicyLocation.Kind.AZURE_BLOB, blobs));
        RestoredDbLogin login = RestoredDbLogin.fromEnv(env, DbSettings.SYSTEM_ROOTS);
        Optional<KeyVaultConfig> vault =
                login.auth() == DbAuth.SECRET ? Optional.of(KeyVaultConfig.fromEnv(env)) : Optional.empty();
        return new BackupConfig(
                db,
                subscription,
                group,
                Optional.ofNullable(policy),
                env.bool(SnapshotSchedule.DRY_RUN, false),
                RetryPolicy.fromEnv(env),
                login,
                vault,
                RestoreService.timeoutFromEnv(env),
                Optional.ofNullable(env.optional(DrillSchedule.FILE)).map(Path::of));
    }
}
