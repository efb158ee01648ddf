package dev.dbre.aws.backup;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.aws.rotation.SecretsManagerStore;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * What the snapshot, restore and drill handlers build once per execution environment: the RDS
 * provider (clients per Region), the database that holds {@code snapshot_runs} and {@code
 * restore_runs} (DBRE_DB_*), the EMF metrics publisher, the clock and the backup policy readers
 * (S3, SSM). Nothing here opens a connection, builds an S3, SSM or Secrets Manager client, or calls
 * AWS.
 */
public record BackupComponents(
        RdsBackupProvider provider,
        AwsDatabase database,
        MetricsPublisher metrics,
        Clock clock,
        Env env,
        Map<PolicyLocation.Kind, PolicyReader> policyReaders) {

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static BackupComponents fromEnv(Env env) {
        AwsCredentialsProvider credentials =
                DefaultCredentialsProvider.builder().build();
        return fromEnv(env, RdsClients.standard(), credentials, new EmfMetricsPublisher(), Clock.systemUTC());
    }

    /** As {@link #fromEnv(Env)} with the given clients, credentials, metrics and clock (tests). */
    public static BackupComponents fromEnv(
            Env env, RdsClients clients, AwsCredentialsProvider credentials, MetricsPublisher metrics, Clock clock) {
        String region = env.required(AwsDatabase.AWS_REGION);
        AwsDatabase db = AwsDatabase.fromEnv(env, clock, credentials);
        // Built on the first secret login only: with iam or none no Secrets Manager client exists.
        Lazy<SecretStore> secrets =
                Lazy.of(() -> new SecretsManagerStore(SecretsManagerClients.fromEnv(env, credentials)));
        RdsBackupProvider provider =
                new RdsBackupProvider(clients, region, clock, RestoredDbLogin.fromEnv(env, null), credentials, secrets);
        // Both readers build their client on first read: a policy in a file builds neither.
        Map<PolicyLocation.Kind, PolicyReader> readers = Map.of(
                PolicyLocation.Kind.S3, S3PolicyReader.fromEnv(env, credentials),
                PolicyLocation.Kind.SSM, SsmPolicyReader.fromEnv(env, credentials));
        return new BackupComponents(provider, db, metrics, clock, env, readers);
    }

    /**
     * The scheduled snapshots: the policy in {@code DBRE_BACKUP_POLICY} (a file, {@code s3://} or
     * {@code ssm:}), read now and at every tick.
     *
     * @throws dev.dbre.config.ConfigException naming the variable when the policy is missing,
     *     unreadable or invalid
     */
    public SnapshotSchedule snapshotSchedule() {
        return SnapshotSchedule.fromEnv(env, snapshotService(), policyReaders);
    }

    /** The snapshot service, recording runs in {@code snapshot_runs}. */
    public SnapshotService snapshotService() {
        return SnapshotService.fromEnv(metrics, database.connections(), env);
    }

    /**
     * The restore service over {@code restore_runs}, with the default timeout in DBRE_RESTORE_TIMEOUT.
     *
     * @throws dev.dbre.config.ConfigException naming DBRE_RESTORE_TIMEOUT when it is not a duration in range
     */
    public RestoreService restoreService() {
        return new RestoreService(provider, database.connections(), metrics, RestoreService.timeoutFromEnv(env));
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }
}
