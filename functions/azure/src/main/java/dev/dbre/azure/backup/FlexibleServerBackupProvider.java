package dev.dbre.azure.backup;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.management.exception.ManagementException;
import com.azure.resourcemanager.postgresqlflexibleserver.PostgreSqlManager;
import com.azure.resourcemanager.postgresqlflexibleserver.fluent.models.ServerInner;
import com.azure.resourcemanager.postgresqlflexibleserver.models.CreateMode;
import com.azure.resourcemanager.postgresqlflexibleserver.models.Server;
import com.azure.resourcemanager.postgresqlflexibleserver.models.ServerState;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.backup.ProductionTags;
import dev.dbre.backup.SnapshotNames;
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
import dev.dbre.port.SnapshotStatus;
import dev.dbre.restore.RestoreOverrides;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.restore.RestoredTags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Azure Database for PostgreSQL Flexible Server, in one resource group, as a {@link
 * SnapshotProvider} and a {@link RestoreProvider}.
 *
 * <ul>
 *   <li>Servers (list, get, point-in-time restore, delete) go through {@code
 *       azure-resourcemanager-postgresqlflexibleserver} 1.0.0. A restore is a new server with
 *       {@code createMode: PointInTimeRestore}, {@code sourceServerResourceId} and {@code
 *       pointInTimeUTC} (now, for "latest"), in the source's region; the request is sent and not
 *       waited for ({@code beginCreate}); {@link #progress} reads the server's state.
 *   <li>On-demand backups are not in that SDK (its API version, 2022-12-01, predates them), so
 *       they are ARM REST calls over the same authenticated {@link HttpPipeline}, API version
 *       {@value #BACKUP_API}: list, PUT and DELETE {@code .../flexibleServers/{server}/backups/{name}}.
 *       A backup has neither tags nor a description, so ownership lives in its name: a policy's
 *       backup is named {@code <snapshot name>-<policy>}, i.e. {@code
 *       dbre-<server>-<yyyymmdd-hhmm>-<policy>} (server and policy as {@link
 *       SnapshotNames#sanitise} writes them). A backup is the policy's only when its name is exactly
 *       that for the server it belongs to and the policy this provider runs for; it then reads as
 *       the snapshot {@code dbre-<server>-<yyyymmdd-hhmm>}, tagged with that policy and its slot.
 *       Every other backup (automatic, hand-made such as {@code dbre-manual-20240101-0000},
 *       another policy's, another server's, or named before policies were part of the name) reads
 *       untagged under its own name, and retention never deletes it.
 *   <li>Cross-region copies and sharing are not possible for Flexible Server backups: a policy
 *       with {@code copy} or {@code share} is refused before a run changes anything ({@link
 *       #unsupported}; geo-redundant backup storage and geo-restore are the cross-region answer).
 *   <li>A restore carries the source's {@code authConfig}; verification logs in as {@link
 *       RestoredServerLogin} says (Entra token, Key Vault secret, or none).
 *   <li>The restore window is [{@code backup.earliestRestoreDate}, now].
 *   <li>No restore from a snapshot: Flexible Server restores a server to a point in time (from
 *       its backups and logs together), never from one on-demand backup, so a request with {@code
 *       snapshot} is refused before any change ({@link #snapshotRestoreUnsupported}), pointing to a
 *       point-in-time restore to the backup's time.
 * </ul>
 */
public final class FlexibleServerBackupProvider implements SnapshotProvider, RestoreProvider {
    public static final String KIND = "flexible-server";
    static final String BACKUP_API = "2024-08-01";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A slot stamp in a backup name, UTC {@code yyyymmdd-hhmm}. */
    private static final Pattern STAMP = Pattern.compile("\\d{8}-\\d{4}");

    private static final int STAMP_LENGTH = 13;
    /** How refusals name the mark a run's server carries. */
    private static final String RUN_MARKER = RestoredTags.TAG_RUN + " tag";

    private final PostgreSqlManager manager;
    private final String subscription;
    private final String resourceGroup;
    private final String managedPolicy;
    private final Clock clock;
    private final RestoredServerLogin login;
    private final int port;

    /**
     * @param managedPolicy the policy whose name our backups carry (the snapshot function's); null
     *     for a restore-only provider (then no backup reads as managed)
     * @param login how verification logs in to a restored server
     * @param port the port restored servers are reached on (Flexible Server's is 5432; tests use
     *     another)
     */
    public FlexibleServerBackupProvider(
            PostgreSqlManager manager,
            String subscription,
            String resourceGroup,
            String managedPolicy,
            Clock clock,
            RestoredServerLogin login,
            int port) {
        this.manager = manager;
        this.subscription = subscription;
        this.resourceGroup = resourceGroup;
        this.managedPolicy = managedPolicy;
        this.clock = clock;
        this.login = login;
        this.port = port;
    }

    /**
     * As above with a login that needs no cloud credential ({@code none}; iam and secret fail naming
     * DBRE_RESTORE_DB_AUTH when a restored server is verified).
     */
    public FlexibleServerBackupProvider(
            PostgreSqlManager manager,
            String subscription,
            String resourceGroup,
            String managedPolicy,
            Clock clock,
            RestoredDbLogin login) {
        this(
                manager,
                subscription,
                resourceGroup,
                managedPolicy,
                clock,
                RestoredServerLogin.withoutCloudLogins(login, clock),
                5432);
    }

    /**
     * This provider for the policy named {@code policyName}: backups read as managed by it. The
     * snapshot function asks for one at every tick, since the policy (and so its name) may have been
     * edited since the last one.
     */
    public FlexibleServerBackupProvider forPolicy(String policyName) {
        if (java.util.Objects.equals(policyName, managedPolicy)) {
            return this;
        }
        return new FlexibleServerBackupProvider(manager, subscription, resourceGroup, policyName, clock, login, port);
    }

    /** The policy whose backups this provider manages (null: restore only). */
    public String managedPolicy() {
        return managedPolicy;
    }

    /**
     * Flexible Server can neither copy a backup to another region nor share one with another
     * subscription: a policy asking for either is refused before anything changes, rather than
     * creating backups and failing (copy) or silently doing nothing (share).
     */
    @Override
    public String unsupported(BackupPolicy policy) {
        List<String> reasons = new ArrayList<>();
        if (policy.copy() != null) {
            reasons.add("copy: Flexible Server cannot copy backups to another region ("
                    + policy.copy().region()
                    + "); create the server with geo-redundant backup storage and use geo-restore to the paired"
                    + " region instead, and remove copy from the policy");
        }
        if (policy.share() != null) {
            reasons.add("share: Flexible Server backups cannot be shared with other subscriptions or accounts;"
                    + " grant access to the server's resource group (RBAC) or restore into it, and remove share"
                    + " from the policy");
        }
        return reasons.isEmpty() ? null : String.join("; ", reasons);
    }

    // ---- SnapshotProvider ----------------------------------------------------------------------

    @Override
    public List<DatabaseRef> listDatabases(String region) {
        try {
            List<DatabaseRef> out = new ArrayList<>();
            for (Server s : manager.servers().listByResourceGroup(resourceGroup)) {
                if (region.equals(region(s.regionName()))) {
                    out.add(ref(s));
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw AzureErrors.map(e, "listing servers of " + resourceGroup);
        }
    }

    @Override
    public List<Snapshot> listSnapshots(String databaseId, String region) {
        List<Snapshot> out = new ArrayList<>();
        JsonNode list = arm(HttpMethod.GET, backupsPath(databaseId), "listing backups of " + databaseId);
        if (list == null) {
            return out;
        }
        for (JsonNode b : list.path("value")) {
            out.add(snapshot(b, databaseId, region));
        }
        return out;
    }

    /** Creates the backup named {@link #backupName} for the policy in {@code tags} (this provider's). */
    @Override
    public Snapshot createSnapshot(DatabaseRef database, String name, Map<String, String> tags) {
        String policy = tags.getOrDefault(Snapshot.TAG_POLICY, managedPolicy);
        if (policy == null || !policy.equals(managedPolicy)) {
            throw new ProviderException(
                    ProviderError.INVALID_REQUEST,
                    "WrongPolicy",
                    "creating backup " + name + ": this provider runs policy " + managedPolicy + ", not " + policy,
                    null);
        }
        String backup = backupName(name, policy);
        JsonNode existing = arm(HttpMethod.GET, backupsPath(database.id()) + "/" + backup, "reading backup " + backup);
        if (existing != null) {
            return snapshot(existing, database.id(), database.region());
        }
        JsonNode started = arm(HttpMethod.PUT, backupsPath(database.id()) + "/" + backup, "creating backup " + backup);
        if (started != null && started.has("name")) {
            return snapshot(started, database.id(), database.region());
        }
        // 202 Accepted: the backup runs; it is listed once complete.
        return snapshot(backup, null, database.id(), database.region());
    }

    @Override
    public Snapshot copySnapshot(
            Snapshot source, String targetRegion, String kmsKeyId, String name, Map<String, String> tags) {
        throw new ProviderException(
                ProviderError.UNSUPPORTED,
                "Unsupported",
                "Flexible Server cannot copy a backup to " + targetRegion
                        + ": enable geo-redundant backup storage on the server instead, and drop the policy's copy rule",
                null);
    }

    @Override
    public void shareSnapshot(Snapshot snapshot, List<String> accountIds) {
        throw new ProviderException(
                ProviderError.UNSUPPORTED,
                "Unsupported",
                "Flexible Server backups cannot be shared with other subscriptions: drop the policy's share rule",
                null);
    }

    /** Deletes the policy's backup behind {@code snapshot}; refuses one the policy does not own. */
    @Override
    public void deleteSnapshot(Snapshot snapshot) {
        if (managedPolicy == null || !snapshot.managedBy(managedPolicy)) {
            throw new ProviderException(
                    ProviderError.INVALID_REQUEST,
                    "NotManaged",
                    "backup " + snapshot.id() + " of " + snapshot.databaseId() + " is not policy " + managedPolicy
                            + "'s: refusing to delete it",
                    null);
        }
        String backup = backupName(snapshot.id(), managedPolicy);
        arm(HttpMethod.DELETE, backupsPath(snapshot.databaseId()) + "/" + backup, "deleting backup " + backup);
    }

    // ---- RestoreProvider -----------------------------------------------------------------------

    @Override
    public Optional<RestoreSource> describeSource(String sourceId) {
        Optional<Server> found = server(sourceId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Server s = found.get();
        OffsetDateTime earliest = s.backup() == null ? null : s.backup().earliestRestoreDate();
        Instant now = clock.instant();
        RestoreWindow window = earliest == null || earliest.toInstant().isAfter(now)
                ? null
                : new RestoreWindow(earliest.toInstant(), now);
        return Optional.of(new RestoreSource(ref(s), window));
    }

    @Override
    public boolean nameTaken(String name) {
        return server(name).isPresent();
    }

    /**
     * Sends the point-in-time restore with our tags, the run's id among them, in the create request
     * itself. A server with the name is adopted only when it carries the run's id.
     */
    @Override
    public String startRestore(
            UUID runId, String sourceId, Instant targetTime, String newName, Map<String, Object> overrides) {
        RestoreOverrides o = RestoreOverrides.of(overrides);
        Optional<Server> existing = server(newName);
        if (existing.isPresent()) {
            if (RestoredTags.createdBy(tagsOf(existing.get()), runId)) {
                return null; // started by an earlier call of this step
            }
            throw RestoredTags.nameTaken(newName, runId, RUN_MARKER);
        }
        Server source = server(sourceId)
                .orElseThrow(() -> new ProviderException(
                        ProviderError.NOT_FOUND, "ResourceNotFound", "no server " + sourceId, null));
        ServerInner inner = new ServerInner()
                .withLocation(source.regionName())
                .withTags(RestoredTags.of(sourceId, runId, o.tags()))
                .withCreateMode(CreateMode.POINT_IN_TIME_RESTORE)
                .withSourceServerResourceId(source.id())
                .withPointInTimeUtc(
                        OffsetDateTime.ofInstant(targetTime != null ? targetTime : clock.instant(), ZoneOffset.UTC))
                // The source's authentication (Microsoft Entra on or off, password on or off, tenant),
                // stated rather than left to the service's defaults: an iam verification logs in
                // with an Entra token, which only works where Entra authentication is on.
                .withAuthConfig(source.authConfig());
        try {
            // Sends the PUT and returns without polling: progress() follows the server.
            manager.serviceClient().getServers().beginCreate(resourceGroup, newName, inner);
        } catch (RuntimeException e) {
            throw AzureErrors.map(e, "restoring " + sourceId + " as " + newName);
        }
        return null;
    }

    /** The server's state, for the run's own server only: another with the name is FAILED, untouched. */
    @Override
    public RestoreProgress progress(RestoreTarget target) {
        Optional<Server> found = server(target.newName());
        if (found.isPresent() && !RestoredTags.createdBy(tagsOf(found.get()), target.runId())) {
            return RestoredTags.notOurs(target.newName(), target.runId(), RUN_MARKER);
        }
        return progress(found);
    }

    private RestoreProgress progress(Optional<Server> found) {
        if (found.isEmpty()) {
            // ARM may not show a server until its creation is under way.
            return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "not visible yet");
        }
        Server s = found.get();
        ServerState state = s.state();
        if (ServerState.READY.equals(state) && s.fullyQualifiedDomainName() != null) {
            return new RestoreProgress(RestoreProgress.State.AVAILABLE, s.fullyQualifiedDomainName(), port, "Ready");
        }
        if (ServerState.DISABLED.equals(state) || ServerState.DROPPING.equals(state)) {
            return new RestoreProgress(RestoreProgress.State.FAILED, null, 0, String.valueOf(state));
        }
        return new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, String.valueOf(state));
    }

    @Override
    public ConnectionFactory connect(String newName, String database) {
        return login.connect(newName, progress(server(newName)), database);
    }

    /** Deletes the server if it carries the run's id; any other server with the name is NOT_OURS. */
    /**
     * Flexible Server has no restore from a single backup (its restores are point in time, from the
     * backups and logs together): refused, saying what to ask for instead.
     */
    @Override
    public ProviderException snapshotRestoreUnsupported() {
        return new ProviderException(
                ProviderError.UNSUPPORTED,
                "SnapshotRestoreUnsupported",
                "Azure Database for PostgreSQL Flexible Server cannot restore from a single backup: use a"
                        + " point-in-time restore (targetTime: the backup's time, or latest: true)",
                null);
    }

    @Override
    public Deletion delete(RestoreTarget target) {
        String newName = target.newName();
        Optional<Server> found = server(newName);
        if (found.isEmpty()) {
            return Deletion.ABSENT;
        }
        if (!RestoredTags.createdBy(tagsOf(found.get()), target.runId())) {
            return Deletion.NOT_OURS;
        }
        try {
            manager.serviceClient().getServers().beginDelete(resourceGroup, newName);
        } catch (RuntimeException e) {
            if (AzureErrors.status(e) == 404) {
                return Deletion.DELETED;
            }
            throw AzureErrors.map(e, "deleting " + newName);
        }
        return Deletion.DELETED;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Optional<Server> server(String name) {
        try {
            return Optional.of(manager.servers().getByResourceGroup(resourceGroup, name));
        } catch (ManagementException e) {
            if (AzureErrors.status(e) == 404) {
                return Optional.empty();
            }
            throw AzureErrors.map(e, "reading server " + name);
        } catch (RuntimeException e) {
            throw AzureErrors.map(e, "reading server " + name);
        }
    }

    private String backupsPath(String server) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/" + server + "/backups";
    }

    /** One ARM call; null for 404 (GET, DELETE) or an empty body (202, 204). */
    private JsonNode arm(HttpMethod method, String path, String doing) {
        HttpPipeline pipeline = manager.serviceClient().getHttpPipeline();
        String endpoint = manager.serviceClient().getEndpoint();
        String url = endpoint.replaceAll("/+$", "") + path + "?api-version=" + BACKUP_API;
        HttpRequest request = new HttpRequest(method, url);
        if (method == HttpMethod.PUT) {
            request.setHeader(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/json");
            request.setBody("{}");
        }
        try (HttpResponse response = pipeline.sendSync(request, com.azure.core.util.Context.NONE)) {
            int status = response.getStatusCode();
            String body = response.getBodyAsBinaryData() == null
                    ? ""
                    : response.getBodyAsBinaryData().toString();
            if (status == 404 && method != HttpMethod.PUT) {
                return null;
            }
            if (status >= 400) {
                throw AzureErrors.fromArm(status, body, doing);
            }
            return body.isBlank() ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw AzureErrors.noAnswer(e, doing);
        } catch (UncheckedIOException e) {
            throw AzureErrors.noAnswer(e, doing);
        }
    }

    private Snapshot snapshot(JsonNode b, String server, String region) {
        JsonNode props = b.path("properties");
        Instant completed = props.hasNonNull("completedTime")
                ? OffsetDateTime.parse(props.get("completedTime").asText()).toInstant()
                : null;
        return snapshot(b.path("name").asText(), completed, server, region);
    }

    /**
     * A backup of {@code server} as a snapshot: the policy's (see the class comment) under its
     * snapshot name and tagged, any other under its own name and untagged.
     *
     * @param completed when the backup completed, null while it runs
     */
    Snapshot snapshot(String backup, Instant completed, String server, String region) {
        SnapshotStatus status = completed != null ? SnapshotStatus.AVAILABLE : SnapshotStatus.CREATING;
        Instant at = completed != null ? completed : clock.instant();
        String prefix = SnapshotNames.PREFIX + SnapshotNames.sanitise(server) + "-";
        String suffix = managedPolicy == null ? null : "-" + SnapshotNames.sanitise(managedPolicy);
        if (suffix != null
                && backup.startsWith(prefix)
                && backup.endsWith(suffix)
                && backup.length() == prefix.length() + STAMP_LENGTH + suffix.length()) {
            String stamp = backup.substring(prefix.length(), prefix.length() + STAMP_LENGTH);
            if (STAMP.matcher(stamp).matches()) {
                Map<String, String> tags = new LinkedHashMap<>();
                tags.put(Snapshot.TAG_MANAGED_BY, Snapshot.MANAGED_BY_VALUE);
                tags.put(Snapshot.TAG_POLICY, managedPolicy);
                tags.put(Snapshot.TAG_SLOT, stamp);
                return new Snapshot(prefix + stamp, server, region, at, status, tags, -1);
            }
        }
        return new Snapshot(backup, server, region, at, status, Map.of(), -1);
    }

    /** The backup name of policy {@code policy}'s snapshot {@code snapshotId} (see the class comment). */
    static String backupName(String snapshotId, String policy) {
        return snapshotId + "-" + SnapshotNames.sanitise(policy);
    }

    private static DatabaseRef ref(Server s) {
        Map<String, String> tags = tagsOf(s);
        return new DatabaseRef(s.name(), KIND, region(s.regionName()), tags, ProductionTags.isProduction(tags));
    }

    private static Map<String, String> tagsOf(Server s) {
        return s.tags() == null ? Map.of() : s.tags();
    }

    /** "West Europe" and "westeurope" are the same region. */
    static String region(String name) {
        return name == null ? null : name.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
