package dev.dbre.gcp;

import com.google.api.services.sqladmin.SQLAdmin;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.gcp.backup.CloneLogin;
import dev.dbre.gcp.backup.CloudSqlAdmin;
import dev.dbre.gcp.backup.CloudSqlBackupProvider;
import dev.dbre.gcp.rotation.SecretManagerClients;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the Google Cloud snapshot, restore and drill functions build once per instance: the Cloud
 * SQL provider for the project in {@code GOOGLE_CLOUD_PROJECT}, the database holding {@code
 * snapshot_runs} and {@code restore_runs} (DBRE_DB_*), the log metrics publisher and the clock.
 */
final class GcpBackupRuntime {
    private static volatile GcpBackupRuntime shared;

    final CloudSqlBackupProvider provider;
    final ConnectionFactory db;
    final MetricsPublisher metrics;
    final Clock clock;
    final Env env;

    private GcpBackupRuntime(
            CloudSqlBackupProvider provider, ConnectionFactory db, MetricsPublisher metrics, Clock clock, Env env) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.env = env;
    }

    /** @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong */
    static GcpBackupRuntime fromEnv(Env env, Clock clock, SQLAdmin sql) {
        return fromEnv(env, clock, sql, 5432);
    }

    /** As above, reaching restored instances on {@code restoredPort} (tests). */
    static GcpBackupRuntime fromEnv(Env env, Clock clock, SQLAdmin sql, int restoredPort) {
        return fromEnv(env, clock, sql, restoredPort, () -> SecretManagerClients.fromEnv(env, clock));
    }

    /**
     * As above, with the Secret Manager store for secret logins to restored instances made by
     * {@code secrets}, on the first such login only (tests give one over a local fake).
     */
    static GcpBackupRuntime fromEnv(
            Env env, Clock clock, SQLAdmin sql, int restoredPort, Supplier<? extends SecretStore> secrets) {
        String project = env.required(GcpIngestRuntime.PROJECT);
        ConnectionFactory db = GcpConnections.fromEnv(env, clock);
        CloneLogin restoredLogin = CloudSqlCloneLogin.fromEnv(env, Lazy.of(secrets));
        CloudSqlBackupProvider provider = new CloudSqlBackupProvider(sql, project, clock, restoredLogin, restoredPort);
        return new GcpBackupRuntime(provider, db, new LogMetricsPublisher(System.out, clock), clock, env);
    }

    /** The instance the Functions Framework's no-argument constructors use. */
    static GcpBackupRuntime shared() {
        if (shared == null) {
            synchronized (GcpBackupRuntime.class) {
                if (shared == null) {
                    shared = fromEnv(GcpEnv.system(), Clock.systemUTC(), CloudSqlAdmin.standard());
                }
            }
        }
        return shared;
    }

    SnapshotService snapshotService() {
        return SnapshotService.fromEnv(metrics, db, env);
    }

    RestoreService restoreService() {
        return new RestoreService(provider, db, metrics, RestoreService.timeoutFromEnv(env));
    }

    RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }
}
