package dev.dbre.aws.backup;

import dev.dbre.aws.config.AwsEndpoints;
import dev.dbre.aws.db.AwsDbConfig;
import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

/**
 * The snapshot, restore and drill functions' configuration, read once at cold start and validated
 * (a wrong variable fails the init naming it). What only one of the functions needs may be unset
 * here and is required when that function is wired ({@link BackupWiring}): the policy by the
 * snapshot function, the drill request by the drill.
 *
 * @param region {@code AWS_REGION}: the databases', their snapshots' and restores' Region
 * @param db the database holding {@code snapshot_runs} and {@code restore_runs}
 * @param restoredLogin how restores are verified (DBRE_RESTORE_DB_*)
 * @param retry retries of retryable RDS errors (DBRE_SNAPSHOT_*)
 * @param dryRun DBRE_BACKUP_DRY_RUN: plan only, whatever the event says
 * @param restoreTimeout DBRE_RESTORE_TIMEOUT
 * @param policy where the backup policy is (variable and location), or null when neither policy
 *     variable is set
 * @param drillRequestFile DBRE_DRILL_REQUEST_FILE, or null when unset
 * @param s3Endpoint DBRE_S3_ENDPOINT, or null for the SDK's
 * @param ssmEndpoint DBRE_SSM_ENDPOINT, or null for the SDK's
 * @param secretsEndpoint DBRE_SECRETS_ENDPOINT, or null for the SDK's; read only when a login
 *     (the function's own or the restored database's) is a secret
 */
public record BackupConfig(
        String region,
        AwsDbConfig db,
        RestoredDbLogin restoredLogin,
        RetryPolicy retry,
        boolean dryRun,
        Duration restoreTimeout,
        PolicySource.Setting policy,
        Path drillRequestFile,
        URI s3Endpoint,
        URI ssmEndpoint,
        URI secretsEndpoint) {

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static BackupConfig fromEnv(Env env) {
        String region = env.required(AwsDbConfig.AWS_REGION);
        AwsDbConfig db = AwsDbConfig.fromEnv(env);
        RestoredDbLogin restoredLogin = RestoredDbLogin.fromEnv(env, null);
        // Parsed and checked once, here: AWS reads files, s3: and ssm:. The wiring builds the readers.
        PolicySource.Setting policy =
                PolicySource.locate(env, EnumSet.of(PolicyLocation.Kind.S3, PolicyLocation.Kind.SSM));
        String drill = env.optional(DrillSchedule.FILE);
        boolean usesSecrets = db.settings().auth() == DbAuth.SECRET || restoredLogin.auth() == DbAuth.SECRET;
        return new BackupConfig(
                region,
                db,
                restoredLogin,
                RetryPolicy.fromEnv(env),
                env.bool(SnapshotSchedule.DRY_RUN, false),
                RestoreService.timeoutFromEnv(env),
                policy,
                drill == null ? null : Path.of(drill),
                AwsEndpoints.optional(env, S3PolicyReader.ENDPOINT),
                AwsEndpoints.optional(env, SsmPolicyReader.ENDPOINT),
                usesSecrets ? AwsEndpoints.optional(env, SecretsManagerClients.ENDPOINT) : null);
    }
}
