package dev.dbre.azure;

import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import dev.dbre.azure.backup.ArmClients;
import dev.dbre.azure.backup.FlexibleServerBackupProvider;
import dev.dbre.backup.BackupPolicy;
import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.PolicyException;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.ConnectionFactory;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What the Azure snapshot, restore and drill functions build once per process: the Flexible Server
 * provider for {@value #SUBSCRIPTION} / {@value #RESOURCE_GROUP}, the database holding {@code
 * snapshot_runs} and {@code restore_runs} (DBRE_DB_*), the log metrics publisher and the clock. The
 * backup policy ({@code DBRE_BACKUP_POLICY_FILE}) is optional here: without it the snapshot
 * function refuses to start, the restore functions do not need it.
 */
final class AzureBackupRuntime {
    static final String SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID";
    static final String RESOURCE_GROUP = "DBRE_AZURE_RESOURCE_GROUP";

    private static volatile AzureBackupRuntime shared;

    final FlexibleServerBackupProvider provider;
    final ConnectionFactory db;
    final MetricsPublisher metrics;
    final Clock clock;
    final Env env;
    final BackupPolicy policy;

    private AzureBackupRuntime(
            FlexibleServerBackupProvider provider,
            ConnectionFactory db,
            MetricsPublisher metrics,
            Clock clock,
            Env env,
            BackupPolicy policy) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.env = env;
        this.policy = policy;
    }

    /** @throws ConfigException naming the variable that is missing or wrong */
    static AzureBackupRuntime fromEnv(Env env, Clock clock, PostgreSqlManager manager, int restoredPort) {
        String subscription = env.required(SUBSCRIPTION);
        String group = env.required(RESOURCE_GROUP);
        ConnectionFactory db = AzureConnections.fromEnv(env, clock);
        BackupPolicy policy = null;
        String file = env.optional(SnapshotSchedule.POLICY_FILE);
        if (file != null) {
            try {
                policy = BackupPolicyLoader.load(Path.of(file));
            } catch (PolicyException | UncheckedIOException e) {
                throw new ConfigException(SnapshotSchedule.POLICY_FILE, e.getMessage());
            }
        }
        // DBRE_RESTORE_DB_AUTH defaults to none here: Entra login to a restored server is not built yet
        RestoredDbLogin restoredLogin = RestoredDbLogin.fromEnv(env, dev.dbre.db.DbSettings.SYSTEM_ROOTS);
        FlexibleServerBackupProvider provider = new FlexibleServerBackupProvider(
                manager,
                subscription,
                group,
                policy == null ? null : policy.name(),
                clock,
                restoredLogin,
                restoredPort);
        return new AzureBackupRuntime(provider, db, new LogMetricsPublisher(System.out, clock), clock, env, policy);
    }

    static AzureBackupRuntime shared() {
        AzureBackupRuntime r = shared;
        if (r == null) {
            synchronized (AzureBackupRuntime.class) {
                r = shared;
                if (r == null) {
                    Env env = Env.system();
                    r = fromEnv(env, Clock.systemUTC(), ArmClients.standard(env.required(SUBSCRIPTION)), 5432);
                    shared = r;
                }
            }
        }
        return r;
    }

    /** @throws ConfigException naming DBRE_BACKUP_POLICY_FILE when no policy is configured */
    SnapshotSchedule snapshotSchedule() {
        if (policy == null) {
            throw new ConfigException(SnapshotSchedule.POLICY_FILE, "is required by the snapshot function but not set");
        }
        return new SnapshotSchedule(
                policy, SnapshotService.fromEnv(metrics, db, env), env.bool(SnapshotSchedule.DRY_RUN, false));
    }

    RestoreService restoreService() {
        return new RestoreService(provider, db, metrics);
    }

    RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }

    DrillSchedule drillSchedule() {
        return DrillSchedule.fromEnv(env, restoreService());
    }
}
