package dev.dbre.azure.backup;

import com.azure.core.credential.TokenCredential;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import dev.dbre.azure.db.AzureConnections;
import dev.dbre.azure.identity.AzureCredentials;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.restore.ScheduledDrills;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the Azure snapshot, restore and drill functions build once per process from {@link
 * BackupConfig}: the Flexible Server provider for the subscription and resource group, the login
 * to restored servers ({@code DBRE_RESTORE_DB_*}: Entra token by default, Key Vault secret, or
 * none), the database holding {@code snapshot_runs} and {@code restore_runs} (DBRE_DB_*), the log
 * metrics publisher and the clock. The snapshot schedule (which reads and validates the policy) and
 * the drill schedule (which reads the drill request) are built on the first run of their function.
 */
public final class AzureBackupRuntime {
    /** The process-wide instance, built from the app settings on first use (tried again after an error). */
    static final Lazy<AzureBackupRuntime> SHARED = Lazy.of(AzureBackupRuntime::production);

    /**
     * The cloud clients the runtime uses, each built on first use in production; tests give local
     * ones.
     *
     * @param arm Flexible Server management
     * @param restoredPort the port of restored servers (5432)
     * @param credential the Entra credential for tokens to restored servers
     * @param secrets the Key Vault secret store (DBRE_RESTORE_DB_AUTH=secret)
     * @param blobs the policy reader for Azure blobs
     */
    public record Clients(
            PostgreSqlManager arm,
            int restoredPort,
            Supplier<TokenCredential> credential,
            Supplier<SecretStore> secrets,
            PolicyReader blobs) {}

    private final BackupConfig config;
    private final FlexibleServerBackupProvider provider;
    private final Function<BackupPolicy, SnapshotProvider> snapshotsFor;
    private final MetricsPublisher metrics;
    private final Clock clock;
    private final RestoreService restores;
    private final Lazy<SnapshotSchedule> snapshots;
    private final Lazy<ScheduledDrills> drills;

    private AzureBackupRuntime(BackupConfig config, Clock clock, Clients clients) {
        this(
                config,
                clock,
                new LogMetricsPublisher(System.out, clock),
                AzureConnections.pooled(config.db(), clock, clients.credential()),
                flexibleServer(config, clock, clients));
    }

    private AzureBackupRuntime(
            BackupConfig config,
            Clock clock,
            MetricsPublisher metrics,
            ConnectionFactory db,
            FlexibleServerBackupProvider flexible) {
        // Restore-only until a snapshot tick names the policy (forPolicy).
        this(
                config,
                clock,
                metrics,
                db,
                flexible,
                p -> flexible.forPolicy(p.name()),
                flexible,
                flexible,
                (ref, name) -> flexible.connect(ref.id(), name));
    }

