package dev.dbre.gcp.backup;

import com.google.api.services.sqladmin.SQLAdmin;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.db.GcpConnections;
import dev.dbre.gcp.rotation.SecretManagerClients;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.ScheduledDrills;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the snapshot, restore and drill functions build once per instance from {@link BackupConfig}:
 * the Cloud SQL provider, the pooled database holding {@code snapshot_runs} and {@code
 * restore_runs}, the log metrics publisher, the clock and the two core services. Nothing here opens
 * a connection or calls Google Cloud.
 */
public record BackupComponents(
        BackupConfig config,
        SnapshotProvider provider,
        FleetDrills.SourceConnections sources,
        ConnectionFactory database,
        MetricsPublisher metrics,
        Clock clock,
        SnapshotService snapshots,
        RestoreService restores) {
    /** Built on first use from the process environment, with Application Default Credentials. */
    private static final Lazy<BackupComponents> SHARED = Lazy.of(() -> {
        BackupConfig config = BackupConfig.fromEnv(GcpEnv.system(), GcsPolicyReader.standard());
        Clock clock = Clock.systemUTC();
        return from(
                config,
                clock,
                CloudSqlAdmin.standard(),
                5432,
                () -> SecretManagerClients.store(config.secretManager(), clock));
    });

    /** The instance the Functions Framework's no-argument constructors use. */
    public static BackupComponents shared() {
        return SHARED.get();
    }

    /**
     * As built from {@code env} with the given clients (tests).
     *
     * @param restoredPort the port restored instances are reached on
     * @param secrets the Secret Manager store of secret logins to restored instances, asked on the
     *     first such login only
     */
    public static BackupComponents fromEnv(
            Env env,
            Clock clock,
            SQLAdmin sql,
            int restoredPort,
            Supplier<? extends SecretStore> secrets,
            GcsPolicyReader gcs) {
        return from(BackupConfig.fromEnv(env, gcs), clock, sql, restoredPort, secrets);
    }

    public static BackupComponents from(
            BackupConfig config, Clock clock, SQLAdmin sql, int restoredPort, Supplier<? extends SecretStore> secrets) {
        PooledConnectionFactory db = GcpConnections.pooled(config.database(), clock);
        CloudSqlCloneLogin restoredLogin = new CloudSqlCloneLogin(config.restoredLogin(), Lazy.of(secrets));
        CloudSqlBackupProvider provider =
                new CloudSqlBackupProvider(sql, config.project(), clock, restoredLogin, restoredPort);
        MetricsPublisher metrics = new LogMetricsPublisher(System.out, clock);
        SnapshotService snapshots = SnapshotService.recording(metrics, db, config.snapshotRetry());
        RestoreService restores = new RestoreService(provider, db, metrics, config.restoreTimeout());
        return new BackupComponents(
                config,
                provider,
                (ref, name) -> provider.connect(ref.id(), name),
                db,
                metrics,
                clock,
                snapshots,
                restores);
    }

    /**
     * The functions over another provider than Cloud SQL, with the settings in {@code env}: the local
     * runtime's {@code invoke} runs them on its local provider (a base backup per snapshot, a real
     * recovery per restore) and the database {@code db}. Policies are read from files only.
     *
     * @param sources the login to a fleet database, for the drills' checks of the source
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public static <P extends SnapshotProvider & RestoreProvider> BackupComponents overProvider(
            Env env,
            Clock clock,
            MetricsPublisher metrics,
            ConnectionFactory db,
            P provider,
            FleetDrills.SourceConnections sources) {
        BackupConfig config = BackupConfig.fromEnv(env, PolicyReader.FILES_ONLY);
        SnapshotService snapshots = SnapshotService.recording(metrics, db, config.snapshotRetry());
        RestoreService restores = new RestoreService(provider, db, metrics, config.restoreTimeout());
        return new BackupComponents(config, provider, sources, db, metrics, clock, snapshots, restores);
    }

    /**
     * The scheduled snapshots of the policy in the configuration, read now and at every tick.
     *
     * @throws dev.dbre.config.ConfigException naming the variable when the policy is missing,
     *     unreadable or invalid
     */
    public SnapshotSchedule snapshotSchedule() {
        return new SnapshotSchedule(config.requiredPolicy(), snapshots, config.snapshotDryRun());
    }

    /** @throws dev.dbre.config.ConfigException naming DBRE_DRILL_REQUEST_FILE when unset or not a drill request */
    public DrillSchedule drillSchedule() {
        return new DrillSchedule(config.requiredDrillRequest(), restores, DrillSchedule.FILE);
    }

    /**
     * The drill of {@value DrillSchedule#FILE} when it is set, else the fleet drills of the backup
     * policy (read and validated now, and at every tick).
     *
     * @throws dev.dbre.config.ConfigException naming the variable that is missing or wrong
     */
    public ScheduledDrills scheduledDrills() {
        if (config.drillRequest() != null) {
            return ScheduledDrills.single(drillSchedule());
        }
        PolicySource policy = config.requiredPolicy();
        policy.load();
        FleetDrills fleet = new FleetDrills(restores, provider, sources, database, metrics);
        return ScheduledDrills.fleet(fleet, policy);
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restores);
    }
}
