package dev.dbre.aws.backup;

import dev.dbre.aws.db.AwsDatabase;
import dev.dbre.aws.obs.EmfMetricsPublisher;
import dev.dbre.aws.rotation.SecretsManagerClients;
import dev.dbre.aws.rotation.SecretsManagerStore;
import dev.dbre.backup.PolicyReader;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.config.Lazy;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.SecretStore;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.ScheduledDrills;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The snapshot, restore and drill functions' one wiring place: from the {@link BackupConfig} read at
 * cold start, the RDS provider (clients per Region), the database that holds {@code snapshot_runs}
 * and {@code restore_runs}, the EMF metrics publisher, the clock and the backup policy readers (S3,
 * SSM), and the core services each handler calls. Built once per execution environment; nothing
 * here opens a connection, builds an S3, SSM or Secrets Manager client, or calls AWS (the policy file
 * and drill request are read when the snapshot and drill handlers are built).
 */
public final class BackupWiring {
    private static final Lazy<BackupWiring> SYSTEM = Lazy.of(() -> of(
            BackupConfig.fromEnv(Env.system()),
            RdsClients.standard(),
            DefaultCredentialsProvider.builder().build(),
            new EmfMetricsPublisher(),
            Clock.systemUTC()));

    private final BackupConfig config;
    private final RdsBackupProvider provider;
    private final AwsDatabase database;
    private final MetricsPublisher metrics;
    private final Clock clock;
    /** The backup policy's source, or null when no policy is set (the restore functions need none). */
    private final PolicySource policy;

    private final Lazy<SecretStore> secrets;

    private BackupWiring(
            BackupConfig config,
            RdsBackupProvider provider,
            AwsDatabase database,
            MetricsPublisher metrics,
            Clock clock,
            PolicySource policy,
            Lazy<SecretStore> secrets) {
        this.config = config;
        this.provider = provider;
        this.database = database;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = policy;
        this.secrets = secrets;
    }

    /**
     * The wiring of this execution environment, from the process environment, built on first use (a
     * failed build is tried again on next use).
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static BackupWiring system() {
        return SYSTEM.get();
    }

    /**
     * As {@link #of} with the configuration read from {@code env} (tests).
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static BackupWiring fromEnv(
            Env env, RdsClients clients, AwsCredentialsProvider credentials, MetricsPublisher metrics, Clock clock) {
        return of(BackupConfig.fromEnv(env), clients, credentials, metrics, clock);
    }

    /** From {@code config} with the given clients, credentials, metrics and clock. */
    public static BackupWiring of(
            BackupConfig config,
            RdsClients clients,
            AwsCredentialsProvider credentials,
            MetricsPublisher metrics,
            Clock clock) {
        AwsDatabase db = AwsDatabase.open(config.db(), clock, credentials);
        // Built on the first secret login only: with iam or none no Secrets Manager client exists.
        Lazy<SecretStore> secrets = Lazy.of(() -> new SecretsManagerStore(
                SecretsManagerClients.of(config.region(), config.secretsEndpoint(), credentials)));
        RdsBackupProvider provider =
                new RdsBackupProvider(clients, config.region(), clock, config.restoredLogin(), credentials, secrets);
        return new BackupWiring(config, provider, db, metrics, clock, policySource(config, credentials), secrets);
    }

    /**
     * The policy's source over the location the configuration parsed, with the reader of its kind;
     * null when no policy is set. The s3: and ssm: readers build their client on first read.
     */
    private static PolicySource policySource(BackupConfig config, AwsCredentialsProvider credentials) {
        PolicySource.Setting setting = config.policy();
        if (setting == null) {
            return null;
        }
        PolicyReader reader = switch (setting.location().kind()) {
            case S3 -> S3PolicyReader.of(config.region(), config.s3Endpoint(), credentials);
            case SSM -> SsmPolicyReader.of(config.region(), config.ssmEndpoint(), credentials);
            default -> PolicySource.FILES; // BackupConfig let through files, s3: and ssm: only
        };
        return new PolicySource(setting.variable(), setting.location(), reader);
    }

    /**
     * The scheduled snapshots: the policy in {@code DBRE_BACKUP_POLICY} (a file, {@code s3://} or
     * {@code ssm:}), read now and at every tick.
     *
     * @throws ConfigException naming the variable when the policy is missing, unreadable or invalid
     */
    public SnapshotSchedule snapshotSchedule() {
        if (policy == null) {
            throw new ConfigException(
                    PolicySource.POLICY, "is required by the snapshot function: a policy file, s3:// or ssm: location");
        }
        return new SnapshotSchedule(policy, snapshotService(), config.dryRun());
    }

    /** The snapshot service, recording runs in {@code snapshot_runs}. */
    public SnapshotService snapshotService() {
        return SnapshotService.recording(metrics, database.connections(), config.retry());
    }

    /** The restore service over {@code restore_runs}, with the default timeout in DBRE_RESTORE_TIMEOUT. */
    public RestoreService restoreService() {
        return new RestoreService(provider, database.connections(), metrics, config.restoreTimeout());
    }

    public RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }

    /**
     * The day's drill from {@code DBRE_DRILL_REQUEST_FILE}, read now.
     *
     * @throws ConfigException naming DBRE_DRILL_REQUEST_FILE when unset, unreadable or not a drill
     */
    public DrillSchedule drillSchedule() {
        if (config.drillRequestFile() == null) {
            throw new ConfigException(DrillSchedule.FILE, "is required but not set");
        }
        try {
            return new DrillSchedule(Files.readString(config.drillRequestFile()), restoreService(), DrillSchedule.FILE);
        } catch (IOException e) {
            throw new ConfigException(
                    DrillSchedule.FILE, "cannot read " + config.drillRequestFile() + ": " + e.getMessage());
        }
    }

    /**
     * The drill schedule: the drill of {@code DBRE_DRILL_REQUEST_FILE} when it is set, else the fleet
     * drills of the policy in {@code DBRE_BACKUP_POLICY} (read and validated now, and at every tick).
     *
     * @throws ConfigException naming the variable that is missing, unreadable or invalid
     */
    public ScheduledDrills scheduledDrills() {
        if (config.drillRequestFile() != null) {
            return ScheduledDrills.single(drillSchedule());
        }
        if (policy == null) {
            throw new ConfigException(
                    PolicySource.POLICY,
                    "is required by the drill function when " + DrillSchedule.FILE
                            + " is not set (the fleet drills of a policy)");
        }
        policy.load();
        FleetDrills fleet = new FleetDrills(
                restoreService(),
                provider,
                (db, name) -> provider.connect(db.id(), name),
                database.connections(),
                metrics);
        return ScheduledDrills.fleet(fleet, policy);
    }

    public RdsBackupProvider provider() {
        return provider;
    }

    public AwsDatabase database() {
        return database;
    }

    public Clock clock() {
        return clock;
    }

    /** Whether the Secrets Manager store for restored databases' logins has been built (a secret login used it). */
    public boolean secretStoreBuilt() {
        return secrets.isBuilt();
    }
}
