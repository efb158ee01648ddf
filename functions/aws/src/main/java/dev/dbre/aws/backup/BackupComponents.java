package dev.dbre.aws.backup;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.aws.rotation.SecretsManagerStore;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.Env;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.SecretStore;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * What the snapshot, restore and drill handlers build once per execution environment: the RDS
 * provider (clients per Region), the database that holds {@code snapshot_runs} and {@code
 * restore_runs} (DBRE_DB_*), the EMF metrics publisher and the clock. Nothing here opens a
 * connection or calls AWS.
 */
public record BackupComponents(
        RdsBackupProvider provider, AwsDatabase database, MetricsPublisher metrics, Clock clock, Env env) {

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
        return new BackupComponents(provider, db, metrics, clock, env);
    }

    /** The snapshot service, recording runs in {@code snapshot_runs}. */
    public SnapshotService snapshotService() {
        return SnapshotService.fromEnv(metrics, database.connections(), env);
    }

    /** The restore service over {@code restore_runs}. */
    public RestoreService restoreService() {
        return new RestoreService(provider, database.connections(), metrics);
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }
}
