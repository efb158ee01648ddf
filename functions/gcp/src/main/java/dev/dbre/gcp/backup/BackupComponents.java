package dev.dbre.gcp.backup;

import com.google.api.services.sqladmin.SQLAdmin;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.gcp.ingest.IngestComponents;
import dev.dbre.gcp.rotation.SecretManagerClients;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.rotation.SecretStore;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the Google Cloud snapshot, restore and drill functions build once per instance: the Cloud
 * SQL provider for the project in {@code GOOGLE_CLOUD_PROJECT}, the database holding {@code
 * snapshot_runs} and {@code restore_runs} (DBRE_DB_*), the log metrics publisher and the clock.
 */
public final class BackupComponents {
    private static volatile BackupComponents shared;

    public final CloudSqlBackupProvider provider;
    public final ConnectionFactory db;
    public final MetricsPublisher metrics;
    public final Clock clock;
    public final Env env;

    private BackupComponents(
            CloudSqlBackupProvider provider, ConnectionFactory db, MetricsPublisher metrics, Clock clock, Env env) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.env = env;
    }

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    public static BackupComponents fromEnv(Env env, Clock clock, SQLAdmin sql) {
        return fromEnv(env, clock, sql, 5432);
    }

    /** As above, reaching restored instances on {@code restoredPort} (tests). */
    public static BackupComponents fromEnv(Env env, Clock clock, SQLAdmin sql, int restoredPort) {
        return fromEnv(env, clock, sql, restoredPort, () -> SecretManagerClients.fromEnv(env, clock));
    }

    /**
     * As above, with the Secret Manager store for secret logins to restored instances made by
     * {@code secrets}, on the first such login only (tests give one over a local fake).
     */
    public static BackupComponents fromEnv(
            Env env, Clock clock, SQLAdmin sql, int restoredPort, Supplier<? extends SecretStore> secrets) {
        String project = env.required(IngestComponents.PROJECT);
        ConnectionFactory db = GcpConnections.fromEnv(env, clock);
        CloneLogin restoredLogin = CloudSqlCloneLogin.fromEnv(env, Lazy.of(secrets));
        CloudSqlBackupProvider provider = new CloudSqlBackupProvider(sql, project, clock, restoredLogin, restoredPort);
        return new BackupComponents(provider, db, new LogMetricsPublisher(System.out, clock), clock, env);
    }

    /** The instance the Functions Framework's no-argument constructors use. */
    public static BackupComponents shared() {
        if (shared == null) {
            synchronized (BackupComponents.class) {
                if (shared == null) {
                    shared = fromEnv(GcpEnv.system(), Clock.systemUTC(), CloudSqlAdmin.standard());
                }
            }
        }
        return shared;
    }

    public SnapshotService snapshotService() {
        return SnapshotService.fromEnv(metrics, db, env);
    }

    public RestoreService restoreService() {
        return new RestoreService(provider, db, metrics, RestoreService.timeoutFromEnv(env));
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }
}
