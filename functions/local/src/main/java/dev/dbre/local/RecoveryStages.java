package dev.dbre.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.backup.PolicyLocation;
import dev.dbre.backup.PolicySource;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotService;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.DatabaseRef;
import dev.dbre.port.ProviderError;
import dev.dbre.port.ProviderException;
import dev.dbre.port.Sleeper;
import dev.dbre.restore.FleetDrills;
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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The recovery stage of {@code run-local}, through the services the cloud functions use, on a fleet
 * of two local-provider sources: the run's own server ({@code run-local}) and a small second one
 * started here ({@code run-local-2}), both selected by the sample fleet policy {@value
 * #POLICY_RESOURCE}:
 *
 * <ol>
 *   <li>rows written to {@code drill_items} in both, then the snapshot tick ({@link SnapshotService}:
 *       a base backup of each, the recovery points measured into {@code rpo_measurements}), then
 *       more rows;
 *   <li>fleet drill ticks ({@link ScheduledDrills} over {@link FleetDrills}, as the drill functions
 *       run them) until no drill runs: the first tick starts both, one kind each (never-drilled
 *       databases take the policy's kinds in turn), a point-in-time restore to the latest
 *       restorable time and a restore from the policy's newest snapshot; each is verified by the
 *       checks every drill runs and the policy's query, then deleted;
 *   <li>the drills read back from {@code drill_runs}/{@code restore_runs}: both verified and cleaned
 *       up, the PITR copy holding every row written, the snapshot copy only the snapshot's rows;
 *   <li>per database, its RPO ({@code rpo_latest}) and its last verified drill ({@code
 *       drill_status}) against the policy's objectives, a breach flagged (a fact to report: the run
 *       fails on a failed drill, not on a breach).
 * </ol>
 */
final class RecoveryStages {
    static final String POLICY_RESOURCE = "/run-local/backup-policy.yaml";
    /** The second source of the fleet (the first is {@link LocalRun#SOURCE}). */
    static final String SECOND_SOURCE = "run-local-2";
    /** The policy's verification query whose count each drill's copy must match. */
    static final String ROWS_CHECK = "drill_items rows";

    static final int ROWS_BEFORE_SNAPSHOT = 100;
    static final int ROWS_AFTER_SNAPSHOT = 50;
    static final Duration DRILL_TIMEOUT = Duration.ofMinutes(5);
    /** Between ticks: the drill functions tick every few minutes; a local restore takes seconds. */
    static final Duration TICK_PAUSE = Duration.ofMillis(200);

    private RecoveryStages() {}

    static String recover(RunContext ctx) throws Exception {
        Instant stageStart = ctx.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        PolicySource policy = new PolicySource(
                "run-local policy",
                new PolicyLocation(PolicyLocation.Kind.FILE, null, POLICY_RESOURCE, POLICY_RESOURCE),
                location -> resource(location.name()));
        BackupPolicy loaded = policy.load();
        try (LocalPostgres second = startSecondSource(ctx)) {
            try {
                ctx.backups.attach(
                        new DatabaseRef(
                                SECOND_SOURCE, LocalBackupProvider.KIND, LocalBackupProvider.REGION, Map.of(), false),
                        second);
                Map<String, LocalPostgres> fleet = new LinkedHashMap<>();
                fleet.put(ctx.source.id(), ctx.postgres);
                fleet.put(SECOND_SOURCE, second);
                String database = loaded.drill().database();
                for (LocalPostgres server : fleet.values()) {
                    execute(server, database, "create table drill_items (id int primary key, batch text not null)");
                    insert(server, database, 1, ROWS_BEFORE_SNAPSHOT, "before the snapshots");
                }
                snapshotTick(ctx, loaded, fleet.size());
                for (LocalPostgres server : fleet.values()) {
                    insert(
                            server,
                            database,
                            ROWS_BEFORE_SNAPSHOT + 1,
                            ROWS_BEFORE_SNAPSHOT + ROWS_AFTER_SNAPSHOT,
                            "after the snapshots");
                }
                ctx.verbose(String.format(
                        Locale.ROOT,
                        "%d rows in %s.drill_items of each before the snapshots, %d after",
                        ROWS_BEFORE_SNAPSHOT,
                        database,
                        ROWS_AFTER_SNAPSHOT));
                drillTicks(ctx, policy, fleet);
                List<Drill> drills = drillsSince(ctx, loaded.name(), stageStart);
                checkDrills(ctx, drills, fleet.size());
                int breaches = printStatus(ctx, loaded.name());
                Drill pitr = drills.stream()
                        .filter(d -> d.kind().equals("pitr"))
                        .findFirst()
                        .orElseThrow();
                Drill snapshot = drills.stream()
                        .filter(d -> d.kind().equals("snapshot"))
                        .findFirst()
                        .orElseThrow();
                ctx.drillRecoverySeconds = pitr.recoverySeconds();
                return String.format(
                        Locale.ROOT,
                        "PITR drill of %s (%d rows, all written) and snapshot drill of %s (%d rows, the snapshot's)"
                                + " verified in %.1f s and %.1f s, cleaned up; %s",
                        pitr.databaseId(),
                        pitr.rowsSeen(),
                        snapshot.databaseId(),
                        snapshot.rowsSeen(),
                        pitr.recoverySeconds(),
                        snapshot.recoverySeconds(),
                        breaches == 0
                                ? "RPO and RTO within their objectives"
                                : breaches + " over an objective (flagged above)");
            } finally {
                ctx.backups.detach(SECOND_SOURCE);
            }
        }
    }

    /** A second embedded server with WAL archiving, its data under {@code <base-dir>/second-source}. */
    private static LocalPostgres startSecondSource(RunContext ctx) throws IOException, SQLException {
        long t0 = System.nanoTime();
        Path base = ctx.options.baseDir.toAbsolutePath();
        Path data = base.resolve("second-source").resolve("data");
        if (Files.exists(data)) {
            try (var all = Files.walk(data)) {
                for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        // The run's own run folder: its unpacked binaries are reused (the socket names differ by port).
        LocalPostgres server = LocalPostgres.startKept(
                data,
                ctx.postgres.dataDir().getParent(),
                0,
                LocalBackupProvider.ARCHIVING,
                base.resolve("logs").resolve(SECOND_SOURCE + "-postgres.log"),
                Duration.ofMinutes(1));
        try {
            execute(server, "postgres", "create database \"" + ctx.database + "\"");
        } catch (SQLException | RuntimeException e) {
            server.close();
            throw e;
        }
        ctx.verbose(String.format(
                Locale.ROOT,
                "second source %s: an embedded PostgreSQL on 127.0.0.1:%d (started in %s)",
                SECOND_SOURCE,
                server.port(),
                LocalRun.seconds(System.nanoTime() - t0)));
        return server;
    }

    /** The snapshot function's run: one base backup per database, the recovery points measured. */
    private static void snapshotTick(RunContext ctx, BackupPolicy policy, int databases) {
        long t0 = System.nanoTime();
        SnapshotService service = new SnapshotService(
                ctx.metrics, new SnapshotRunStore(ctx.db), RetryPolicy.DEFAULT, Sleeper.SYSTEM, new Random());
        SnapshotRunSummary s = service.run(policy, ctx.backups, ctx.clock, false);
        if (!s.ok() || s.created() != databases || s.rpo().isEmpty()) {
            throw new IllegalStateException("the snapshot tick of policy " + policy.name() + " did not create "
                    + databases + " snapshots and measure their recovery points: " + s.toJson(false));
        }
        ctx.verbose(String.format(
                Locale.ROOT,
                "snapshot tick by policy %s (%s): %d snapshots created, %d recovery points measured, in %s",
                policy.name(),
                POLICY_RESOURCE,
                s.created(),
                s.rpo().size(),
                LocalRun.seconds(System.nanoTime() - t0)));
    }

    /**
     * Ticks the fleet drills until none runs, as the drill functions' schedule would (every few
     * minutes there). Fails on a tick that reports a failure or on a drill that does not finish.
     */
    private static void drillTicks(RunContext ctx, PolicySource policy, Map<String, LocalPostgres> fleet)
            throws InterruptedException {
        RestoreService service = new RestoreService(ctx.backups, ctx.db, ctx.metrics);
        FleetDrills drills = new FleetDrills(
                service, ctx.backups, (db, database) -> sourceLogin(fleet, db, database), ctx.db, ctx.metrics);
        ScheduledDrills schedule = ScheduledDrills.fleet(drills, policy);
        Instant giveUp = ctx.clock.instant().plus(DRILL_TIMEOUT);
        Map<String, List<String>> states = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
        int ticks = 0;
        while (true) {
            ObjectNode tick = schedule.tick(ctx.clock, Duration.ofMinutes(1));
            ticks++;
            if (!tick.path("failures").isEmpty()) {
                throw new IllegalStateException("fleet drill tick " + ticks + " reported failures: " + tick);
            }
            if (ticks == 1) {
                List<String> started = new ArrayList<>();
                for (JsonNode s : tick.path("started")) {
                    String name = s.path("newName").asText();
                    started.add(s.path("kind").asText() + " drill of "
                            + s.path("database").asText() + " as " + name);
                }
                ctx.verbose("fleet drill tick 1 started: " + String.join(", ", started));
            }
            for (JsonNode b : tick.path("overRto")) {
                ctx.verbose(String.format(
                        Locale.ROOT,
                        "tick %d flags the %s drill of %s: verified after %.1f s, OVER its RTO of %.0f s",
                        ticks,
                        b.path("kind").asText(),
                        b.path("database").asText(),
                        b.path("recoverySeconds").asDouble(),
                        b.path("rtoSeconds").asDouble()));
            }
            boolean running = false;
            for (JsonNode run : tick.path("runs")) {
                String id = run.path("runId").asText();
                names.put(id, run.path("newName").asText());
                List<String> seen = states.computeIfAbsent(id, k -> new ArrayList<>());
                String state = run.path("state").asText();
                if (seen.isEmpty() || !seen.getLast().equals(state)) {
                    seen.add(state);
                }
                running |= !run.path("done").asBoolean();
            }
            if (!running) {
                break;
            }
            if (ctx.clock.instant().isAfter(giveUp)) {
                throw new IllegalStateException(
                        "the drills did not finish within " + DRILL_TIMEOUT.toMinutes() + " min: " + tick);
            }
            Thread.sleep(TICK_PAUSE.toMillis());
        }
        for (Map.Entry<String, List<String>> e : states.entrySet()) {
            ctx.verbose(names.get(e.getKey()) + ": " + String.join(" -> ", e.getValue()));
        }
        ctx.verbose(ticks + " fleet drill ticks, " + TICK_PAUSE.toMillis() + " ms apart");
    }

    /** The fleet's own servers are the only sources this runtime can log in to. */
    private static ConnectionFactory sourceLogin(Map<String, LocalPostgres> fleet, DatabaseRef db, String database) {
        LocalPostgres server = fleet.get(db.id());
        if (server == null) {
            throw new ProviderException(
                    ProviderError.NOT_FOUND, "NotFound", "no running local database " + db.id(), null);
        }
        return JdbcConnectionFactory.of(server.jdbcUrl(database), "postgres", null);
    }

    /** A fleet drill as recorded: its run, and the count the policy's {@value #ROWS_CHECK} query read. */
    record Drill(
            String databaseId,
            String kind,
            String newName,
            String state,
            String outcome,
            Double recoverySeconds,
            Long rowsSeen,
            String failureReason) {}

    /** The policy's drills requested since {@code since}, read back from the tables. */
    static List<Drill> drillsSince(RunContext ctx, String policy, Instant since) throws SQLException {
        List<Drill> out = new ArrayList<>();
        try (Connection c = ctx.db.open();
                PreparedStatement ps = c.prepareStatement("select d.database_id, d.kind, r.new_name, r.state,"
                        + " r.outcome, r.recovery_seconds, r.failure_reason,"
                        + " (select v ->> 'actual' from jsonb_array_elements(r.verification) v where v ->> 'name' = ?)"
                        + " from drill_runs d join restore_runs r using (run_id)"
                        + " where d.policy = ? and d.requested_at >= ? order by d.database_id, d.requested_at")) {
            ps.setString(1, ROWS_CHECK);
            ps.setString(2, policy);
            ps.setObject(3, since.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Drill(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getBigDecimal(6) == null
                                    ? null
                                    : rs.getBigDecimal(6).doubleValue(),
                            rs.getString(8) == null ? null : Long.valueOf(rs.getString(8)),
                            rs.getString(7)));
                }
            }
        }
        return out;
    }

    /**
     * Both kinds drilled, verified and cleaned up, each copy holding exactly what its kind restores:
     * every row for the PITR one (all were written before its target, the latest restorable time),
     * the snapshot's rows only for the other.
     *
     * @throws IllegalStateException naming the drill and what was wrong
     */
    private static void checkDrills(RunContext ctx, List<Drill> drills, int databases) {
        if (drills.size() != databases
                || !drills.stream().map(Drill::kind).toList().containsAll(List.of("pitr", "snapshot"))) {
            throw new IllegalStateException(
                    "expected one drill per database, of kinds pitr and snapshot; drill_runs holds " + drills);
        }
        for (Drill d : drills) {
            String what = "the " + d.kind() + " drill of " + d.databaseId() + " (" + d.newName() + ")";
            if (!"VERIFIED".equals(d.outcome()) || !"CLEANED_UP".equals(d.state())) {
                throw new IllegalStateException(
                        what + " ended " + d.state() + "/" + d.outcome() + ": " + d.failureReason());
            }
            long expected = d.kind().equals("pitr") ? ROWS_BEFORE_SNAPSHOT + ROWS_AFTER_SNAPSHOT : ROWS_BEFORE_SNAPSHOT;
            if (d.rowsSeen() == null || d.rowsSeen() != expected) {
                throw new IllegalStateException(what + " restored " + d.rowsSeen() + " rows of drill_items, expected "
                        + expected + (d.kind().equals("pitr") ? " (every row written)" : " (the snapshot's)"));
            }
            if (ctx.backups.restoredBy(d.newName()).isPresent()
                    || ctx.backups.runningPort(d.newName()).isPresent()) {
                throw new IllegalStateException(what + " left its restored server behind");
            }
        }
    }

    /** A recovery point as {@code rpo_latest} holds it. */
    record Rpo(String kind, Instant measuredAt, Double lagSeconds, Double objectiveSeconds, boolean over) {}

    /** A last verified drill as {@code drill_status} answers it. */
    record LastDrill(Instant verifiedAt, String kind, double recoverySeconds, Double rtoSeconds, boolean overRto) {}

    /**
     * Prints each database's recovery points and last verified drill, read back from {@code
     * rpo_latest} and {@code drill_status} (what the SLO report reads).
     *
     * @return how many databases are over their RPO or RTO
     */
    private static int printStatus(RunContext ctx, String policy) throws SQLException {
        Map<String, List<Rpo>> rpo = new LinkedHashMap<>();
        Map<String, LastDrill> last = new LinkedHashMap<>();
        try (Connection c = ctx.db.open()) {
            try (PreparedStatement ps = c.prepareStatement("select database_id, kind, measured_at, lag_seconds,"
                    + " objective_seconds, over from rpo_latest where policy = ? order by database_id, kind")) {
                ps.setString(1, policy);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rpo.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                                .add(new Rpo(
                                        rs.getString(2),
                                        rs.getTimestamp(3).toInstant(),
                                        number(rs, 4),
                                        number(rs, 5),
                                        rs.getBoolean(6)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("select s.database_id, s.last_verified_at,"
                    + " s.last_verified_kind, s.last_recovery_seconds, d.rto_objective_seconds,"
                    + " coalesce(s.last_over_rto, false)"
                    + " from drill_status(?, 30) s left join drill_runs d on d.run_id = s.last_verified_run_id"
                    + " where s.policy = ? order by s.database_id")) {
                ps.setObject(1, ctx.clock.instant().atOffset(ZoneOffset.UTC));
                ps.setString(2, policy);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (rs.getTimestamp(2) != null) {
                            last.put(
                                    rs.getString(1),
                                    new LastDrill(
                                            rs.getTimestamp(2).toInstant(),
                                            rs.getString(3),
                                            number(rs, 4),
                                            number(rs, 5),
                                            rs.getBoolean(6)));
                        }
                    }
                }
            }
        }
        List<String> databases = new ArrayList<>(rpo.keySet());
        last.keySet().stream().filter(id -> !rpo.containsKey(id)).forEach(databases::add);
        int breaches = 0;
        for (String id : databases) {
            List<Rpo> points = rpo.getOrDefault(id, List.of());
            LastDrill drill = last.get(id);
            String status = statusLine(id, points, drill);
            ctx.verbose(status);
            ctx.figure("recovery " + id, status);
            boolean over = points.stream().anyMatch(Rpo::over) || drill == null || drill.overRto();
            breaches += over ? 1 : 0;
        }
        return breaches;
    }

    /**
     * One database's line: {@code <id>: RPO pitr 0.1 s, snapshot 2.3 s (objective 3600 s, measured
     * at ...): within; last verified drill pitr at ..., recovery time 3.2 s (RTO 300 s): within}, an
     * objective missed written {@code OVER THE RPO} / {@code OVER THE RTO}.
     */
    static String statusLine(String databaseId, List<Rpo> points, LastDrill drill) {
        StringBuilder b = new StringBuilder(databaseId).append(": RPO ");
        if (points.isEmpty()) {
            b.append("not measured");
        } else {
            List<String> lags = new ArrayList<>();
            List<String> over = new ArrayList<>();
            for (Rpo p : points) {
                lags.add(p.kind() + " " + (p.lagSeconds() == null ? "no recovery point" : seconds(p.lagSeconds())));
                if (p.over()) {
                    over.add(p.kind());
                }
            }
            Rpo first = points.getFirst();
            b.append(String.join(", ", lags))
                    .append(" (")
                    .append(
                            first.objectiveSeconds() == null
                                    ? "no objective"
                                    : "objective " + seconds(first.objectiveSeconds()))
                    .append(", measured at ")
                    .append(first.measuredAt().truncatedTo(ChronoUnit.SECONDS))
                    .append("): ")
                    .append(over.isEmpty() ? "within" : "OVER THE RPO (" + String.join(", ", over) + ")");
        }
        b.append("; last verified drill ");
        if (drill == null) {
            b.append("none in 30 days: OVERDUE");
        } else {
            b.append(drill.kind())
                    .append(" at ")
                    .append(drill.verifiedAt().truncatedTo(ChronoUnit.SECONDS))
                    .append(", recovery time ")
                    .append(seconds(drill.recoverySeconds()))
                    .append(" (")
                    .append(drill.rtoSeconds() == null ? "no RTO" : "RTO " + seconds(drill.rtoSeconds()))
                    .append("): ")
                    .append(drill.overRto() ? "OVER THE RTO" : "within");
        }
        return b.toString();
    }

    private static String seconds(double s) {
        return s >= 100 ? String.format(Locale.ROOT, "%,.0f s", s) : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static Double number(ResultSet rs, int column) throws SQLException {
        java.math.BigDecimal v = rs.getBigDecimal(column);
        return v == null ? null : v.doubleValue();
    }

    private static void insert(LocalPostgres server, String database, int from, int to, String batch)
            throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl(database), "postgres", null)
                        .open();
                PreparedStatement ps = c.prepareStatement(
                        "insert into drill_items select g, ? from generate_series(?::int, ?::int) g")) {
            ps.setString(1, batch);
            ps.setInt(2, from);
            ps.setInt(3, to);
            ps.executeUpdate();
        }
    }

    private static void execute(LocalPostgres server, String database, String sql) throws SQLException {
        try (Connection c = JdbcConnectionFactory.of(server.jdbcUrl(database), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RecoveryStages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
