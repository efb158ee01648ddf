package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.restore.DrillChecks;
import dev.dbre.schema.SchemaMigrator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** run-local's recovery stage on its own migrated embedded server: what it leaves in the database. */
class RecoveryStagesTest {
    @Test
    void recoveryStage_verifiesAPitrAndASnapshotDrill_andRecordsRpoAndTheirRecoveryTimes() throws Exception {
        Path base = Path.of("target", "recovery-stage-test").toAbsolutePath();
        deleteTree(base.resolve("backup"));
        LocalRun.Options options = new LocalRun.Options();
        options.baseDir = base;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Clock clock = Clock.systemUTC();
        try (LocalPostgres pg = LocalPostgres.start(base.resolve("postgres"), 0, LocalBackupProvider.ARCHIVING);
                LocalBackupProvider backups = new LocalBackupProvider(base.resolve("backup"), Duration.ofMinutes(5))) {
            execute(JdbcConnectionFactory.of(pg.jdbcUrl("postgres"), "postgres", null), "create database dbre");
            SchemaMigrator.migrate(pg.jdbcUrl(LocalRun.DATABASE), "postgres", null);
            MetricStoreSettings store = LocalRun.metricStore();
            RunContext ctx = new RunContext(
                    options,
                    pg,
                    LocalRun.DATABASE,
                    new IngestService(
                            JdbcConnectionFactory.of(pg.jdbcUrl(LocalRun.DATABASE), "postgres", null),
                            ParseLimits.DEFAULTS,
                            store,
                            clock),
                    store,
                    (dimensions, metrics) -> {},
                    clock,
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            backups.attach(LocalRun.SOURCE, pg);
            ctx.backups = backups;
            ctx.source = LocalRun.SOURCE;
            Instant before = clock.instant();

            String summary = RecoveryStages.recover(ctx);

            String out = printed.toString(StandardCharsets.UTF_8);
            assertThat(summary).as(out).contains("RPO and RTO within their objectives");
            // One drill per database, one of each kind; the PITR copy held every row written, the
            // snapshot copy only the rows of its snapshot (the policy's query read them there).
            assertThat(
                            rows(
                                    ctx.db,
                                    "select d.database_id || ' ' || d.kind || ' ' || d.outcome || ' ' || d.state || ' '"
                                            + " || (d.recovery_seconds > 0) || ' ' || d.over_rto || ' ' || (select v ->> 'actual'"
                                            + " from jsonb_array_elements(r.verification) v where v ->> 'name' = 'drill_items rows')"
                                            + " from drill_results d join restore_runs r using (run_id) where d.policy = 'run-local'"))
                    .as(out)
                    .containsExactlyInAnyOrder(
                            "run-local pitr VERIFIED CLEANED_UP true false 150",
                            "run-local-2 snapshot VERIFIED CLEANED_UP true false 100");
            assertThat(rows(ctx.db, "select kind from restore_runs where source_id = 'run-local-2'"))
                    .containsExactly("snapshot");
            // The checks every drill runs passed too, before the policy's query.
            assertThat(rows(
                            ctx.db,
                            "select count(*) filter (where not (v ->> 'passed')::boolean) || ' '"
                                    + " || bool_or(v ->> 'name' = '" + DrillChecks.ROW_ESTIMATES
                                    + "') from restore_runs r,"
                                    + " jsonb_array_elements(r.verification) v where r.drill"))
                    .containsExactly("0 true");
            // Recovery points measured at the snapshot tick, for each database and kind, within 1 h.
            assertThat(
                            rows(
                                    ctx.db,
                                    "select database_id || ' ' || kind || ' ' || (lag_seconds between 0 and 600) || ' '"
                                            + " || objective_seconds::int || ' ' || over from rpo_latest where policy = 'run-local'"))
                    .containsExactlyInAnyOrder(
                            "run-local pitr true 3600 false",
                            "run-local snapshot true 3600 false",
                            "run-local-2 pitr true 3600 false",
                            "run-local-2 snapshot true 3600 false");
            assertThat(rows(
                            ctx.db,
                            "select database_id || ' ' || last_verified_kind || ' ' || verified || ' '"
                                    + " || coalesce(last_over_rto::text, '-') from drill_status(now(), 30)"
                                    + " where policy = 'run-local'"))
                    .containsExactlyInAnyOrder("run-local pitr 1 false", "run-local-2 snapshot 1 false");
            assertThat(rows(
                            ctx.db,
                            "select count(*) from snapshot_runs where policy = 'run-local' and run_at >= '" + before
                                    + "'"))
                    .containsExactly("2");
            // The source still holds every row; the drills' servers and files are gone.
            assertThat(rows(ctx.db, "select count(*) from drill_items")).containsExactly("150");
            assertThat(ctx.drillRecoverySeconds).isPositive();
            try (var restores = Files.list(base.resolve("backup/restores"))) {
                assertThat(restores).isEmpty();
            }
            assertThat(String.join("\n", ctx.figures().values()))
                    .contains("run-local: RPO pitr ")
                    .contains("run-local-2: RPO pitr ")
                    .doesNotContain("OVER THE");
        }
    }

    @Test
    void statusLine_flagsADatabaseOverItsRpo_andADrillOverItsRto() {
        Instant at = Instant.parse("2026-12-05T04:00:00Z");
        List<RecoveryStages.Rpo> rpo = List.of(
                new RecoveryStages.Rpo("pitr", at, 0.4, 3600.0, false),
                new RecoveryStages.Rpo("snapshot", at, null, 3600.0, true));
        RecoveryStages.LastDrill slow = new RecoveryStages.LastDrill(at, "snapshot", 420.4, 300.0, true);

        String line = RecoveryStages.statusLine("orders", rpo, slow);

        assertThat(line)
                .isEqualTo("orders: RPO pitr 0.4 s, snapshot no recovery point (objective 3,600 s, measured at"
                        + " 2026-12-05T04:00:00Z): OVER THE RPO (snapshot); last verified drill snapshot at"
                        + " 2026-12-05T04:00:00Z, recovery time 420 s (RTO 300 s): OVER THE RTO");
        assertThat(RecoveryStages.statusLine("new", List.of(), null))
                .isEqualTo("new: RPO not measured; last verified drill none in 30 days: OVERDUE");
    }

    private static List<String> rows(ConnectionFactory db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void execute(ConnectionFactory db, String sql) throws SQLException {
        try (Connection c = db.open();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var all = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
