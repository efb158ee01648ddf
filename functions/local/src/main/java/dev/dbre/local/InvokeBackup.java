package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.SnapshotSchedule;
import dev.dbre.backup.SnapshotService;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreSource;
import dev.dbre.restore.DrillSchedule;
import dev.dbre.restore.FleetDrills;
import dev.dbre.restore.RestoreEndpoint;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.ScheduledDrills;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The local stand-in for the cloud's database fleet and its backups, for {@code invoke}'s snapshot,
 * restore and drill functions: the cloud database an event or policy names (an RDS instance, a
 * Flexible Server, a Cloud SQL instance) is played by one embedded PostgreSQL with WAL archiving
 * under {@code <home>/invoke/source} (the {@code dbre snapshot} source of that home), seeded once
 * with the samples' data ({@code app.orders}, {@value #ORDERS} rows); its snapshots are base backups
 * and PITR is a real recovery under {@code <home>/invoke/backup} ({@link LocalBackupProvider}). The
 * runs are recorded in the function's database ({@code snapshot_runs}, {@code restore_runs}, {@code
 * drill_runs}) through the same core services the cloud wirings build.
 *
 * <p>The backup policy is {@code DBRE_BACKUP_POLICY} when {@code --env} gives one, else {@value
 * #POLICY_RESOURCE}: policy {@code gold} (the samples' policy) selecting the stand-in by its tag in
 * region {@code local}.
 */
final class InvokeBackup implements AutoCloseable {
    /** The id the stand-in has when nothing names one: the samples' source. */
    static final String STAND_IN = "orders";

    static final String POLICY_RESOURCE = "/invoke/backup-policy-gold.yaml";
    static final String SAMPLE_DATABASE = "app";
    static final int ORDERS = 1000;
    /** The tag the stand-in policy selects by (the samples' policy selects RDS instances by it). */
    static final Map<String, String> TAGS = Map.of("dbre:backup-policy", "gold");

    /** Between follow-up steps: the workflows wait seconds or minutes; a local restore step takes less. */
    static final Duration STEP_PAUSE = Duration.ofMillis(200);

    static final Duration FOLLOW_TIMEOUT = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    final InvokeTarget target;
    final LocalBackupProvider provider;
    final ConnectionFactory runs;
    private final LocalSnapshotSource source;

    private InvokeBackup(InvokeTarget target, LocalBackupProvider provider, LocalSnapshotSource source) {
        this.target = target;
        this.provider = provider;
        this.source = source;
        this.runs = target.database();
    }

    /**
     * Starts the stand-in for the cloud database {@code cloudName} (a snapshot, a submitted restore
     * or a drill reads it live) and says so.
     *
     * @param what the kind of cloud resource, for the note (e.g. "RDS instance")
     */
    static InvokeBackup withSource(InvokeTarget t, String what, String cloudName) {
        String id = cloudName == null || !validId(cloudName) ? STAND_IN : cloudName;
        LocalSnapshotSource source = LocalSnapshotSource.open(t.home(), id, TAGS, t.notes());
        try {
            seed(source);
        } catch (SQLException e) {
            source.close();
            throw new IllegalStateException("could not seed the local stand-in " + id + ": " + e.getMessage(), e);
        }
        t.note(what + " " + (cloudName == null ? "(any)" : cloudName) + " -> local database " + id
                + " (embedded PostgreSQL with WAL archiving under " + t.home().resolve("source") + ", " + ORDERS
                + " rows in " + SAMPLE_DATABASE + ".orders); snapshots and restores under "
                + source.provider.baseDir());
        return new InvokeBackup(t, source.provider, source);
    }

    /** Restores only (a step of a run already submitted): the files under {@code <home>/invoke/backup}. */
    static InvokeBackup restoresOnly(InvokeTarget t) {
        return new InvokeBackup(t, new LocalBackupProvider(Home.backupDir(t.home()), KeptPostgres.STARTUP_WAIT), null);
    }

    private static boolean validId(String id) {
        return id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    }

    /** {@code app.orders} with {@value #ORDERS} rows, what the samples' verification queries count. */
    private static void seed(LocalSnapshotSource source) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(source.server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select count(*) from pg_database where datname = '" + SAMPLE_DATABASE + "'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                s.execute("create database \"" + SAMPLE_DATABASE + "\"");
            }
        }
        try (Connection c = JdbcConnectionFactory.of(source.server.jdbcUrl(SAMPLE_DATABASE), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute("create table if not exists orders (id int primary key, placed_at timestamptz not null"
                    + " default now(), amount numeric(10, 2) not null)");
            s.execute("insert into orders (id, amount) select g, g % 100 + 0.99 from generate_series(1, " + ORDERS
                    + ") g on conflict (id) do nothing");
        }
    }

    SnapshotService snapshotService() {
        return SnapshotService.fromEnv(target.metrics(), runs, new Env(target.env()));
    }

    RestoreService restoreService() {
        return new RestoreService(provider, runs, target.metrics());
    }

    RestoreEndpoint restoreEndpoint() {
        return new RestoreEndpoint(restoreService());
    }

    /** The policy: {@code DBRE_BACKUP_POLICY} (a file) when given, else the stand-in policy {@code gold}. */
    PolicySource policy() {
        PolicySource given = PolicySource.fromEnv(new Env(target.env()), Map.of());
        if (given != null) {
            return given;
        }
        return new PolicySource(
                "invoke's stand-in policy",
                new PolicyLocation(PolicyLocation.Kind.FILE, null, POLICY_RESOURCE, POLICY_RESOURCE),
                location -> resource(location.name()));
    }

    SnapshotSchedule snapshotSchedule() {
        return new SnapshotSchedule(
                policy(), snapshotService(), new Env(target.env()).bool(SnapshotSchedule.DRY_RUN, false));
    }

    /** The drill of {@code DBRE_DRILL_REQUEST_FILE} when set, else the fleet drills of the policy. */
    ScheduledDrills scheduledDrills() {
        String file = target.env().get(DrillSchedule.FILE);
        if (file != null) {
            try {
                return ScheduledDrills.single(
                        new DrillSchedule(Files.readString(Path.of(file)), restoreService(), DrillSchedule.FILE));
            } catch (IOException e) {
                throw new ConfigException(DrillSchedule.FILE, "cannot read " + file + ": " + e.getMessage());
            }
        }
        PolicySource policy = policy();
        policy.load();
        FleetDrills fleet = new FleetDrills(restoreService(), provider, this::sourceLogin, runs, target.metrics());
        return ScheduledDrills.fleet(fleet, policy);
    }

    /** The login to the stand-in, for a drill's checks of its source. */
    ConnectionFactory sourceLogin(dev.dbre.port.DatabaseRef db, String database) {
        if (source == null || !source.database.id().equals(db.id())) {
            throw new ProviderException(
                    ProviderError.NOT_FOUND, "NotFound", "no running local database " + db.id(), null);
        }
        return JdbcConnectionFactory.of(source.server.jdbcUrl(database), "postgres", null);
    }

    /**
     * A restore or a drill needs a completed backup of the stand-in (the start of its restore
     * window, the snapshot a policy's newest is): when it has none, one tick of the policy takes it
     * first, as the cloud's scheduled backups would have.
     */
    void ensureBackup() {
        Optional<RestoreSource> s = provider.describeSource(source.database.id());
        if (s.isPresent() && s.get().window() != null) {
            target.note("the stand-in's restore window: " + s.get().window().earliest() + " to "
                    + s.get().window().latest());
            return;
        }
        BackupPolicy policy = policy().load();
        target.note("the stand-in has no backup yet: one snapshot tick of policy " + policy.name() + " first");
        new SnapshotSchedule(policy, snapshotService(), false).tick(provider, null, false, target.clock());
    }

    /** {@code {"open": N}}: the drill runs not finished yet (a timer function answers nothing to follow). */
    JsonNode openDrills() throws SQLException {
        try (Connection c = runs.open();
                PreparedStatement ps = c.prepareStatement("select count(*) from restore_runs where drill and state"
                        + " not in ('VERIFIED', 'FAILED', 'CLEANED_UP', 'CLEANUP_FAILED')");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return JSON.createObjectNode().put("open", rs.getLong(1));
        }
    }

    /**
     * The function's environment with {@code DBRE_BACKUP_POLICY} set: as given, else the stand-in
     * policy written to {@code <home>/invoke/backup-policy-gold.yaml} (for the wirings that read a
     * policy from their settings).
     */
    Map<String, String> envWithPolicy() throws IOException {
        if (target.env().containsKey(PolicySource.POLICY) || target.env().containsKey(PolicySource.POLICY_FILE)) {
            return target.env();
        }
        Path file = target.home().resolve("backup-policy-gold.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, resource(POLICY_RESOURCE), StandardCharsets.UTF_8);
        Map<String, String> env = new java.util.LinkedHashMap<>(target.env());
        env.put(PolicySource.POLICY, file.toString());
        return env;
    }

    /** The newest restore run (a sample's placeholder run id stands for it), or empty. */
    Optional<UUID> newestRun() throws SQLException {
        try (Connection c = runs.open();
                PreparedStatement ps =
                        c.prepareStatement("select run_id from restore_runs order by requested_at desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of((UUID) rs.getObject(1)) : Optional.empty();
        }
    }

    boolean runExists(String runId) throws SQLException {
        UUID id;
        try {
            id = UUID.fromString(runId);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try (Connection c = runs.open();
                PreparedStatement ps = c.prepareStatement("select 1 from restore_runs where run_id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * The event's {@code runId} when this database has that run; else the newest run stands in for
     * it (the samples carry a placeholder id), said on stderr. No run at all: the id as given (the
     * handler then refuses it, as in the cloud).
     */
    String runIdFor(String given) throws SQLException {
        if (given != null && runExists(given)) {
            return given;
        }
        Optional<UUID> newest = newestRun();
        if (newest.isEmpty()) {
            target.note("run " + given + " is not in restore_runs, which holds no run: sent as it is");
            return given;
        }
        target.note("run " + given + " is not in restore_runs -> the newest restore run " + newest.get());
        return newest.get().toString();
    }

    /**
     * After a handler started something that goes on without it (a submitted restore, a drill):
     * calls {@code step} again, as the cloud's workflow or schedule would, until the answer says it
     * is done, and returns the last answer.
     *
     * @throws IllegalStateException when it has not finished within {@link #FOLLOW_TIMEOUT}
     */
    JsonNode follow(String what, JsonStep step, java.util.function.Predicate<JsonNode> done) throws Exception {
        long t0 = System.nanoTime();
        long giveUp = t0 + FOLLOW_TIMEOUT.toNanos();
        String last = null;
        while (true) {
            JsonNode answer = step.call();
            String state = answer.has("open")
                    ? answer.path("open").asLong() + " drill(s) running"
                    : answer.path("state").asText(answer.path("runs").toString());
            if (!state.equals(last)) {
                target.note(String.format(
                        java.util.Locale.ROOT, "%s [%5.1f s] %s", what, (System.nanoTime() - t0) / 1e9, state));
                last = state;
            }
            if (done.test(answer)) {
                return answer;
            }
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException(
                        what + " did not finish within " + FOLLOW_TIMEOUT.toMinutes() + " min: " + answer);
            }
            Thread.sleep(STEP_PAUSE.toMillis());
        }
    }

    /** One call of a handler, its answer as JSON. */
    interface JsonStep {
        JsonNode call() throws Exception;
    }

    /**
     * The target with {@code DBRE_DRILL_REQUEST_FILE} set: as given, else the project's sample
     * request ({@value #DRILL_REQUEST}, found above the event file).
     *
     * @throws ConfigException naming the variable when neither is there
     */
    static InvokeTarget withDrillRequest(InvokeTarget t, Path eventFile) {
        if (t.env().containsKey(DrillSchedule.FILE)) {
            return t;
        }
        Path sample = InvokeCommand.projectFile(eventFile, DRILL_REQUEST);
        if (sample == null) {
            throw new ConfigException(
                    DrillSchedule.FILE, "is required by the single-drill function (no " + DRILL_REQUEST + " found)");
        }
        return withEnv(t, DrillSchedule.FILE, sample.toString());
    }

    /** The target without {@code DBRE_DRILL_REQUEST_FILE}: the fleet drills of the policy. */
    static InvokeTarget withoutDrillRequest(InvokeTarget t) {
        return t.env().containsKey(DrillSchedule.FILE) ? withEnv(t, DrillSchedule.FILE, null) : t;
    }

    private static InvokeTarget withEnv(InvokeTarget t, String name, String value) {
        Map<String, String> env = new java.util.LinkedHashMap<>(t.env());
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return new InvokeTarget(
                Map.copyOf(env),
                t.clock(),
                t.metrics(),
                t.binaryCloudEvents(),
                t.home(),
                t.jdbcUrl(),
                t.dbUser(),
                t.notes());
    }

    static final String DRILL_REQUEST = "docs/examples/restore-drill-orders.json";

    /** The drill request's source when there is one, else null (the stand-in's own id). */
    static String drillSource(InvokeTarget t) {
        String file = t.env().get(DrillSchedule.FILE);
        if (file == null) {
            return null;
        }
        try {
            return sourceOf(Files.readString(Path.of(file)));
        } catch (IOException e) {
            return null; // the drill function names the unreadable file itself
        }
    }

    /** A drill tick's answer once nothing more will happen: a refusal, a finished run, no fleet run going. */
    static boolean drillsDone(JsonNode tick) {
        if (tick.has("error") || tick.path("done").asBoolean()) {
            return true;
        }
        if (!tick.has("runs")) {
            return false;
        }
        for (JsonNode run : tick.path("runs")) {
            if (!run.path("done").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** The event with {@code runId} replaced (a workflow step's input). */
    static byte[] withRunId(JsonNode event, String runId) throws IOException {
        ObjectNode copy = ((ObjectNode) event).deepCopy();
        copy.put("runId", runId);
        return JSON.writeValueAsBytes(copy);
    }

    /** The request body's {@code source} (a restore request), or null. */
    static String sourceOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n == null ? null : n.path("source").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = InvokeBackup.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        try {
            if (source != null) {
                source.close();
            }
        } finally {
            provider.close();
        }
    }
}
