package dev.dbre.local;

import dev.dbre.backup.BackupPolicyLoader;
import dev.dbre.backup.RetryPolicy;
import dev.dbre.backup.SnapshotRunStore;
import dev.dbre.backup.SnapshotRunSummary;
import dev.dbre.backup.SnapshotService;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.port.BackupPolicy;
import dev.dbre.port.Sleeper;
import dev.dbre.port.Snapshot;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.restore.RestoreState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.Locale;
import java.util.Random;

/**
 * The restore stage of {@code run-local}: a snapshot (a base backup) of the embedded database taken
 * by the sample backup policy through the snapshot service, writes at T1, a
 * mark, more writes at T2, then a drill restoring to the mark, verified (the T1 rows only), with
 * its recovery time, and cleaned up.
 */
final class RestoreStages {
    static final int T1_ROWS = 100;
    static final int T2_ROWS = 50;
    static final String POLICY_RESOURCE = "/run-local/backup-policy.json";

    private RestoreStages() {}

    static String drill(RunContext ctx) throws SQLException, InterruptedException, IOException {
        LocalBackupProvider backups = ctx.backups;
        execute(ctx, "create table drill_items (id int primary key, batch text not null)");
        long b0 = System.nanoTime();
        SnapshotRunSummary snapshots = snapshotByPolicy(ctx);
        if (!snapshots.ok() || snapshots.created() != 1) {
            throw new IllegalStateException("the snapshot by the sample policy did not create exactly one snapshot: "
                    + snapshots.toJson(false));
        }
        Snapshot snap = backups.listSnapshots(ctx.source.id(), LocalBackupProvider.REGION).stream()
                .max(Comparator.comparing(Snapshot::createdAt))
                .orElseThrow();
        ctx.detail(String.format(
                Locale.ROOT,
                "policy %s: created %d snapshot (%s, a base backup of %,d bytes) in %s",
                POLICY_RESOURCE,
                snapshots.created(),
                snap.id(),
                snap.sizeBytes(),
                LocalRun.seconds(System.nanoTime() - b0)));
        execute(ctx, "insert into drill_items select g, 'T1' from generate_series(1, " + T1_ROWS + ") g");
        Instant mark = serverTime(ctx);
        execute(
                ctx,
                "insert into drill_items select g, 'T2' from generate_series(" + (T1_ROWS + 1) + ", "
                        + (T1_ROWS + T2_ROWS) + ") g");
        ctx.detail(T1_ROWS + " rows at T1, mark " + mark + ", " + T2_ROWS + " rows at T2");

        RestoreService service = new RestoreService(backups, ctx.db, ctx.metrics);
        RestoreRequest request = RestoreRequest.parse("{\"source\":\"" + ctx.source.id() + "\",\"targetTime\":\""
                + mark + "\",\"newName\":\"run-local-drill\",\"database\":\"" + ctx.database + "\",\"drill\":true,"
                + "\"verify\":[{\"name\":\"T1 rows\",\"sql\":\"select count(*) from drill_items\","
                + "\"expect\":{\"equals\":" + T1_ROWS + "}},{\"name\":\"no T2 rows\",\"sql\":"
                + "\"select count(*) from drill_items where batch = 'T2'\",\"expect\":{\"equals\":0}}]}");
        RestoreService.Submitted sub = service.submit(request, ctx.clock.instant());
        RestoreRun run = service.runToCompletion(
                sub.runId(),
                ctx.clock,
                Duration.ofMinutes(5),
                Duration.ofMillis(100),
                r -> ctx.detail(
                        r.state() + ": " + service.events(r.runId()).getLast().detail()));
        if (run.state() != RestoreState.CLEANED_UP || run.outcome() != RestoreState.VERIFIED) {
            throw new IllegalStateException(
                    "the drill ended " + run.state() + "/" + run.outcome() + ": " + run.failureReason());
        }
        ctx.drillRecoverySeconds = run.recoverySeconds();
        return String.format(
                Locale.ROOT,
                "restored to the mark and verified (%d of %d rows); recovery time %.1f s; cleaned up",
                T1_ROWS,
                T1_ROWS + T2_ROWS,
                run.recoverySeconds());
    }

    /** Runs the sample backup policy (a classpath resource) through the snapshot service. */
    private static SnapshotRunSummary snapshotByPolicy(RunContext ctx) throws IOException {
        String text;
        try (InputStream in = RestoreStages.class.getResourceAsStream(POLICY_RESOURCE)) {
            if (in == null) {
                throw new IOException("missing resource " + POLICY_RESOURCE);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        BackupPolicy policy = BackupPolicyLoader.parse(POLICY_RESOURCE, text);
        SnapshotService service = new SnapshotService(
                ctx.metrics, new SnapshotRunStore(ctx.db), RetryPolicy.DEFAULT, Sleeper.SYSTEM, new Random());
        return service.run(policy, ctx.backups, ctx.clock, false);
    }

    private static void execute(RunContext ctx, String sql) throws SQLException {
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static Instant serverTime(RunContext ctx) throws SQLException {
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }
}
