package dev.dbre.gcp.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.sqladmin.SQLAdmin;
import com.google.api.services.sqladmin.model.BackupRun;
import com.google.api.services.sqladmin.model.BackupRunsListResponse;
import com.google.api.services.sqladmin.model.CloneContext;
import com.google.api.services.sqladmin.model.DatabaseInstance;
import com.google.api.services.sqladmin.model.InstancesCloneRequest;
import com.google.api.services.sqladmin.model.InstancesListResponse;
import com.google.api.services.sqladmin.model.InstancesRestoreBackupRequest;
import com.google.api.services.sqladmin.model.IpMapping;
import com.google.api.services.sqladmin.model.Operation;
import com.google.api.services.sqladmin.model.OperationError;
import com.google.api.services.sqladmin.model.OperationsListResponse;
import com.google.api.services.sqladmin.model.RestoreBackupContext;
import com.google.api.services.sqladmin.model.Settings;
import com.google.api.services.sqladmin.model.SqlInstancesGetLatestRecoveryTimeResponse;
import dev.dbre.backup.ProductionTags;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.port.RestoreProvider;
import dev.dbre.port.RestoreSource;
import dev.dbre.port.RestoreTarget;
import dev.dbre.port.RestoreWindow;
import dev.dbre.port.Snapshot;
import dev.dbre.port.SnapshotProvider;
import dev.dbre.port.SnapshotRef;
import dev.dbre.port.SnapshotStatus;
import dev.dbre.restore.RestoreOverrides;
import dev.dbre.restore.RestoredTags;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cloud SQL for PostgreSQL as a {@link SnapshotProvider} and a {@link RestoreProvider}, through the
 * Cloud SQL Admin API v1 client ({@code google-api-services-sqladmin}).
 *
 * <ul>
 *   <li>Snapshots are on-demand backup runs. A backup run has no name and no labels: the server
 *       gives it a numeric id. So our name and tags live in its {@code description}: {@code <name>
 *       <tags as JSON>}, e.g. {@code dbre-orders-20261123-2200
 *       {"dbre:managed-by":"dbre","dbre:policy":"gold","dbre:slot":"20261123-2200"}}. A snapshot's
 *       id is that name for ours, {@code backup-run-<id>} for the others (automated runs, hand-made
 *       ones), which therefore never look managed. Creating looks for a run with the name first
 *       (idempotent; two concurrent runs of the same slot could still both insert: runs do not
 *       overlap when scheduled once per slot).
 *   <li>Cloud SQL cannot copy a backup to another region. {@link #copySnapshot} runs a second
 *       on-demand backup of the instance ({@code backupRuns.insert}) with {@code location} set to
 *       the target region, and the copy's name and tags: not a copy of the source backup's bytes but
 *       a later backup of the same instance stored in the other region, taken when the copy is due
 *       (after the source backup completed, so minutes to hours younger). The policy's KMS key is
 *       not applied: Cloud SQL encrypts every backup with the instance's own key (CMEK if it has
 *       one). A policy with {@code share} is refused ({@link #unsupported}).
 *   <li>Point-in-time restore is {@code instances.clone} with {@code pointInTime} into a new
 *       instance (none: the latest state). The window is {@code getLatestRecoveryTime}'s earliest
 *       and latest recovery times; where the API gives no earliest, it is the later of now minus
 *       {@code transactionLogRetentionDays} and the oldest successful backup. No window when
 *       {@code pointInTimeRecoveryEnabled} is off. A clone cannot carry labels, so until it is
 *       labelled the proof that an instance is the run's clone is the clone operation its start
 *       returned ({@link RestoreTarget#startRef}): the clone request named the instance, and an
 *       instance name exists once per project, so while that operation has not failed the
 *       instance with the name is the one it creates. {@link #progress} puts our labels (the run's
 *       id among them) and the tier override on the clone with {@code instances.patch} once it is
 *       RUNNABLE, and reports AVAILABLE when they are there. An instance with the name that carries
 *       another run's id, or none and no such proof, is never labelled, adopted or deleted: the
 *       run fails and the instance is left alone.
 *   <li>Verification logs in to the clone by a {@link CloneLogin}: through the Cloud SQL connector
 *       to the clone's connection name, or to its IP address (the private one when it has one). A
 *       clone keeps the source's database flags (so {@code cloudsql.iam_authentication}) and, being
 *       a copy of its data, the source's roles: its IAM database users and its passwords.
 *   <li>Restore from a snapshot (a backup run) has no single call: {@link
 *       #startRestoreFromSnapshot} creates the new instance ({@code instances.insert}, the source's
 *       version and tier, in the backup's region, labelled with the run's id from the start) and
 *       {@link #progress} restores the backup run into it once it is RUNNABLE ({@code
 *       instances.restoreBackup} with {@code restoreBackupContext{backupRunId, instanceId: source,
 *       project}}), asked once: while a RESTORE_VOLUME operation is on the instance ({@code
 *       operations.list}) it is followed, not asked again.
 * </ul>
 *
 * <p>Label keys cannot hold ':' on Google Cloud: our tags become labels with ':' replaced by '-'
 * ({@code dbre-managed-by}, {@code dbre-restored-from}); database selection reads labels as tags
 * the same way ({@code dbre:backup-policy} matches the label {@code dbre-backup-policy}).
 */
public final class CloudSqlBackupProvider implements SnapshotProvider, RestoreProvider {
    public static final String KIND = "cloud-sql";
    private static final String FOREIGN_PREFIX = "backup-run-";
    /** The run id's label (labels cannot hold ':'). */
    private static final String RUN_LABEL = RestoredTags.TAG_RUN.replace(':', '-');

    private static final String RUN_MARKER = RUN_LABEL + " label";
    /**
     * The start reference of a restore from a backup run: {@code restore-backup:<instance>/<run id>}
     * (what {@link #progress} restores once the new instance runs).
     */
    static final String BACKUP_REF = "restore-backup:";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SQLAdmin sql;
    private final String project;
    private final Clock clock;
    private final CloneLogin login;
    private final int port;

    /** @param login how verification logs in to a clone ({@link CloneLogin}) */
    public CloudSqlBackupProvider(SQLAdmin sql, String project, Clock clock, CloneLogin login) {
        this(sql, project, clock, login, 5432);
    }

    /** As above, reaching restored instances on {@code port} (Cloud SQL's is 5432; tests use another). */
    public CloudSqlBackupProvider(SQLAdmin sql, String project, Clock clock, CloneLogin login, int port) {
        this.sql = sql;
        this.project = project;
        this.clock = clock;
        this.login = login;
        this.port = port;
    }

    // ---- SnapshotProvider ----------------------------------------------------------------------

    @Override
    public List<DatabaseRef> listDatabases(String region) {
        List<DatabaseRef> out = new ArrayList<>();
        try {
            String page = null;
            do {
                InstancesListResponse r =
                        sql.instances().list(project).setPageToken(page).execute();
                if (r.getItems() != null) {
                    for (DatabaseInstance i : r.getItems()) {
                        if (isPostgres(i)
                                && region.equals(i.getRegion())
                                && !"READ_REPLICA_INSTANCE".equals(i.getInstanceType())) {
                            out.add(ref(i));
                        }
                    }
                }
                page = r.getNextPageToken();
            } while (page != null);
        } catch (IOException e) {
            throw CloudSqlErrors.map(e, "listing instances of " + project);
        }
        return out;
    }

    @Override
    public List<Snapshot> listSnapshots(String databaseId, String region) {
        List<Snapshot> out = new ArrayList<>();
        for (BackupRun run : runs(databaseId)) {
            Snapshot s = snapshot(run, databaseId, region);
            if (region.equals(s.region()) && !"DELETED".equals(run.getStatus())) {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
        return insert(database.id(), database.region(), null, name, tags);
    }

    @Override
    public Snapshot copySnapshot(
            Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
        // kmsKeyId: Cloud SQL encrypts backups with the instance's own CMEK, if it has one.
        // The copy-of tag tells the copy's run from its source's, which has the same name.
        Map<String, String> copyTags = new TreeMap<>(tags);
        copyTags.putIfAbsent(Snapshot.TAG_COPY_OF, source.id());
        return insert(source.databaseId(), targetRegion, targetRegion, name, copyTags);
    }

    @Override
    public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
        // Never reached with a policy that asks for sharing: unsupported() refuses it before the run.
    }

    /**
     * {@code share} cannot be carried out: a backup run has no per-backup access list. Another
     * project can restore this project's backups ({@code restoreBackup} with the backup's project),
     * but only by IAM on this whole project ({@code cloudsql.backupRuns.get} for its identity), which
     * is granted once by an administrator, not per snapshot by this function.
     */
    @Override
    public String unsupported(BackupPolicy policy) {
        if (policy.share() != null) {
            return "share: Cloud SQL backups cannot be shared with other projects (a backup run has no access"
                    + " list; to let another project restore them, grant its identity cloudsql.backupRuns.get"
                    + " on this project); remove share from the policy";
        }
        return null;
    }

    @Override
    public void deleteSnapshot(Snapshot snapshot) {
        Optional<BackupRun> run = find(
                snapshot.databaseId(),
                snapshot.id(),
                snapshot.tags().containsKey(Snapshot.TAG_COPY_OF) ? snapshot.region() : null);
        if (run.isEmpty() || "DELETED".equals(run.get().getStatus())) {
            return;
        }
        try {
            sql.backupRuns()
                    .delete(project, snapshot.databaseId(), run.get().getId())
                    .execute();
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 404) {
                return;
            }
            throw CloudSqlErrors.map(e, "deleting backup run " + run.get().getId() + " (" + snapshot.id() + ")");
        }
    }

    // ---- RestoreProvider -----------------------------------------------------------------------

    @Override
    public Optional<RestoreSource> describeSource(String sourceId) {
        Optional<DatabaseInstance> found = instance(sourceId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DatabaseInstance i = found.get();
        Settings s = i.getSettings();
        boolean pitr = s != null
                && s.getBackupConfiguration() != null
                && Boolean.TRUE.equals(s.getBackupConfiguration().getPointInTimeRecoveryEnabled());
        if (!pitr) {
            return Optional.of(new RestoreSource(ref(i), null));
        }
        Instant earliest = null;
        Instant latest = null;
        try {
            SqlInstancesGetLatestRecoveryTimeResponse r = sql.projects()
                    .instances()
                    .getLatestRecoveryTime(project, sourceId)
                    .execute();
            earliest = time(r.getEarliestRecoveryTime());
            latest = time(r.getLatestRecoveryTime());
        } catch (IOException e) {
            throw CloudSqlErrors.map(e, "reading the recovery window of " + sourceId);
        }
        if (earliest == null) {
            earliest = earliestFromBackups(sourceId, s);
        }
        if (latest == null) {
            latest = clock.instant();
        }
        return Optional.of(new RestoreSource(
                ref(i), earliest == null || earliest.isAfter(latest) ? null : new RestoreWindow(earliest, latest)));
    }

    @Override
    public boolean nameTaken(String name) {
        return instance(name).isPresent();
    }

    /**
     * Clones {@code sourceId} as {@code newName}.
     *
     * @return the clone operation's name: what proves the instance is this run's until it is labelled
     * @throws ProviderException ALREADY_EXISTS (code NameTaken) when an instance with the name exists that is not labelled
     *     with the run's id (also one still being created: an unlabelled instance cannot be told
     *     from someone else's)
     */
    @Override
    public String startRestore(
            UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        RestoreOverrides o = RestoreOverrides.of(overrides); // applied in progress(): a clone takes no settings
        CloneContext ctx = new CloneContext().setDestinationInstanceName(newName);
        if (targetTime != null) {
            ctx.setPointInTime(targetTime.toString());
        }
        Operation op;
        try {
            op = sql.instances()
                    .clone(project, sourceId, new InstancesCloneRequest().setCloneContext(ctx))
                    .execute();
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 409 && CloudSqlErrors.reason(e).contains("AlreadyExists")) {
                Optional<DatabaseInstance> existing = instance(newName);
                if (existing.isPresent() && createdBy(existing.get(), runId)) {
                    return null; // this run's clone, labelled after an earlier start
                }
                throw RestoredTags.nameTaken(newName, runId, RUN_MARKER);
            }
            throw CloudSqlErrors.map(e, "cloning " + sourceId + " as " + newName);
        }
        pendingOverrides.put(runId, RestoredTags.of(sourceId, runId, o.tags()));
        pendingTier.put(runId, Optional.ofNullable(o.instanceClass()));
        return op == null ? null : op.getName();
    }

    /** The backup runs of {@code sourceId} stored in {@code region} (null: the instance's own region). */
    @Override
    public List<Snapshot> snapshotsOf(String sourceId, String region) {
        if (region != null) {
            return listSnapshots(sourceId, region);
        }
        return instance(sourceId)
                .map(i -> listSnapshots(sourceId, i.getRegion()))
                .orElse(List.of());
    }

    /**
     * Creates {@code newName} as an empty instance like the source (its version, its tier unless
     * {@code instanceClass} overrides it, in the backup's region), labelled with the run's id from
     * the start; {@link #progress} restores the backup run into it ({@code restoreBackup} with
     * {@code restoreBackupContext{backupRunId, instanceId: source, project}}) once it is RUNNABLE.
     *
     * @return {@code restore-backup:<source>/<backup run id>}
     * @throws ProviderException NOT_FOUND when no backup run of the source has the snapshot's id in
     *     its region, INVALID_REQUEST when the source instance is gone (its version is needed),
     *     ALREADY_EXISTS (NameTaken) when an instance with the name is not labelled with the run's id
     */
    @Override
    public String startRestoreFromSnapshot(
            UUID runId, SnapshotRef snapshot, String newName, Map<String, Object> overrides) {
        String source = snapshot.databaseId();
        BackupRun run = runs(source).stream()
                .filter(r -> snapshot.id().equals(idOf(r)) && !"DELETED".equals(r.getStatus()))
                .filter(r -> snapshot.region() == null
                        || snapshot.region()
                                .equals(snapshot(r, source, snapshot.region()).region()))
                .findFirst()
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND,
                        "BackupRunNotFound",
                        "no backup run " + snapshot.id() + " of " + source + " in " + snapshot.region(),
                        null));
        String ref = BACKUP_REF + source + "/" + run.getId();
        DatabaseInstance src = instance(source)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.INVALID_REQUEST,
                        "SourceInstanceGone",
                        "instance " + source + " of backup " + snapshot.id() + " is gone: its version and tier are"
                                + " needed for the new instance",
                        null));
        RestoreOverrides o = RestoreOverrides.of(overrides);
        Settings settings = new Settings()
                .setTier(
                        o.instanceClass() != null
                                ? o.instanceClass()
                                : src.getSettings().getTier())
                .setUserLabels(labelsOf(RestoredTags.of(source, runId, o.tags())));
        DatabaseInstance create = new DatabaseInstance()
                .setName(newName)
                .setDatabaseVersion(src.getDatabaseVersion())
                .setRegion(snapshot.region() != null ? snapshot.region() : src.getRegion())
                .setSettings(settings);
        try {
            sql.instances().insert(project, create).execute();
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 409) {
                Optional<DatabaseInstance> existing = instance(newName);
                if (existing.isPresent() && createdBy(existing.get(), runId)) {
                    return ref; // a repeated start of the same run
                }
                throw RestoredTags.nameTaken(newName, runId, RUN_MARKER);
            }
            throw CloudSqlErrors.map(e, "creating instance " + newName + " for backup " + snapshot.id());
        }
        return ref;
    }

    /**
     * A restore from a backup run into the run's new instance: RESTORING while it is created, then
     * {@code restoreBackup} is asked once it runs (no RESTORE_VOLUME operation on it yet), RESTORING
     * while that operation runs, FAILED with its error, and as any restored instance once it is done.
     */
    private RestoreProgress backupProgress(RestoreTarget target, DatabaseInstance i) {
        String state = i.getState();
        if (!"RUNNABLE".equals(state)) {
            return progress(i.getName(), Optional.of(i));
        }
        String[] sourceAndRun = target.startRef().substring(BACKUP_REF.length()).split("/", 2);
        Operation restore = restoreOperation(i.getName());
        if (restore == null) {
            RestoreBackupContext ctx = new RestoreBackupContext()
                    .setBackupRunId(Long.valueOf(sourceAndRun[1]))
                    .setInstanceId(sourceAndRun[0])
                    .setProject(project);
            try {
                sql.instances()
                        .restoreBackup(
                                project, i.getName(), new InstancesRestoreBackupRequest().setRestoreBackupContext(ctx))
                        .execute();
            } catch (IOException e) {
                throw CloudSqlErrors.map(e, "restoring backup run " + sourceAndRun[1] + " into " + i.getName());
            }
            return new RestoreProgress(
                    RestoreProgress.State.RESTORING,
                    null,
                    0,
                    "restoring backup run " + sourceAndRun[1] + " of " + sourceAndRun[0]);
        }
        if (!"DONE".equals(restore.getStatus())) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "restoring the backup run");
        }
        if (restore.getError() != null
                && restore.getError().getErrors() != null
                && !restore.getError().getErrors().isEmpty()) {
            OperationError first = restore.getError().getErrors().get(0);
            return new RestoreProgress(
                    RestoreProgress.State.FAILED,
                    null,
                    0,
                    "restoreBackup failed: " + first.getCode() + ": " + first.getMessage());
        }
        return progress(i.getName(), Optional.of(i));
    }

    /** The newest RESTORE_VOLUME operation on {@code instance}, or null. */
    private Operation restoreOperation(String instance) {
        try {
            OperationsListResponse r =
                    sql.operations().list(project).setInstance(instance).execute();
            if (r.getItems() == null) {
                return null;
            }
            // Newest first, as the API lists them.
            return r.getItems().stream()
                    .filter(op -> "RESTORE_VOLUME".equals(op.getOperationType()))
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            throw CloudSqlErrors.map(e, "listing the operations of " + instance);
        }
    }

    // Labels and tier to put on a clone once it runs, kept by the function instance that started
    // it, by run. Another instance that sees the clone first labels it without the user's tags and
    // tier: dbre-managed-by=dbre, dbre-restored-from=unknown and the run's id (enough to own it).
    private final Map<UUID, Map<String, String>> pendingOverrides = new ConcurrentHashMap<>();
    private final Map<UUID, Optional<String>> pendingTier = new ConcurrentHashMap<>();

    /**
     * The clone's state; labels it once RUNNABLE. FAILED, leaving the instance untouched, when the
     * instance with the name is not the run's, or when the run's clone operation failed.
     */
    @Override
    public RestoreProgress progress(RestoreTarget target) {
        String newName = target.newName();
        Optional<DatabaseInstance> found = instance(newName);
        if (found.isEmpty()) {
            return progress(newName, found);
        }
        DatabaseInstance i = found.get();
        if (target.startRef() != null && target.startRef().startsWith(BACKUP_REF)) {
            // Created labelled: the label alone says whose it is.
            return createdBy(i, target.runId())
                    ? backupProgress(target, i)
                    : RestoredTags.notOurs(newName, target.runId(), RUN_MARKER);
        }
        if (!createdBy(i, target.runId())) {
            Optional<String> cloneFailure = labelled(i) ? Optional.empty() : cloneFailure(target);
            if (labelled(i) || cloneFailure == null) {
                return RestoredTags.notOurs(newName, target.runId(), RUN_MARKER);
            }
            if (cloneFailure.isPresent()) {
                return new RestoreProgress(
                        RestoreProgress.State.FAILED,
                        null,
                        0,
                        "the clone failed (" + cloneFailure.get() + "); " + newName + " is not this run's: left alone");
            }
            if ("RUNNABLE".equals(i.getState())) {
                label(i, labels(i), target.runId());
                return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "labelling the clone");
            }
        }
        return progress(newName, found);
    }

    /**
     * Whether the run's clone operation failed: empty when it has not (the instance is its clone),
     * its error when it did, null when there is no such operation to prove anything.
     */
    private Optional<String> cloneFailure(RestoreTarget target) {
        if (target.startRef() == null || target.startRef().startsWith(BACKUP_REF)) {
            return null;
        }
        Operation op;
        try {
            op = sql.operations().get(project, target.startRef()).execute();
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 404) {
                return null;
            }
            throw CloudSqlErrors.map(e, "reading clone operation " + target.startRef());
        }
        if (op.getError() != null
                && op.getError().getErrors() != null
                && !op.getError().getErrors().isEmpty()) {
            OperationError first = op.getError().getErrors().get(0);
            return Optional.of(first.getCode() + ": " + first.getMessage());
        }
        return Optional.empty();
    }

    private RestoreProgress progress(String newName, Optional<DatabaseInstance> found) {
        if (found.isEmpty()) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, "no instance " + newName);
        }
        DatabaseInstance i = found.get();
        String state = i.getState();
        if ("FAILED".equals(state) || "SUSPENDED".equals(state)) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, state);
        }
        if (!"RUNNABLE".equals(state)) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, state);
        }
        if (!labelled(i)) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "not labelled yet");
        }
        String host = address(i);
        if (host == null) {
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "no IP address yet");
        }
        return new RestoreProgress(RestoreProgress.State.AVAILABLE, host, port, state);
    }

    /**
     * Connections to {@code database} on the clone, by the {@link CloneLogin}: through the connector
     * to the clone's connection name, or to its IP address.
     *
     * @throws ProviderException BUSY (retryable, code NotAvailable) while the clone is not AVAILABLE
     */
    @Override
    public ConnectionFactory connect(String newName, String database) {
        Optional<DatabaseInstance> found = instance(newName);
        RestoreProgress progress = progress(newName, found);
        return login.connect(newName, found.map(this::connectionName).orElse(null), progress, database);
    }

    /** The instance connection name, {@code project:region:instance} when the API gives none. */
    String connectionName(DatabaseInstance i) {
        if (i.getConnectionName() != null && !i.getConnectionName().isBlank()) {
            return i.getConnectionName();
        }
        return (i.getProject() != null ? i.getProject() : project) + ":" + i.getRegion() + ":" + i.getName();
    }

    /**
     * Deletes the run's clone: labelled with the run's id, or, not labelled yet, created by the
     * run's clone operation (which has not failed). Any other instance with the name is NOT_OURS.
     */
    @Override
    public Deletion delete(RestoreTarget target) {
        String newName = target.newName();
        Optional<DatabaseInstance> found = instance(newName);
        if (found.isEmpty()) {
            return Deletion.ABSENT;
        }
        DatabaseInstance i = found.get();
        boolean ours = createdBy(i, target.runId())
                || (!labelled(i) && Optional.<String>empty().equals(cloneFailure(target)));
        if (!ours) {
            return Deletion.NOT_OURS;
        }
        if ("PENDING_DELETE".equals(i.getState())) {
            return Deletion.DELETED;
        }
        try {
            sql.instances().delete(project, newName).execute();
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 404) {
                return Deletion.DELETED;
            }
            throw CloudSqlErrors.map(e, "deleting instance " + newName);
        }
        return Deletion.DELETED;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Snapshot insert(String instance, String region, String location, String name, Map<String, String> tags) {
        Optional<BackupRun> existing = find(instance, name, location);
        if (existing.isPresent()) {
            return snapshot(existing.get(), instance, region);
        }
        BackupRun run = new BackupRun().setDescription(description(name, tags)).setLocation(location);
        try {
            sql.backupRuns().insert(project, instance, run).execute();
        } catch (IOException e) {
            throw CloudSqlErrors.map(e, "inserting backup run " + name + " of " + instance);
        }
        // The insert answers with an operation, not the run: read the run back.
        return find(instance, name, location)
                .map(r -> snapshot(r, instance, region))
                .orElse(new Snapshot(name, instance, region, clock.instant(), SnapshotStatus.CREATING, tags, -1));
    }

    /**
     * The run named {@code snapshotId}: with {@code copyLocation}, the copy stored there; without, the
     * source backup. A copy has its source's name (the planner names it so), so the two are told
     * apart by the copy-of tag and the location, never by the name alone.
     */
    private Optional<BackupRun> find(String instance, String snapshotId, String copyLocation) {
        for (BackupRun r : runs(instance)) {
            if (!snapshotId.equals(idOf(r))) {
                continue;
            }
            boolean copy = tagsOf(r).containsKey(Snapshot.TAG_COPY_OF);
            if (copyLocation == null ? !copy : copy && copyLocation.equals(r.getLocation())) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private List<BackupRun> runs(String instance) {
        List<BackupRun> out = new ArrayList<>();
        try {
            String page = null;
            do {
                BackupRunsListResponse r = sql.backupRuns()
                        .list(project, instance)
                        .setPageToken(page)
                        .setMaxResults(500)
                        .execute();
                if (r.getItems() != null) {
                    out.addAll(r.getItems());
                }
                page = r.getNextPageToken();
            } while (page != null);
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 404) {
                return out;
            }
            throw CloudSqlErrors.map(e, "listing backup runs of " + instance);
        }
        return out;
    }

    private Optional<DatabaseInstance> instance(String name) {
        try {
            return Optional.of(sql.instances().get(project, name).execute());
        } catch (IOException e) {
            if (CloudSqlErrors.status(e) == 404) {
                return Optional.empty();
            }
            // Cloud SQL answers 403 for an instance that does not exist in a project one may read.
            if (CloudSqlErrors.status(e) == 403 && CloudSqlErrors.reason(e).equals("notAuthorized")) {
                return Optional.empty();
            }
            throw CloudSqlErrors.map(e, "reading instance " + name);
        }
    }

    private void label(DatabaseInstance i, Map<String, String> labels, UUID runId) {
        Map<String, String> tags = pendingOverrides.getOrDefault(runId, RestoredTags.of("unknown", runId, Map.of()));
        Map<String, String> merged = new TreeMap<>(labels);
        merged.putAll(labelsOf(tags));
        Settings patch = new Settings().setUserLabels(merged);
        pendingTier.getOrDefault(runId, Optional.empty()).ifPresent(patch::setTier);
        try {
            sql.instances()
                    .patch(project, i.getName(), new DatabaseInstance().setSettings(patch))
                    .execute();
        } catch (IOException e) {
            throw CloudSqlErrors.map(e, "labelling clone " + i.getName());
        }
    }

    private Instant earliestFromBackups(String instance, Settings s) {
        Instant oldest = null;
        for (BackupRun r : runs(instance)) {
            Instant end = time(r.getEndTime());
            if ("SUCCESSFUL".equals(r.getStatus()) && end != null && (oldest == null || end.isBefore(oldest))) {
                oldest = end;
            }
        }
        Integer days = s.getBackupConfiguration().getTransactionLogRetentionDays();
        Instant logs = clock.instant().minus(Duration.ofDays(days == null ? 7 : days));
        if (oldest == null) {
            return null;
        }
        return oldest.isAfter(logs) ? oldest : logs;
    }

    /** True when the instance carries run {@code runId}'s labels. */
    private static boolean createdBy(DatabaseInstance i, UUID runId) {
        return RestoredTags.createdBy(tagsOf(labels(i)), runId);
    }

    /** True when the instance carries any run id label: then only that label says whose it is. */
    private static boolean labelled(DatabaseInstance i) {
        return labels(i).containsKey(RUN_LABEL);
    }

    private Snapshot snapshot(BackupRun r, String instance, String fallbackRegion) {
        String id = idOf(r);
        Map<String, String> tags = tagsOf(r);
        Instant at = time(r.getStartTime());
        if (at == null) {
            at = time(r.getEnqueuedTime());
        }
        String region = r.getLocation() != null && !r.getLocation().isBlank() ? r.getLocation() : fallbackRegion;
        return new Snapshot(id, instance, region, at != null ? at : clock.instant(), status(r.getStatus()), tags, -1);
    }

    /** Our name from the description, or backup-run-<id>. */
    static String idOf(BackupRun r) {
        String d = r.getDescription();
        if (d != null && d.startsWith("dbre-")) {
            int space = d.indexOf(' ');
            return space < 0 ? d : d.substring(0, space);
        }
        return FOREIGN_PREFIX + r.getId();
    }

    /** The tags kept in a description after our name, or none. */
    static Map<String, String> tagsOf(BackupRun r) {
        String d = r.getDescription();
        if (d == null || !d.startsWith("dbre-")) {
            return Map.of();
        }
        int brace = d.indexOf('{');
        if (brace < 0) {
            return Map.of();
        }
        try {
            return JSON.readValue(d.substring(brace), new TypeReference<LinkedHashMap<String, String>>() {});
        } catch (JsonProcessingException e) {
            return Map.of(); // a hand-edited description: not ours to delete
        }
    }

    static String description(String name, Map<String, String> tags) {
        try {
            return name + " " + JSON.writeValueAsString(new TreeMap<>(tags));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cloud SQL backup run status → ours; unknown ones are CREATING (never deleted). */
    static SnapshotStatus status(String s) {
        if (s == null) {
            return SnapshotStatus.CREATING;
        }
        return switch (s) {
            case "SUCCESSFUL" -> SnapshotStatus.AVAILABLE;
            case "FAILED", "SKIPPED" -> SnapshotStatus.FAILED;
            case "DELETION_PENDING", "DELETED" -> SnapshotStatus.DELETING;
            default -> SnapshotStatus.CREATING; // ENQUEUED, RUNNING, OVERDUE, DELETION_FAILED, ...
        };
    }

    private static boolean isPostgres(DatabaseInstance i) {
        return i.getDatabaseVersion() != null && i.getDatabaseVersion().startsWith("POSTGRES");
    }

    private static DatabaseRef ref(DatabaseInstance i) {
        Map<String, String> tags = tagsOf(labels(i));
        return new DatabaseRef(i.getName(), KIND, i.getRegion(), tags, ProductionTags.isProduction(tags));
    }

    private static Map<String, String> labels(DatabaseInstance i) {
        if (i.getSettings() == null || i.getSettings().getUserLabels() == null) {
            return Map.of();
        }
        return i.getSettings().getUserLabels();
    }

    /** Labels as tags: {@code dbre-x} reads as {@code dbre:x} (labels cannot hold ':'). */
    static Map<String, String> tagsOf(Map<String, String> labels) {
        Map<String, String> tags = new LinkedHashMap<>();
        labels.forEach((k, v) -> tags.put(k.startsWith("dbre-") ? "dbre:" + k.substring(5) : k, v));
        return tags;
    }

    /** Tags as labels: lower case, ':' → '-', values cut to 63 characters of [a-z0-9_-]. */
    static Map<String, String> labelsOf(Map<String, String> tags) {
        Map<String, String> labels = new TreeMap<>();
        tags.forEach((k, v) -> labels.put(clean(k.replace(':', '-')), clean(v)));
        return labels;
    }

    private static String clean(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ? c : '_');
            if (b.length() == 63) {
                break;
            }
        }
        return b.toString();
    }

    private static String address(DatabaseInstance i) {
        if (i.getIpAddresses() == null) {
            return null;
        }
        String primary = null;
        for (IpMapping m : i.getIpAddresses()) {
            if ("PRIVATE".equals(m.getType())) {
                return m.getIpAddress();
            }
            if ("PRIMARY".equals(m.getType())) {
                primary = m.getIpAddress();
            }
        }
        return primary;
    }

    private static Instant time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isBlank()) {
            return null;
        }
        return OffsetDateTime.parse(rfc3339).toInstant();
    }
}