    private AzureBackupRuntime(
            BackupConfig config,
            Clock clock,
            MetricsPublisher metrics,
            ConnectionFactory db,
            FlexibleServerBackupProvider flexible,
            Function<BackupPolicy, SnapshotProvider> snapshotsFor,
            RestoreProvider restoreProvider,
            SnapshotProvider fleet,
            FleetDrills.SourceConnections sources) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
        this.provider = flexible;
        this.snapshotsFor = snapshotsFor;
        this.restores = new RestoreService(restoreProvider, db, metrics, config.restoreTimeout());
        this.snapshots = Lazy.of(() -> snapshotSchedule(config, metrics, db));
        this.drills = Lazy.of(() -> scheduledDrills(config, restores, fleet, sources, db, metrics));
    }

    private static FlexibleServerBackupProvider flexibleServer(BackupConfig config, Clock clock, Clients clients) {
        RestoredServerLogin login =
                new RestoredServerLogin(config.restoreLogin(), clients.credential(), clients.secrets(), clock);
        return new FlexibleServerBackupProvider(
                clients.arm(),
                config.subscription(),
                config.resourceGroup(),
                null,
                clock,
                login,
                clients.restoredPort());
    }

    /**
     * The functions over other providers than Flexible Server, with the settings in {@code env}: the
     * local runtime's {@code invoke} runs them on its local provider (a base backup per snapshot, a
     * real recovery per restore) and the database {@code db}.
     *
     * @param sources the login to a fleet database, for the drills' checks of the source
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static <P extends SnapshotProvider & RestoreProvider> AzureBackupRuntime overProvider(
            Env env,
            Clock clock,
            MetricsPublisher metrics,
            ConnectionFactory db,
            P provider,
            FleetDrills.SourceConnections sources) {
        return new AzureBackupRuntime(
                BackupConfig.fromEnv(env, PolicyReader.FILES_ONLY),
                clock,
                metrics,
                db,
                null,
                p -> provider,
                provider,
                provider,
                sources);
    }

    /** In Azure: the app settings, the function app's identity, ARM in the configured subscription. */
    private static AzureBackupRuntime production() {
        Env env = Env.system();
        return fromEnv(env, Clock.systemUTC(), ArmClients.standard(env.required(BackupConfig.SUBSCRIPTION)), 5432);
    }

    private static Clients productionClients(
            BackupConfig config, Clock clock, PostgreSqlManager arm, int restoredPort, PolicyReader blobs) {
        Supplier<TokenCredential> credential = AzureCredentials.DEFAULT;
        Supplier<SecretStore> secrets = () -> config.restoreVault()
                .orElseThrow(() -> new ConfigException(RestoredDbLogin.AUTH, "secret has no Key Vault configured"))
                .store(credential.get(), clock);
        return new Clients(arm, restoredPort, credential, secrets, blobs);
    }

    /**
     * With the process's identity and the given ARM client (tests: ARM on 127.0.0.1).
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static AzureBackupRuntime fromEnv(Env env, Clock clock, PostgreSqlManager manager, int restoredPort) {
        PolicyReader blobs = BlobPolicyReader.withCredential(AzureCredentials.DEFAULT);
        BackupConfig config = BackupConfig.fromEnv(env, blobs);
        return new AzureBackupRuntime(config, clock, productionClients(config, clock, manager, restoredPort, blobs));
    }

    /** @throws ConfigException naming the variable that is missing or wrong */
    public static AzureBackupRuntime fromEnv(Env env, Clock clock, Clients clients) {
        return new AzureBackupRuntime(BackupConfig.fromEnv(env, clients.blobs()), clock, clients);
    }

    private static SnapshotSchedule snapshotSchedule(
            BackupConfig config, MetricsPublisher metrics, ConnectionFactory db) {
        SnapshotService service = SnapshotService.recording(metrics, db, config.snapshotRetry());
        return new SnapshotSchedule(
                config.policy()
                        .orElseThrow(
                                () -> new ConfigException(
                                        PolicySource.POLICY,
                                        "is required by the snapshot function: a policy file or https://<account>.blob.core.windows.net/<container>/<blob>")),
                service,
                config.dryRun());
    }

    /** The single drill of {@value DrillSchedule#FILE} when set, else the policy's fleet drills. */
    private static ScheduledDrills scheduledDrills(
            BackupConfig config,
            RestoreService restores,
            SnapshotProvider fleetDatabases,
            FleetDrills.SourceConnections sources,
            ConnectionFactory db,
            MetricsPublisher metrics) {
        if (config.drillRequest().isPresent()) {
            return ScheduledDrills.single(drillSchedule(config.drillRequest().get(), restores));
        }
        PolicySource policy = config.policy()
                .orElseThrow(() -> new ConfigException(
                        PolicySource.POLICY,
                        "is required by the drill function when " + DrillSchedule.FILE
                                + " is not set (the fleet drills of a policy)"));
        policy.load();
        FleetDrills fleet = new FleetDrills(restores, fleetDatabases, sources, db, metrics);
        return ScheduledDrills.fleet(fleet, policy);
    }

    private static DrillSchedule drillSchedule(Path path, RestoreService restores) {
        try {
            return new DrillSchedule(Files.readString(path), restores, DrillSchedule.FILE);
        } catch (IOException e) {
            throw new ConfigException(DrillSchedule.FILE, "cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * The process-wide instance (what the functions' no-argument constructors use).
     *
     * @throws ConfigException on a configuration error, naming the setting (every invocation then
     *     fails with it; the build is tried again at the next)
     */
    public static AzureBackupRuntime shared() {
        return SHARED.get();
    }

    /** The settings read at cold start. */
    public BackupConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /**
     * The Flexible Server provider, restore-only until {@code forPolicy} names a policy; null over
     * another provider ({@link #overProvider}).
     */
    public FlexibleServerBackupProvider provider() {
        return provider;
    }

    /** The provider a snapshot tick of {@code policy} works with. */
    public SnapshotProvider snapshotProvider(BackupPolicy policy) {
        return snapshotsFor.apply(policy);
    }

    /**
     * The snapshot schedule, built on the first call (reading and validating the policy) and kept:
     * each tick reads the policy again.
     *
     * @throws ConfigException naming DBRE_BACKUP_POLICY when no policy is configured, or it cannot be
     *     read, or it is invalid
     */
    public SnapshotSchedule snapshotSchedule() {
        return snapshots.get();
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restores);
    }

    /**
     * The drill schedule, built on the first call: the drill of {@value DrillSchedule#FILE}, or when
     * that is unset the fleet drills of the backup policy.
     *
     * @throws ConfigException naming the setting that is missing, unreadable or invalid
     */
    public ScheduledDrills scheduledDrills() {
        return drills.get();
    }
}
