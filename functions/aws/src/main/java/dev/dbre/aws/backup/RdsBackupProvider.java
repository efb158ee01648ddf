package dev.dbre.aws.backup;

import dev.dbre.aws.db.RdsIamTokenCache;
import dev.dbre.backup.ProductionTags;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Lazy;
import dev.dbre.db.DbAuth;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.SecretStore;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotRef;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.restore.RestoreOverrides;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.restore.RestoredTags;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * RDS instances and Aurora clusters (PostgreSQL engines) as a {@link SnapshotProvider} and a {@link
 * RestoreProvider}, through the AWS SDK v2 RDS client.
 *
 * <ul>
 *   <li>Databases: DescribeDBInstances (instances that belong to a cluster are left out: their
 *       cluster is the unit) and DescribeDBClusters, with their tags (TagList), engines {@code
 *       postgres} and {@code aurora-postgresql} only. Kind {@value #RDS_INSTANCE} or {@value
 *       #AURORA_CLUSTER}.
 *   <li>Snapshots: manual and automated DB (cluster) snapshots with their TagList. Create and copy
 *       send our tags in the same call (no window where a snapshot is ours but untagged). A name
 *       that exists already ({@code DBSnapshotAlreadyExists}) is success: the existing snapshot is
 *       described and returned as it is; if it does not carry our tags it stays someone else's and
 *       retention never deletes it. A cross-Region copy is sent to a client of the DESTINATION
 *       Region with the source ARN and {@code SourceRegion}: the SDK computes the {@code
 *       PreSignedUrl}.
 *   <li>Restore: RestoreDBInstanceToPointInTime, or for Aurora RestoreDBClusterToPointInTime and,
 *       once the cluster is available (AWS refuses earlier), CreateDBInstance for its writer, with
 *       the same identifier as the cluster (instance and cluster identifiers are separate name
 *       spaces). The restored database gets IAM authentication, no deletion protection and the tags
 *       of {@link RestoredTags}, its run's id among them ({@code dbre:restore-run}, sent in the
 *       create call itself). A start that finds the name taken adopts the database only when it
 *       carries the run's id; {@link #progress} reports on, and {@link #delete} deletes, only such a
 *       database: any other with the name (a kept restore, another run's, a hand-made one) is
 *       left alone.
 *   <li>Restore from a snapshot: RestoreDBInstanceFromDBSnapshot, or for an Aurora cluster
 *       snapshot RestoreDBClusterFromSnapshot and then its writer as above, with the same tags and
 *       settings. A snapshot is restored in the Region where it is stored: a copy in another Region
 *       by that Region's client, and the run follows, verifies and deletes its database there (the
 *       start returns {@code region=<Region>} as the run's start reference).
 * </ul>
 *
 * <p>Errors map through {@link RdsErrors}. Snapshot statuses RDS may add later map to {@link
 * SnapshotStatus#CREATING}, which retention never deletes.
 */
public final class RdsBackupProvider implements SnapshotProvider, RestoreProvider {
    public static final String RDS_INSTANCE = "rds-instance";
    public static final String AURORA_CLUSTER = "aurora-cluster";
    /** On a restored Aurora cluster: the class of the writer instance to create once it is available. */
    static final String TAG_INSTANCE_CLASS = "dbre:instance-class";
    /** How refusals name the mark a run's database carries. */
    private static final String RUN_MARKER = RestoredTags.TAG_RUN + " tag";
    /** The start reference of a restore in another Region than home (a copy restored where it is). */
    static final String REGION_REF = "region=";

    private static final Set<String> ENGINES = Set.of("postgres", "aurora-postgresql");
    private static final Set<String> INSTANCE_FAILED = Set.of(
            "failed",
            "incompatible-restore",
            "incompatible-parameters",
            "incompatible-network",
            "incompatible-option-group",
            "inaccessible-encryption-credentials",
            "inaccessible-encryption-credentials-recoverable",
            "restore-error",
            "storage-full");

    private final RdsClients clients;
    private final String homeRegion;
    private final Clock clock;
    private final RestoredDbLogin login;
    private final AwsCredentialsProvider credentials;
    private final Supplier<SecretStore> secrets;
    /** region/id of snapshots seen, and whether each is a cluster snapshot: saves a probe on copy/delete. */
    private final Map<String, Boolean> clusterSnapshot = new ConcurrentHashMap<>();

    /**
     * @param clients RDS clients per Region
     * @param homeRegion the Region of the databases this provider restores
     * @param clock stands in for a snapshot's time while RDS reports none (still creating)
     * @param login how verification logs in to a restored database
     * @param credentials sign RDS IAM tokens for that login (used only with {@link DbAuth#IAM})
     * @param secrets the secret store for {@link DbAuth#SECRET} logins, asked for on first such login
     *     only (pass a {@link Lazy} so that nothing is built when the login is not a secret)
     */
    public RdsBackupProvider(
            RdsClients clients,
            String homeRegion,
            Clock clock,
            RestoredDbLogin login,
            AwsCredentialsProvider credentials,
            Supplier<SecretStore> secrets) {
        this.clients = clients;
        this.homeRegion = homeRegion;
        this.clock = clock;
        this.login = login;
        this.credentials = credentials;
        this.secrets = secrets;
    }

    /** A provider whose restored-database login is not a secret ({@link DbAuth#IAM} or {@link DbAuth#NONE}). */
    public RdsBackupProvider(
            RdsClients clients,
            String homeRegion,
            Clock clock,
            RestoredDbLogin login,
            AwsCredentialsProvider credentials) {
        this(clients, homeRegion, clock, login, credentials, () -> {
            throw new ConfigException(RestoredDbLogin.AUTH, "secret: no secret store was configured");
        });
    }

    // ---- SnapshotProvider ----------------------------------------------------------------------

    @Override
    public List<DatabaseRef> listDatabases(String region) {
        RdsClient rds = clients.in(region);
        List<DatabaseRef> out = new ArrayList<>();
        try {
            for (DBInstance i : rds.describeDBInstancesPaginator(b -> {}).dbInstances()) {
                if (i.dbClusterIdentifier() == null && ENGINES.contains(i.engine())) {
                    out.add(ref(i, region));
                }
            }
            for (DBCluster c : rds.describeDBClustersPaginator(b -> {}).dbClusters()) {
                if (ENGINES.contains(c.engine())) {
                    out.add(ref(c, region));
                }
            }
        } catch (SdkException e) {
            throw RdsErrors.map(e, "listing databases in " + region);
        }
        return out;
    }

    @Override
    public List<Snapshot> listSnapshots(String databaseId, String region) {
        RdsClient rds = clients.in(region);
        List<Snapshot> out = new ArrayList<>();
        try {
            for (DBSnapshot s : rds.describeDBSnapshotsPaginator(b -> b.dbInstanceIdentifier(databaseId))
                    .dbSnapshots()) {
                out.add(snapshot(s, region));
            }
            for (DBClusterSnapshot s : rds.describeDBClusterSnapshotsPaginator(b -> b.dbClusterIdentifier(databaseId))
                    .dbClusterSnapshots()) {
                out.add(snapshot(s, region));
            }
        } catch (SdkException e) {
            throw RdsErrors.map(e, "listing snapshots of " + databaseId + " in " + region);
        }
        return out;
    }

    @Override
    public Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
        RdsClient rds = clients.in(database.region());
        boolean cluster = AURORA_CLUSTER.equals(database.kind());
        try {
            if (cluster) {
                return snapshot(
                        rds.createDBClusterSnapshot(b -> b.dbClusterIdentifier(database.id())
                                        .dbClusterSnapshotIdentifier(name)
                                        .tags(tags(tags)))
                                .dbClusterSnapshot(),
                        database.region());
            }
            return snapshot(
                    rds.createDBSnapshot(b -> b.dbInstanceIdentifier(database.id())
                                    .dbSnapshotIdentifier(name)
                                    .tags(tags(tags)))
                            .dbSnapshot(),
                    database.region());
        } catch (SdkException e) {
            if (RdsErrors.is(e, "DBSnapshotAlreadyExists", "DBClusterSnapshotAlreadyExistsFault")) {
                return describeSnapshot(name, database.region(), cluster)
                        .orElseThrow(() -> RdsErrors.map(e, "creating snapshot " + name));
            }
            throw RdsErrors.map(e, "creating snapshot " + name + " of " + database.id());
        }
    }

    @Override
    public Snapshot copySnapshot(
            Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
        // The source must be named by its ARN for a cross-Region copy; describing it also tells
        // instance from cluster snapshot.
        Located src = locate(source.id(), source.region())
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND,
                        "DBSnapshotNotFound",
                        "copying " + source.id() + ": no such snapshot in " + source.region(),
                        null));
        RdsClient target = clients.in(targetRegion);
        boolean crossRegion = !targetRegion.equals(source.region());
        try {
            if (src.cluster()) {
                return snapshot(
                        target.copyDBClusterSnapshot(b -> b.sourceDBClusterSnapshotIdentifier(src.arn())
                                        .targetDBClusterSnapshotIdentifier(name)
                                        .kmsKeyId(kmsKeyId)
                                        .sourceRegion(crossRegion ? source.region() : null)
                                        .tags(tags(tags)))
                                .dbClusterSnapshot(),
                        targetRegion);
            }
            return snapshot(
                    target.copyDBSnapshot(b -> b.sourceDBSnapshotIdentifier(src.arn())
                                    .targetDBSnapshotIdentifier(name)
                                    .kmsKeyId(kmsKeyId)
                                    .sourceRegion(crossRegion ? source.region() : null)
                                    .tags(tags(tags)))
                            .dbSnapshot(),
                    targetRegion);
        } catch (SdkException e) {
            if (RdsErrors.is(e, "DBSnapshotAlreadyExists", "DBClusterSnapshotAlreadyExistsFault")) {
                return describeSnapshot(name, targetRegion, src.cluster())
                        .orElseThrow(() -> RdsErrors.map(e, "copying snapshot " + name));
            }
            throw RdsErrors.map(e, "copying " + source.id() + " to " + targetRegion + " as " + name);
        }
    }

    @Override
    public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
        if (accountIds.isEmpty()) {
            return;
        }
        RdsClient rds = clients.in(snapshot.region());
        try {
            if (isCluster(snapshot)) {
                rds.modifyDBClusterSnapshotAttribute(b -> b.dbClusterSnapshotIdentifier(snapshot.id())
                        .attributeName("restore")
                        .valuesToAdd(accountIds));
            } else {
                rds.modifyDBSnapshotAttribute(b -> b.dbSnapshotIdentifier(snapshot.id())
                        .attributeName("restore")
                        .valuesToAdd(accountIds));
            }
        } catch (SdkException e) {
            throw RdsErrors.map(e, "sharing " + snapshot.id() + " with " + accountIds);
        }
    }

    @Override
    public void deleteSnapshot(Snapshot snapshot) {
        RdsClient rds = clients.in(snapshot.region());
        try {
            if (isCluster(snapshot)) {
                rds.deleteDBClusterSnapshot(b -> b.dbClusterSnapshotIdentifier(snapshot.id()));
            } else {
                rds.deleteDBSnapshot(b -> b.dbSnapshotIdentifier(snapshot.id()));
            }
        } catch (SdkException e) {
            if (!RdsErrors.is(e, "DBSnapshotNotFound", "DBClusterSnapshotNotFoundFault")) {
                throw RdsErrors.map(e, "deleting " + snapshot.id() + " in " + snapshot.region());
            }
        }
        clusterSnapshot.remove(key(snapshot.region(), snapshot.id()));
    }

    // ---- RestoreProvider -----------------------------------------------------------------------

    @Override
    public Optional<RestoreSource> describeSource(String sourceId) {
        RdsClient rds = clients.in(homeRegion);
        try {
            Optional<DBInstance> instance = instance(rds, sourceId);
            if (instance.isPresent() && instance.get().dbClusterIdentifier() == null) {
                DBInstance i = instance.get();
                Instant earliest = null;
                for (DBInstanceAutomatedBackup b : rds.describeDBInstanceAutomatedBackups(
                                r -> r.dbInstanceIdentifier(sourceId))
                        .dbInstanceAutomatedBackups()) {
                    if ("active".equals(b.status()) && b.restoreWindow() != null) {
                        earliest = b.restoreWindow().earliestTime();
                    }
                }
                // No window (automated backups off, none completed yet): RestoreService refuses
                // with TARGET_OUTSIDE_WINDOW rather than this provider failing.
                RestoreWindow window = earliest == null || i.latestRestorableTime() == null
                        ? null
                        : new RestoreWindow(earliest, i.latestRestorableTime());
                return Optional.of(new RestoreSource(ref(i, homeRegion), window));
            }
            String clusterId = instance.map(DBInstance::dbClusterIdentifier).orElse(sourceId);
            Optional<DBCluster> cluster = cluster(rds, clusterId);
            if (cluster.isEmpty()) {
                return Optional.empty();
            }
            DBCluster c = cluster.get();
            // The restorable times read null while the cluster is itself being restored.
            RestoreWindow window = c.earliestRestorableTime() == null || c.latestRestorableTime() == null
                    ? null
                    : new RestoreWindow(c.earliestRestorableTime(), c.latestRestorableTime());
            return Optional.of(new RestoreSource(ref(c, homeRegion), window));
        } catch (SdkException e) {
            throw RdsErrors.map(e, "describing " + sourceId);
        }
    }

    @Override
    public boolean nameTaken(String name) {
        RdsClient rds = clients.in(homeRegion);
        try {
            return instance(rds, name).isPresent() || cluster(rds, name).isPresent();
        } catch (SdkException e) {
            throw RdsErrors.map(e, "checking whether " + name + " exists");
        }
    }

    @Override
    public String startRestore(
            UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        RestoreOverrides o = RestoreOverrides.of(overrides);
        Map<String, String> tags = RestoredTags.of(sourceId, runId, o.tags());
        RdsClient rds = clients.in(homeRegion);
        try {
            Optional<DBInstance> instance = instance(rds, sourceId);
            if (instance.isPresent() && instance.get().dbClusterIdentifier() == null) {
                rds.restoreDBInstanceToPointInTime(b -> b.sourceDBInstanceIdentifier(sourceId)
                        .targetDBInstanceIdentifier(newName)
                        .restoreTime(targetTime)
                        .useLatestRestorableTime(targetTime == null ? true : null)
                        .dbInstanceClass(o.instanceClass())
                        .dbSubnetGroupName(o.subnetGroup())
                        .vpcSecurityGroupIds(o.securityGroups().isEmpty() ? null : o.securityGroups())
                        .dbParameterGroupName(o.parameterGroup())
                        .enableIAMDatabaseAuthentication(true)
                        .deletionProtection(false)
                        .multiAZ(false)
                        .tags(tags(tags)));
                return null;
            }
            String clusterId = instance.map(DBInstance::dbClusterIdentifier).orElse(sourceId);
            DBCluster source = cluster(rds, clusterId)
                    .orElseThrow(() -> new ProviderException(
                            ProviderError.NOT_FOUND,
                            "DBInstanceNotFound",
                            "no instance or cluster named " + sourceId,
                            null));
            String instanceClass = o.instanceClass() != null ? o.instanceClass() : writerClass(rds, source);
            Map<String, String> clusterTags = new LinkedHashMap<>(tags);
            clusterTags.put(TAG_INSTANCE_CLASS, instanceClass);
            rds.restoreDBClusterToPointInTime(b -> b.sourceDBClusterIdentifier(clusterId)
                    .dbClusterIdentifier(newName)
                    .restoreToTime(targetTime)
                    .useLatestRestorableTime(targetTime == null ? true : null)
                    .restoreType("full-copy")
                    .dbSubnetGroupName(o.subnetGroup())
                    .vpcSecurityGroupIds(o.securityGroups().isEmpty() ? null : o.securityGroups())
                    .dbClusterParameterGroupName(o.parameterGroup())
                    .enableIAMDatabaseAuthentication(true)
                    .deletionProtection(false)
                    .tags(tags(clusterTags)));
            return null;
        } catch (SdkException e) {
            requireRepeatedStart(e, rds, newName, runId, "restoring " + sourceId + " as " + newName);
            return null; // a repeated start of the same run
        }
    }

    /**
     * Returns when {@code e} says {@code newName} exists and it is the run's own (a repeated start of
     * the same run); otherwise throws: the name taken by another, or the fault mapped.
     */
    private static void requireRepeatedStart(SdkException e, RdsClient rds, String newName, UUID runId, String doing) {
        if (RdsErrors.is(e, "DBInstanceAlreadyExists", "DBClusterAlreadyExistsFault")) {
            if (ownedBy(rds, newName, runId).orElse(false)) {
                return;
            }
            throw RestoredTags.nameTaken(newName, runId, RUN_MARKER);
        }
        throw RdsErrors.map(e, doing);
    }

    /** The DB and cluster snapshots of {@code sourceId} in {@code region} (null: the home Region). */
    @Override
    public List<Snapshot> snapshotsOf(String sourceId, String region) {
        return listSnapshots(sourceId, region == null ? homeRegion : region);
    }

    /**
     * RestoreDBInstanceFromDBSnapshot for a DB snapshot, RestoreDBClusterFromSnapshot for a cluster
     * snapshot (its writer is created once the cluster is available, as for a point-in-time restore),
     * in the snapshot's Region, with IAM authentication on, no deletion protection and the run's
     * tags.
     *
     * @return {@code region=<Region>} when the snapshot is stored outside the home Region, else null
     * @throws ProviderException NOT_FOUND when no such snapshot is in its Region, INVALID_REQUEST
     *     when a cluster snapshot's source cluster is gone and no {@code instanceClass} override
     *     names its writer's class, ALREADY_EXISTS (NameTaken) as {@link #startRestore}
     */
    @Override
    public String startRestoreFromSnapshot(
            UUID runId, SnapshotRef snapshot, String newName, Map<String, Object> overrides) {
        String region = snapshot.region() == null ? homeRegion : snapshot.region();
        RestoreOverrides o = RestoreOverrides.of(overrides);
        Map<String, String> tags = RestoredTags.of(snapshot.databaseId(), runId, o.tags());
        RdsClient rds = clients.in(region);
        String ref = region.equals(homeRegion) ? null : REGION_REF + region;
        Located located = locate(snapshot.id(), region)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND,
                        "DBSnapshotNotFound",
                        "no DB or cluster snapshot " + snapshot.id() + " in " + region,
                        null));
        try {
            if (!located.cluster()) {
                rds.restoreDBInstanceFromDBSnapshot(b -> b.dbSnapshotIdentifier(snapshot.id())
                        .dbInstanceIdentifier(newName)
                        .dbInstanceClass(o.instanceClass())
                        .dbSubnetGroupName(o.subnetGroup())
                        .vpcSecurityGroupIds(o.securityGroups().isEmpty() ? null : o.securityGroups())
                        .dbParameterGroupName(o.parameterGroup())
                        .enableIAMDatabaseAuthentication(true)
                        .deletionProtection(false)
                        .multiAZ(false)
                        .tags(tags(tags)));
                return ref;
            }
            String instanceClass = o.instanceClass() != null ? o.instanceClass() : snapshotWriterClass(snapshot);
            Map<String, String> clusterTags = new LinkedHashMap<>(tags);
            clusterTags.put(TAG_INSTANCE_CLASS, instanceClass);
            rds.restoreDBClusterFromSnapshot(b -> b.snapshotIdentifier(snapshot.id())
                    .dbClusterIdentifier(newName)
                    .engine(located.engine() != null ? located.engine() : "aurora-postgresql")
                    .dbSubnetGroupName(o.subnetGroup())
                    .vpcSecurityGroupIds(o.securityGroups().isEmpty() ? null : o.securityGroups())
                    .dbClusterParameterGroupName(o.parameterGroup())
                    .enableIAMDatabaseAuthentication(true)
                    .deletionProtection(false)
                    .tags(tags(clusterTags)));
            return ref;
        } catch (SdkException e) {
            requireRepeatedStart(
                    e, rds, newName, runId, "restoring snapshot " + snapshot.id() + " in " + region + " as " + newName);
            return ref; // a repeated start of the same run
        }
    }

    /** The writer class of a cluster snapshot's source cluster (in the home Region), for its restored writer. */
    private String snapshotWriterClass(SnapshotRef snapshot) {
        RdsClient home = clients.in(homeRegion);
        DBCluster source = cluster(home, snapshot.databaseId())
                .orElseThrow(() -> new ProviderException(
                        ProviderError.INVALID_REQUEST,
                        "NoWriter",
                        "cluster " + snapshot.databaseId() + " of snapshot " + snapshot.id()
                                + " is gone: set overrides." + RestoreOverrides.INSTANCE_CLASS
                                + " for the restored writer",
                        null));
        return writerClass(home, source);
    }

    /** The Region a run's database is in: its start reference's for a copy restored elsewhere, else home. */
    private String regionOf(RestoreTarget target) {
        String ref = target.startRef();
        return ref != null && ref.startsWith(REGION_REF) ? ref.substring(REGION_REF.length()) : homeRegion;
    }

    /** As RDS reports it, for the run's own database only: another with the name is FAILED, untouched. */
    @Override
    public RestoreProgress progress(RestoreTarget target) {
        String newName = target.newName();
        RdsClient rds = clients.in(regionOf(target));
        try {
            Optional<Boolean> ours = ownedBy(rds, newName, target.runId());
            if (ours.isPresent() && !ours.get()) {
                return RestoredTags.notOurs(newName, target.runId(), RUN_MARKER);
            }
            return progress(rds, newName);
        } catch (SdkException e) {
            throw RdsErrors.map(e, "describing restore " + newName);
        }
    }

    private RestoreProgress progress(RdsClient rds, String newName) {
        try {
            Optional<DBCluster> cluster = cluster(rds, newName);
            if (cluster.isPresent()) {
                return clusterProgress(rds, cluster.get());
            }
            Optional<DBInstance> instance = instance(rds, newName);
            if (instance.isEmpty()) {
                return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, "no instance or cluster " + newName);
            }
            return instanceProgress(instance.get());
        } catch (SdkException e) {
            throw RdsErrors.map(e, "describing restore " + newName);
        }
    }

    /**
     * Connections to the restored database with {@link RestoredDbLogin}: an RDS IAM token (signed
     * with this provider's credentials for the endpoint's host, port and user), the source's secret
     * (CURRENT, then PREVIOUS, then PENDING), or no password.
     *
     * @throws ProviderException BUSY (retryable, code NotAvailable) while the restored database is not available
     */
    @Override
    public ConnectionFactory connect(String newName, String database) {
        return login.connect(
                newName,
                progress(newName),
                database,
                settings -> RdsIamTokenCache.forRds(settings, Region.of(homeRegion), credentials, clock),
                secrets);
    }

    private RestoreProgress progress(String newName) {
        return progress(clients.in(homeRegion), newName);
    }

    /** As {@link #connect(String, String)}, in the Region the run's database is in (a copy's). */
    @Override
    public ConnectionFactory connect(RestoreTarget target, String database) {
        String region = regionOf(target);
        return login.connect(
                target.newName(),
                progress(clients.in(region), target.newName()),
                database,
                settings -> RdsIamTokenCache.forRds(settings, Region.of(region), credentials, clock),
                secrets);
    }

    /**
     * Deletes the run's instance or cluster (and the cluster's writer), skipping final snapshots;
     * NOT_OURS, deleting nothing, when either one with the name lacks the run's id.
     */
    @Override
    public Deletion delete(RestoreTarget target) {
        String newName = target.newName();
        RdsClient rds = clients.in(regionOf(target));
        try {
            Optional<DBInstance> instance = instance(rds, newName);
            Optional<DBCluster> cluster = cluster(rds, newName);
            if (instance.isEmpty() && cluster.isEmpty()) {
                return Deletion.ABSENT;
            }
            if (instance.isPresent()
                            && !RestoredTags.createdBy(tagMap(instance.get().tagList()), target.runId())
                    || cluster.isPresent()
                            && !RestoredTags.createdBy(tagMap(cluster.get().tagList()), target.runId())) {
                return Deletion.NOT_OURS;
            }
            if (instance.isPresent() && !"deleting".equals(instance.get().dbInstanceStatus())) {
                rds.deleteDBInstance(b ->
                        b.dbInstanceIdentifier(newName).skipFinalSnapshot(true).deleteAutomatedBackups(true));
            }
            if (cluster.isPresent() && !"deleting".equals(cluster.get().status())) {
                // AWS refuses while an instance of the cluster is not yet deleting: the
                // InvalidDBClusterStateFault is mapped retryable below, the next call finishes it.
                rds.deleteDBCluster(b -> b.dbClusterIdentifier(newName).skipFinalSnapshot(true));
            }
            return Deletion.DELETED;
        } catch (SdkException e) {
            if (RdsErrors.is(e, "DBInstanceNotFound", "DBClusterNotFoundFault")) {
                return Deletion.DELETED; // gone between the describe and the delete
            }
            if (RdsErrors.is(e, "InvalidDBClusterStateFault")) {
                throw new ProviderException(
                        ProviderError.BUSY,
                        "InvalidDBClusterStateFault",
                        "deleting cluster " + newName + ": " + e.getMessage(),
                        e);
            }
            throw RdsErrors.map(e, "deleting " + newName);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private RestoreProgress clusterProgress(RdsClient rds, DBCluster c) {
        String status = c.status();
        if (Set.of("failed", "inaccessible-encryption-credentials", "incompatible-network", "incompatible-restore")
                .contains(status)) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, "cluster " + status);
        }
        if (!"available".equals(status)) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "cluster " + status);
        }
        Optional<DBInstance> writer = instance(rds, c.dbClusterIdentifier());
        if (writer.isEmpty()) {
            // The cluster is restored without instances; its writer can only be created now.
            Map<String, String> tags = tagMap(c.tagList());
            String cls = tags.get(TAG_INSTANCE_CLASS);
            if (cls == null) {
                return new RestoreProgress(
                        RestoreProgress.State.FAILED, null, 0, "cluster has no " + TAG_INSTANCE_CLASS + " tag");
            }
            tags.remove(TAG_INSTANCE_CLASS);
            try {
                rds.createDBInstance(b -> b.dbInstanceIdentifier(c.dbClusterIdentifier())
                        .dbClusterIdentifier(c.dbClusterIdentifier())
                        .engine(c.engine())
                        .dbInstanceClass(cls)
                        .tags(tags(tags)));
            } catch (SdkException e) {
                if (!RdsErrors.is(e, "DBInstanceAlreadyExists")) {
                    throw e;
                }
            }
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "creating writer instance");
        }
        RestoreProgress w = instanceProgress(writer.get());
        if (w.state() != RestoreProgress.State.AVAILABLE) {
            return w;
        }
        return new RestoreProgress(RestoreProgress.State.AVAILABLE, c.endpoint(), c.port(), "available");
    }

    private static RestoreProgress instanceProgress(DBInstance i) {
        String status = i.dbInstanceStatus();
        if (INSTANCE_FAILED.contains(status)) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, status);
        }
        if ("available".equals(status) && i.endpoint() != null) {
            return new RestoreProgress(
                    RestoreProgress.State.AVAILABLE,
                    i.endpoint().address(),
                    i.endpoint().port(),
                    status);
        }
        return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, status);
    }

    /**
     * Empty when neither an instance nor a cluster has the name; true when every one that has it
     * carries run {@code runId}'s tag (an Aurora writer carries its cluster's tags).
     */
    private static Optional<Boolean> ownedBy(RdsClient rds, String name, UUID runId) {
        Optional<DBCluster> c = cluster(rds, name);
        Optional<DBInstance> i = instance(rds, name);
        if (c.isEmpty() && i.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(c.map(x -> RestoredTags.createdBy(tagMap(x.tagList()), runId))
                        .orElse(true)
                && i.map(x -> RestoredTags.createdBy(tagMap(x.tagList()), runId))
                        .orElse(true));
    }

    private String writerClass(RdsClient rds, DBCluster source) {
        for (DBClusterMember m : source.dbClusterMembers()) {
            if (Boolean.TRUE.equals(m.isClusterWriter())) {
                Optional<DBInstance> w = instance(rds, m.dbInstanceIdentifier());
                if (w.isPresent()) {
                    return w.get().dbInstanceClass();
                }
            }
        }
        throw new ProviderException(
                ProviderError.INVALID_STATE,
                "NoWriter",
                "cluster " + source.dbClusterIdentifier() + " has no writer instance to copy the class of:"
                        + " set overrides." + RestoreOverrides.INSTANCE_CLASS,
                null);
    }

    private static Optional<DBInstance> instance(RdsClient rds, String id) {
        try {
            return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream()
                    .findFirst();
        } catch (SdkException e) {
            if (RdsErrors.is(e, "DBInstanceNotFound")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Optional<DBCluster> cluster(RdsClient rds, String id) {
        try {
            return rds.describeDBClusters(b -> b.dbClusterIdentifier(id)).dbClusters().stream()
                    .findFirst();
        } catch (SdkException e) {
            if (RdsErrors.is(e, "DBClusterNotFoundFault")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private record Located(String arn, boolean cluster, String engine) {}

    /** Finds a snapshot by id: an instance snapshot first, else a cluster snapshot. */
    private Optional<Located> locate(String id, String region) {
        RdsClient rds = clients.in(region);
        try {
            Boolean known = clusterSnapshot.get(key(region, id));
            if (known == null || !known) {
                try {
                    for (DBSnapshot s : rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(id))
                            .dbSnapshots()) {
                        return Optional.of(new Located(s.dbSnapshotArn(), false, s.engine()));
                    }
                } catch (SdkException e) {
                    if (!RdsErrors.is(e, "DBSnapshotNotFound")) {
                        throw e;
                    }
                }
            }
            try {
                for (DBClusterSnapshot s : rds.describeDBClusterSnapshots(b -> b.dbClusterSnapshotIdentifier(id))
                        .dbClusterSnapshots()) {
                    return Optional.of(new Located(s.dbClusterSnapshotArn(), true, s.engine()));
                }
            } catch (SdkException e) {
                if (!RdsErrors.is(e, "DBClusterSnapshotNotFoundFault")) {
                    throw e;
                }
            }
            return Optional.empty();
        } catch (SdkException e) {
            throw RdsErrors.map(e, "describing snapshot " + id + " in " + region);
        }
    }

    private boolean isCluster(Snapshot s) {
        Boolean known = clusterSnapshot.get(key(s.region(), s.id()));
        if (known != null) {
            return known;
        }
        return locate(s.id(), s.region()).map(Located::cluster).orElse(false);
    }

    private Optional<Snapshot> describeSnapshot(String id, String region, boolean cluster) {
        RdsClient rds = clients.in(region);
        try {
            if (cluster) {
                return rds
                        .describeDBClusterSnapshots(b -> b.dbClusterSnapshotIdentifier(id))
                        .dbClusterSnapshots()
                        .stream()
                        .findFirst()
                        .map(s -> snapshot(s, region));
            }
            return rds.describeDBSnapshots(b -> b.dbSnapshotIdentifier(id)).dbSnapshots().stream()
                    .findFirst()
                    .map(s -> snapshot(s, region));
        } catch (SdkException e) {
            throw RdsErrors.map(e, "describing snapshot " + id + " in " + region);
        }
    }

    private Snapshot snapshot(DBSnapshot s, String region) {
        String where = regionOf(s.dbSnapshotArn(), region);
        clusterSnapshot.put(key(where, s.dbSnapshotIdentifier()), false);
        return new Snapshot(
                s.dbSnapshotIdentifier(),
                s.dbInstanceIdentifier(),
                where,
                s.snapshotCreateTime() != null ? s.snapshotCreateTime() : clock.instant(),
                status(s.status()),
                tagMap(s.tagList()),
                -1);
    }

    private Snapshot snapshot(DBClusterSnapshot s, String region) {
        String where = regionOf(s.dbClusterSnapshotArn(), region);
        clusterSnapshot.put(key(where, s.dbClusterSnapshotIdentifier()), true);
        return new Snapshot(
                s.dbClusterSnapshotIdentifier(),
                s.dbClusterIdentifier(),
                where,
                s.snapshotCreateTime() != null ? s.snapshotCreateTime() : clock.instant(),
                status(s.status()),
                tagMap(s.tagList()),
                -1);
    }

    /** RDS snapshot status → ours. Unknown (future) statuses are CREATING: retention never deletes those. */
    static SnapshotStatus status(String rds) {
        if (rds == null) {
            return SnapshotStatus.CREATING;
        }
        return switch (rds.toLowerCase(Locale.ROOT)) {
            case "available" -> SnapshotStatus.AVAILABLE;
            case "copying", "pending" -> SnapshotStatus.COPYING;
            case "deleting" -> SnapshotStatus.DELETING;
            case "failed", "error" -> SnapshotStatus.FAILED;
            default -> SnapshotStatus.CREATING;
        };
    }

    private static DatabaseRef ref(DBInstance i, String region) {
        Map<String, String> tags = tagMap(i.tagList());
        return new DatabaseRef(i.dbInstanceIdentifier(), RDS_INSTANCE, region, tags, ProductionTags.isProduction(tags));
    }

    private static DatabaseRef ref(DBCluster c, String region) {
        Map<String, String> tags = tagMap(c.tagList());
        return new DatabaseRef(
                c.dbClusterIdentifier(), AURORA_CLUSTER, region, tags, ProductionTags.isProduction(tags));
    }

    /** arn:aws:rds:REGION:ACCOUNT:snapshot:ID → REGION. */
    private static String regionOf(String arn, String fallback) {
        if (arn == null) {
            return fallback;
        }
        String[] parts = arn.split(":", 6);
        return parts.length > 4 && !parts[3].isEmpty() ? parts[3] : fallback;
    }

    private static String key(String region, String id) {
        return region + "/" + id;
    }

    private static List<Tag> tags(Map<String, String> tags) {
        List<Tag> out = new ArrayList<>(tags.size());
        tags.forEach((k, v) -> out.add(Tag.builder().key(k).value(v).build()));
        return out;
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null) {
            for (Tag t : tags) {
                out.put(t.key(), t.value() == null ? "" : t.value());
            }
        }
        return out;
    }
}
