package dev.dbre.local.bench;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.local.backup.LocalSource;
import dev.dbre.port.Snapshot;
import dev.dbre.restore.RestoreEvent;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoreRun;
import dev.dbre.restore.RestoreService;
import dev.dbre.schema.SchemaMigrator;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Local restore drill benchmark (run by {@code scripts/bench-drill}): a pgbench-like accounts
 * table of about {@code --mb} MB made with generate_series, a timed base backup, a few writes,
 * then a timed drill to the latest time (copy + checksum check, WAL replay, promotion, a
 * verification count over the whole table, cleanup). Prints one Markdown table row per figure.
 */
public final class DrillBench {
    private DrillBench() {}

    public static void main(String[] args) throws Exception {
        int mb = 1024;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--mb")) {
                mb = Integer.parseInt(args[++i]);
            }
        }
        // pgbench_accounts: ~ 120 bytes of heap per row + ~ 20 of primary-key index.
        long rows = mb * 1024L * 1024L / 140;
        Clock clock = Clock.systemUTC();
        try (LocalSource src = LocalSource.start("bench", false)) {
            src.execute("create database bench_state");
            SchemaMigrator.migrate(src.server.jdbcUrl("bench_state"), "postgres", null);
            long t = System.nanoTime();
            src.execute("create table accounts (aid int primary key, bid int not null, abalance int not null,"
                    + " filler char(84))");
            src.execute("insert into accounts select g, (g - 1) / 100000 + 1, 0, '' from generate_series(1, " + rows
                    + ") g");
            src.execute("checkpoint");
            double loadS = (System.nanoTime() - t) / 1e9;
            long dbBytes = scalar(src, "select pg_database_size('postgres')");

            t = System.nanoTime();
            Snapshot snap = src.provider.createSnapshot(src.ref, "bench-base", Map.of());
            double backupS = (System.nanoTime() - t) / 1e9;

            src.execute("update accounts set abalance = abalance + 1 where aid <= 10000");

            RestoreService service = new RestoreService(
                    src.provider,
                    JdbcConnectionFactory.of(src.server.jdbcUrl("bench_state"), "postgres", null),
                    (d, m) -> {});
            RestoreRequest req =
                    RestoreRequest.parse("{\"source\":\"bench\",\"latest\":true,\"newName\":\"bench-drill\","
                            + "\"drill\":true,\"verify\":[{\"name\":\"rows\",\"sql\":\"select count(*) from accounts\","
                            + "\"expect\":{\"equals\":" + rows + "}},{\"name\":\"updated\",\"sql\":"
                            + "\"select count(*) from accounts where abalance = 1\",\"expect\":{\"equals\":10000}}]}");
            t = System.nanoTime();
            RestoreService.Submitted sub = service.submit(req, clock.instant());
            RestoreRun run =
                    service.runToCompletion(sub.runId(), clock, Duration.ofHours(1), Duration.ofMillis(100), r -> {});
            double drillS = (System.nanoTime() - t) / 1e9;
            if (run.outcome() != dev.dbre.restore.RestoreState.VERIFIED) {
                throw new IllegalStateException("drill failed: " + run.failureReason());
            }
            List<RestoreEvent> ev = service.events(sub.runId());
            System.out.printf(Locale.ROOT, "| rows | %,d |%n", rows);
            System.out.printf(Locale.ROOT, "| database size (pg_database_size) | %.0f MB |%n", dbBytes / 1048576.0);
            System.out.printf(Locale.ROOT, "| load (generate_series + checkpoint) | %.1f s |%n", loadS);
            System.out.printf(
                    Locale.ROOT,
                    "| base backup (pg_backup_start, copy + CRC-32C, pg_backup_stop, WAL archived) | %.1f s (%.0f MB copied) |%n",
                    backupS,
                    snap.sizeBytes() / 1048576.0);
            for (int i = 1; i < ev.size(); i++) {
                System.out.printf(
                        Locale.ROOT,
                        "| drill: %s → %s | %.1f s |%n",
                        ev.get(i - 1).state(),
                        ev.get(i).state(),
                        Duration.between(ev.get(i - 1).at(), ev.get(i).at()).toMillis() / 1000.0);
            }
            System.out.printf(
                    Locale.ROOT, "| drill: recovery time (request → verified) | %.1f s |%n", run.recoverySeconds());
            System.out.printf(Locale.ROOT, "| drill: total (request → cleaned up) | %.1f s |%n", drillS);
        }
    }

    private static long scalar(LocalSource src, String sql) throws Exception {
        try (Connection c = JdbcConnectionFactory.of(src.server.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
