package dev.dbre.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import dev.dbre.azure.backup.ArmClients;
import dev.dbre.azure.backup.BlobPolicyReader;
import dev.dbre.azure.backup.FlexibleServerBackupProvider;
import dev.dbre.azure.backup.RestoredServerLogin;
import dev.dbre.azure.rotation.KeyVaultClients;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the Azure snapshot, restore and drill functions build once per process: the Flexible Server
 * provider for {@value #SUBSCRIPTION} / {@value #RESOURCE_GROUP}, the login to restored servers
 * ({@code DBRE_RESTORE_DB_*}: Entra token by default, Key Vault secret, or none), the database
 * holding {@code snapshot_runs} and {@code restore_runs} (DBRE_DB_*), the log metrics publisher and
 * the clock. The backup policy ({@code DBRE_BACKUP_POLICY}: a file or an Azure blob) is optional
 * here: the snapshot function requires it, reads and validates it on its first run in the process
 * and again at every tick; the restore functions do not need it.
 */
final class AzureBackupRuntime {
    static final String SUBSCRIPTION = "AZURE_SUBSCRIPTION_ID";
    static final String RESOURCE_GROUP = "DBRE_AZURE_RESOURCE_GROUP";

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
    record Clients(
            PostgreSqlManager arm,
            int restoredPort,
            Supplier<TokenCredential> credential,
            Supplier<SecretStore> secrets,
            PolicyReader blobs) {
        /** The function's managed identity (DefaultAzureCredential) for everything, built lazily. */
        static Clients production(Env env, Clock clock, PostgreSqlManager arm, int restoredPort) {
            Supplier<TokenCredential> credential = Lazy.of(() -> new DefaultAzureCredentialBuilder().build());
            return new Clients(
                    arm,
                    restoredPort,
                    credential,
                    () -> KeyVaultClients.fromEnv(env, clock, credential.get()),
                    BlobPolicyReader.withCredential(credential));
        }
    }

    private static volatile AzureBackupRuntime shared;

    final FlexibleServerBackupProvider provider;
    final ConnectionFactory db;
    final MetricsPublisher metrics;
    final Clock clock;
    final Env env;
    private final PolicySource policySource;
    private SnapshotSchedule schedule;

    private AzureBackupRuntime(
            FlexibleServerBackupProvider provider,
            ConnectionFactory db,
            MetricsPublisher metrics,
            Clock clock,
            Env env,
            PolicySource policySource) {
        this.provider = provider;
        this.db = db;
        this.metrics = metrics;
        this.clock = clock;
        this.env = env;
        this.policySource = policySource;
    }

    /** @throws ConfigException naming the variable that is missing or wrong */
    static AzureBackupRuntime fromEnv(Env env, Clock clock, PostgreSqlManager manager, int restoredPort) {
        return fromEnv(env, clock, Clients.production(env, clock, manager, restoredPort));
    }

    /** @throws ConfigException naming the variable that is missing or wrong */
    static AzureBackupRuntime fromEnv(Env env, Clock clock, Clients clients) {
        String subscription = env.required(SUBSCRIPTION);
        String group = env.required(RESOURCE_GROUP);
        ConnectionFactory db = AzureConnections.fromEnv(env, clock);
        // The location is checked now; the policy itself when the snapshot function first runs.
        PolicySource source = PolicySource.fromEnv(env, Map.of(PolicyLocation.Kind.AZURE_BLOB, clients.blobs()));
        RestoredServerLogin login = RestoredServerLogin.fromEnv(env, clock, clients.credential(), clients.secrets());
        // Restore-only until a snapshot tick names the policy (forPolicy).
        FlexibleServerBackupProvider provider = new FlexibleServerBackupProvider(
                clients.arm(), subscription, group, null, clock, login, clients.restoredPort());
        return new AzureBackupRuntime(provider, db, new LogMetricsPublisher(System.out, clock), clock, env, source);
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

    /**
     * The snapshot schedule, built on the first call (reading and validating the policy) and kept:
     * each tick reads the policy again.
     *
     * @throws ConfigException naming DBRE_BACKUP_POLICY when no policy is configured, or it cannot be
     *     read, or it is invalid
     */
    synchronized SnapshotSchedule snapshotSchedule() {
        if (schedule == null) {
            if (policySource == null) {
                throw new ConfigException(
                        PolicySource.POLICY,
                        "is required by the snapshot function: a policy file or https://<account>.blob.core.windows.net/<container>/<blob>");
            }
            schedule = new SnapshotSchedule(
                    policySource, SnapshotService.fromEnv(metrics, db, env), env.bool(SnapshotSchedule.DRY_RUN, false));
        }
        return schedule;
    }

    RestoreService restoreService() {
        return new RestoreService(provider, db, metrics, RestoreService.timeoutFromEnv(env));
    }

    RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }

    DrillSchedule drillSchedule() {
        return DrillSchedule.fromEnv(env, restoreService());
    }
}
