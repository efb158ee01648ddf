package dev.dbre.restore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.SnapshotNames;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.BackupPolicy.DrillKind;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderException;
import dev.dbre.port.SnapshotProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore drills of a fleet, by backup policy ({@code drill:} in {@code docs/backup-policy.md}). A
 * scheduler calls {@link #tick} every few minutes; each tick:
 *
 * <ol>
 *   <li>for each policy with a drill rule, lists the databases it selects (as the snapshot function
 *       finds them) and starts drills ({@link #plan}): databases with no drill running and whose
 *       last verified drill is older than {@code every}, never drilled first, then the longest ago,
 *       at most {@code maxConcurrent} minus the policy's drills still running; each of the kind its
 *       last drill did not use (the next of {@code kinds}), the databases never drilled taking the
 *       kinds in turn;
 *   <li>reads each new drill's source figures for the {@link DrillChecks} (request time);
 *   <li>advances every fleet drill still running one step ({@link RestoreService#advance}) within
 *       the remaining time, and counts the ones that failed ({@value MetricNames#DRILL_FAILURES}) or
 *       verified over the policy's RTO ({@value MetricNames#DRILLS_OVER_RTO}).
 * </ol>
 *
 * <p>A drill's request is built as JSON and parsed like any request ({@link RestoreRequest#parse}),
 * with a deterministic name and request id ({@link #drillName}), so a repeated tick finds the run it
 * started. A request the restore service refuses (a snapshot kind with no snapshot yet, say) is
 * reported and the database's next kind is tried in the same tick. A database whose last drill failed
 * is tried again after {@link #retryAfterFailure} (not at every tick: a restore costs money), behind
 * the databases not tried since.
 */
public final class FleetDrills {
    private static final Logger LOG = LoggerFactory.getLogger(FleetDrills.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMddHHmm", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** "drill-" + id + "-" + 12 digits within the 63 characters every cloud allows. */
    private static final int MAX_ID_IN_NAME = 63 - "drill-".length() - 1 - 12;

    /** Time a source's figures may take to read. */
    static final Duration FIGURES_TIMEOUT = Duration.ofSeconds(30);

    /** How the fleet reads a source's figures: a login to the source database itself. */
    @FunctionalInterface
    public interface SourceConnections {
        /**
         * Connections to {@code database} on {@code source}.
         *
         * @throws RuntimeException (a provider error, say) when it cannot: the row-estimate check is then skipped
         */
        ConnectionFactory connect(DatabaseRef source, String database);
    }

    /** A drill to start. */
    public record PlannedDrill(String policy, DatabaseRef database, DrillKind kind, String newName, String requestId) {}

    /** A drill that verified in this tick later than its policy's RTO (request to verified). */
    public record RtoBreach(
            java.util.UUID runId,
            String policy,
            String databaseId,
            DrillKind kind,
            double recoverySeconds,
            Duration rto) {}

    /**
     * What one tick did: the drills started, every run advanced as it then stood, what went wrong,
     * and the drills that verified in this tick over their RTO (each reported once, as the metric).
     */
    public record TickResult(
            List<PlannedDrill> started, List<RestoreRun> advanced, List<String> failures, List<RtoBreach> overRto) {
        public TickResult {
            started = List.copyOf(started);
            advanced = List.copyOf(advanced);
            failures = List.copyOf(failures);
            overRto = List.copyOf(overRto);
        }
    }

    private final RestoreService service;
    private final SnapshotProvider databases;
    private final SourceConnections sources;
    private final ConnectionFactory runs;
    private final MetricsPublisher metrics;

    /**
     * @param service runs the drills (its database holds {@code restore_runs} and {@code drill_runs})
     * @param databases lists the databases a policy selects
     * @param sources logins to the sources, to read their figures when a drill is requested
     * @param runs the database of {@code restore_runs} and {@code drill_runs} (the service's)
     */
    public FleetDrills(
            RestoreService service,
            SnapshotProvider databases,
            SourceConnections sources,
            ConnectionFactory runs,
            MetricsPublisher metrics) {
        this.service = service;
        this.databases = databases;
        this.sources = sources;
        this.runs = runs;
        this.metrics = metrics;
    }

    /**
     * Starts the drills that are due and advances every running one, within {@code remaining}. Never
     * throws for one policy's or one run's fault: those are in the result's failures.
     *
     * @throws RestoreStoreException if the drill runs cannot be read at all
     */
    public TickResult tick(List<BackupPolicy> policies, Clock clock, Duration remaining) {
        Instant start = clock.instant();
        Instant deadline = start.plus(remaining);
        List<PlannedDrill> started = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (BackupPolicy policy : policies) {
            if (policy.drill() == null) {
                continue;
            }
            try {
                startDue(policy, start, started, failures);
            } catch (ProviderException e) {
                failures.add("policy " + policy.name() + ": list databases: " + e.getMessage());
            } catch (SQLException e) {
                failures.add("policy " + policy.name() + ": read drill_runs: " + e.getMessage());
            }
        }
        List<RestoreRun> advanced = new ArrayList<>();
        List<RtoBreach> overRto = new ArrayList<>();
        List<DrillRunStore.Active> active;
        try (Connection c = runs.open()) {
            active = DrillRunStore.active(c);
        } catch (SQLException e) {
            throw new RestoreStoreException("could not read the running drills", e);
        }
        for (DrillRunStore.Active a : active) {
            Instant now = clock.instant();
            Duration left = Duration.between(now, deadline);
            if (left.compareTo(RestoreService.MIN_STEP_TIME) < 0) {
                break;
            }
            try {
                advanced.add(advance(a, now, left, overRto));
            } catch (RuntimeException e) {
                failures.add("drill " + a.runId() + " of " + a.databaseId() + ": " + e.getMessage());
            }
        }
        return new TickResult(started, advanced, failures, overRto);
    }

    private void startDue(BackupPolicy policy, Instant now, List<PlannedDrill> started, List<String> failures)
            throws SQLException {
        List<DatabaseRef> selected = new ArrayList<>();
        for (String region : policy.selection().regions()) {
            for (DatabaseRef db : databases.listDatabases(region)) {
                if (policy.selection().selects(db)) {
                    selected.add(db);
                }
            }
        }
        Map<String, DrillRunStore.History> history;
        try (Connection c = runs.open()) {
            history = DrillRunStore.history(c, policy.name());
        }
        for (PlannedDrill p : plan(now, policy, selected, history)) {
            PlannedDrill begun = startFirstAccepted(policy, p, now, failures);
            if (begun != null) {
                started.add(begun);
            }
        }
    }

    /**
     * The drills policy {@code policy} starts at {@code now} (pure: the tests read it directly).
     *
     * @param history per database id, its drills under this policy
     */
    static List<PlannedDrill> plan(
            Instant now, BackupPolicy policy, List<DatabaseRef> selected, Map<String, DrillRunStore.History> history) {
        BackupPolicy.DrillRule rule = policy.drill();
        if (rule == null) {
            return List.of();
        }
        long running =
                history.values().stream().filter(DrillRunStore.History::active).count();
        long slots = Math.max(0, rule.maxConcurrent() - running);
        Instant dueBefore = now.minus(rule.every());
        Instant retryBefore = now.minus(retryAfterFailure(rule.every()));
        List<DatabaseRef> due = new ArrayList<>();
        for (DatabaseRef db : selected) {
            DrillRunStore.History h = history.get(db.id());
            if (h == null) {
                due.add(db);
                continue;
            }
            boolean verifiedLongAgo =
                    h.lastVerified() == null || !h.lastVerified().isAfter(dueBefore);
            boolean failedRecently = h.lastFailed() != null
                    && h.lastFailed().isAfter(retryBefore)
                    && (h.lastVerified() == null || h.lastFailed().isAfter(h.lastVerified()));
            if (!h.active() && verifiedLongAgo && !failedRecently) {
                due.add(db);
            }
        }
        Comparator<DatabaseRef> oldestFirst = Comparator.comparing(
                        (DatabaseRef db) -> lastTried(history.get(db.id())),
                        Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(DatabaseRef::id);
        List<PlannedDrill> out = new ArrayList<>();
        // Databases never drilled take the kinds in turn, so a new fleet's first drills prove every
        // kind at once rather than the first kind everywhere; the others alternate their own.
        int neverDrilled = 0;
        for (DatabaseRef db : due.stream().sorted(oldestFirst).limit(slots).toList()) {
            DrillRunStore.History h = history.get(db.id());
            DrillKind kind =
                    h == null ? rule.kinds().get(neverDrilled++ % rule.kinds().size()) : nextKind(rule.kinds(), h);
            out.add(new PlannedDrill(
                    policy.name(),
                    db,
                    kind,
                    drillName(db.id(), now),
                    "fleet-drill:" + policy.name() + ":" + db.id() + ":" + STAMP.format(now)));
        }
        return out;
    }

    /** How long after a failed drill the database is tried again: one {@code every}, at most a day. */
    static Duration retryAfterFailure(Duration every) {
        return every.compareTo(Duration.ofDays(1)) < 0 ? every : Duration.ofDays(1);
    }

    /** When the database was last drilled, verified or failed; null when never. */
    private static Instant lastTried(DrillRunStore.History h) {
        if (h == null) {
            return null;
        }
        if (h.lastVerified() == null) {
            return h.lastFailed();
        }
        return h.lastFailed() == null || h.lastVerified().isAfter(h.lastFailed()) ? h.lastVerified() : h.lastFailed();
    }

    /** The kind after the one the last drill used, in the policy's order (the first when never drilled). */
    static DrillKind nextKind(List<DrillKind> kinds, DrillRunStore.History h) {
        if (h == null || h.lastKind() == null || !kinds.contains(h.lastKind())) {
            return kinds.get(0);
        }
        return kinds.get((kinds.indexOf(h.lastKind()) + 1) % kinds.size());
    }

    /**
     * {@code drill-<database>-<UTC yyyymmddhhmm>}: the database id sanitised as in snapshot names and,
     * if longer than fits in 63 characters, cut with 8 hex digits of its SHA-256 appended.
     */
    public static String drillName(String databaseId, Instant now) {
        String id = SnapshotNames.sanitise(databaseId);
        if (id.length() > MAX_ID_IN_NAME) {
            String hash = "-" + HexFormat.of().formatHex(sha256(databaseId), 0, 4);
            StringBuilder b = new StringBuilder(id.substring(0, MAX_ID_IN_NAME - hash.length()));
            while (!b.isEmpty() && b.charAt(b.length() - 1) == '-') {
                b.setLength(b.length() - 1);
            }
            id = b + hash;
        }
        return "drill-" + id + "-" + STAMP.format(now);
    }

    /** The drill's request as JSON (parsed by {@link RestoreRequest#parse}, as any request is). */
    static String requestJson(BackupPolicy policy, PlannedDrill p) {
        BackupPolicy.DrillRule rule = policy.drill();
        ObjectNode r = JSON.createObjectNode();
        r.put("requestId", p.requestId());
        r.put("source", p.database().id());
        switch (p.kind()) {
            case PITR -> r.put("latest", true);
            case SNAPSHOT -> r.putObject("snapshot").put("newestOfPolicy", policy.name());
            case COPY ->
                r.putObject("snapshot")
                        .put("newestCopyInRegion", policy.copy().region())
                        .put("policy", policy.name());
        }
        r.put("newName", p.newName());
        r.put("database", rule.database());
        r.set("verify", JSON.valueToTree(rule.verify()));
        r.put("drill", true);
        if (p.database().production()) {
            // The policy's owner asked for drills of the databases it selects, production ones included.
            r.put("confirmProduction", p.database().id());
        }
        return r.toString();
    }

    /** Starts {@code p}, or the next kinds in turn if the service refuses it; null if none was accepted. */
    private PlannedDrill startFirstAccepted(BackupPolicy policy, PlannedDrill p, Instant now, List<String> failures) {
        List<DrillKind> kinds = policy.drill().kinds();
        int first = kinds.indexOf(p.kind());
        for (int i = 0; i < kinds.size(); i++) {
            PlannedDrill attempt = new PlannedDrill(
                    p.policy(), p.database(), kinds.get((first + i) % kinds.size()), p.newName(), p.requestId());
            try {
                start(policy, attempt, now);
                return attempt;
            } catch (RestoreRejectedException e) {
                String why = "policy " + policy.name() + ": " + attempt.kind().label() + " drill of "
                        + p.database().id() + " refused: " + e.getMessage();
                LOG.warn(why);
                failures.add(why);
            } catch (ProviderException | RestoreStoreException e) {
                failures.add(
                        "policy " + policy.name() + ": drill of " + p.database().id() + ": " + e.getMessage());
                return null;
            }
        }
        return null;
    }

    private void start(BackupPolicy policy, PlannedDrill p, Instant now) {
        RestoreRequest request = RestoreRequest.parse(requestJson(policy, p));
        RestoreService.Submitted s = service.submit(request, now);
        Duration rto = policy.objectives() == null ? null : policy.objectives().rto();
        try (Connection c = runs.open()) {
            // Also when the run existed already: a tick that stopped between the two writes is completed here.
            DrillRunStore.insert(
                    c,
                    s.runId(),
                    policy.name(),
                    p.database().id(),
                    p.database().region(),
                    p.kind(),
                    s.run().requestedAt(),
                    rto);
            if (!DrillRunStore.figuresRecorded(c, s.runId())) {
                recordFigures(c, s.runId(), policy.drill(), p.database());
            }
        } catch (SQLException e) {
            throw new RestoreStoreException("could not record drill " + s.runId() + " in drill_runs", e);
        }
        LOG.info(
                "policy {}: {} drill of {} as {} (run {})",
                policy.name(),
                p.kind().label(),
                p.database().id(),
                p.newName(),
                s.runId());
    }

    private void recordFigures(Connection c, java.util.UUID runId, BackupPolicy.DrillRule rule, DatabaseRef db)
            throws SQLException {
        DrillChecks.SourceFigures figures = null;
        String error = null;
        try {
            figures = DrillChecks.capture(
                    sources.connect(db, rule.database()),
                    rule.database(),
                    rule.rowTolerance(),
                    rule.minRows(),
                    FIGURES_TIMEOUT);
        } catch (SQLException | RuntimeException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("drill {}: could not read the figures of {}: {}", runId, db.id(), error);
        }
        DrillChecks.record(c, runId, figures, error);
    }

    /**
     * One step of a running drill; counts a failure or a verification over the RTO when it happens
     * (the latter also added to {@code overRto}, for the tick's summary).
     */
    private RestoreRun advance(DrillRunStore.Active a, Instant now, Duration left, List<RtoBreach> overRto) {
        RestoreState before = service.find(a.runId()).map(RestoreRun::state).orElse(null);
        RestoreRun after = service.advance(a.runId(), now, left);
        if (after.state() == before) {
            return after;
        }
        Map<String, String> dims = Map.of("function", "restore", "policy", a.policy());
        if (after.state() == RestoreState.FAILED) {
            LOG.warn("drill {} of {} failed: {}", a.runId(), a.databaseId(), after.failureReason());
            metrics.publish(dims, List.of(Metric.count(MetricNames.DRILL_FAILURES, 1)));
        } else if (after.state() == RestoreState.VERIFIED
                && a.rto() != null
                && after.recoverySeconds() != null
                && after.recoverySeconds() > a.rto().toMillis() / 1000.0) {
            LOG.warn(
                    "drill {} of {} ({}) recovered in {} s, over the RTO of {}",
                    a.runId(),
                    a.databaseId(),
                    a.kind().label(),
                    after.recoverySeconds(),
                    a.rto());
            metrics.publish(dims, List.of(Metric.count(MetricNames.DRILLS_OVER_RTO, 1)));
            overRto.add(
                    new RtoBreach(a.runId(), a.policy(), a.databaseId(), a.kind(), after.recoverySeconds(), a.rto()));
        }
        return after;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
