package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.local.backup.LocalSource;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class RestoreCommandTest {
    static LocalSource src;
    static Instant beforeBackup;

    @BeforeAll
    static void source() throws Exception {
        src = LocalSource.start("cli-src", false);
        beforeBackup = src.now();
        src.execute("create table t (id int)");
        src.provider.createSnapshot(src.ref, "cli-base", Map.of());
        src.execute("insert into t select generate_series(1, 7)");
        // The command runs its own provider on the same folder, without the live server: its latest
        // restorable time is the last one recorded, which the attached provider does on describe.
        src.provider.describeSource("cli-src");
    }

    @AfterAll
    static void stop() {
        src.close();
    }

    @Test
    void drill_printsEachTransition_andTheRecoveryTime_andCleansUp(TestDatabase db) throws Exception {
        Path verify = Files.writeString(
                src.provider.baseDir().resolveSibling("verify.json"),
                "[{\"name\": \"rows\", \"sql\": \"select count(*) from t\", \"expect\": {\"equals\": 7}}]");

        Cli r = Cli.run(
                "drill",
                "--base-dir",
                src.provider.baseDir().toString(),
                "--source",
                "cli-src",
                "--name",
                "cli-drill",
                "--verify",
                verify.toString(),
                "--jdbc-url",
                db.jdbcUrl(),
                "--user",
                "postgres");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("RESTORING", "AVAILABLE", "VERIFYING", "VERIFIED", "CLEANED_UP")
                .contains("1 checks passed")
                .containsPattern("recovery time: \\d+\\.\\d s");
        assertThat(src.provider.baseDir().resolve("restores/cli-drill")).doesNotExist();
    }

    @Test
    void restoreBeforeTheFirstBackup_isRefused_namingTheRule() {
        Cli r = Cli.run(
                "restore",
                "--base-dir",
                src.provider.baseDir().toString(),
                "--source",
                "cli-src",
                "--at",
                beforeBackup.toString(),
                "--name",
                "cli-too-early");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.out()).contains("refused: TARGET_OUTSIDE_WINDOW (--at)");
        assertThat(src.provider.baseDir().resolve("restores/cli-too-early")).doesNotExist();
    }

    @Test
    void restore_needsATime_orLatest() {
        Cli r = Cli.run("restore", "--source", "cli-src", "--name", "x");
        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err()).contains("--at").contains("--latest");
    }

    @Test
    void drillFromASnapshot_restoresItsRowsOnly_andSaysWhichSnapshot(TestDatabase db) throws Exception {
        Path verify = Files.writeString(
                src.provider.baseDir().resolveSibling("verify-snapshot.json"),
                "[{\"name\": \"rows of the snapshot\", \"sql\": \"select count(*) from t\","
                        + " \"expect\": {\"equals\": 0}}]");

        Cli r = Cli.run(
                "drill",
                "--base-dir",
                src.provider.baseDir().toString(),
                "--source",
                "cli-src",
                "--snapshot",
                "cli-base",
                "--name",
                "cli-snap-drill",
                "--verify",
                verify.toString(),
                "--jdbc-url",
                db.jdbcUrl(),
                "--user",
                "postgres");

        // The 7 rows were written after the snapshot: the latest time would hold them.
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("from snapshot cli-base in local").contains("VERIFIED", "CLEANED_UP");
        assertThat(db.queryLong("select count(*) from restore_runs where new_name = 'cli-snap-drill'"
                        + " and snapshot_id = 'cli-base'"))
                .isEqualTo(1);
    }

    @Test
    void restoreFromTheNewestOfAPolicyWithoutSnapshots_isRefused_namingTheOption() {
        Cli r = Cli.run(
                "restore",
                "--base-dir",
                src.provider.baseDir().toString(),
                "--source",
                "cli-src",
                "--newest-of",
                "bronze",
                "--name",
                "cli-no-snapshot");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.out())
                .contains("refused: SNAPSHOT_NOT_FOUND (--newest-of): no completed snapshot of cli-src taken under"
                        + " policy 'bronze'");
        assertThat(src.provider.baseDir().resolve("restores/cli-no-snapshot")).doesNotExist();
    }

    @Test
    void aTimeAndASnapshotTogether_isAUsageError() {
        Cli r = Cli.run("restore", "--source", "cli-src", "--latest", "--snapshot", "cli-base", "--name", "x");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err()).contains("--latest").contains("--snapshot");
    }

    @Test
    void drillName_isAValidNewName() {
        assertThat(RestoreCommand.drillName("Orders_DB", Instant.parse("2026-11-23T22:43:01Z")))
                .isEqualTo("drill-orders-db-20261123-224301");
    }

    @Test
    void aTimeThatIsNotOne_isAUsageError_namingTheOption() {
        Cli r = Cli.run("restore", "--source", "cli-src", "--at", "yesterday", "--name", "x");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err()).contains("--at").contains("'yesterday' is not a time");
    }

    @Test
    void aNameTheRulesRefuse_isAUsageError_namingTheOptionNotTheField() {
        Cli r = Cli.run(
                "restore",
                "--home",
                src.provider.baseDir().resolveSibling("unused-home").toString(),
                "--source",
                "cli-src",
                "--latest",
                "--name",
                "Bad_Name");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.out()).contains("refused: BAD_REQUEST (--name)").doesNotContain("newName");
    }

    @Test
    void durations_takeTheShortAndTheIsoForm() {
        assertThat(OptionTypes.parseDuration("30m")).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(OptionTypes.parseDuration("1h30m")).isEqualTo(java.time.Duration.ofMinutes(90));
        assertThat(OptionTypes.parseDuration("PT30M")).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(OptionTypes.format(java.time.Duration.ofMinutes(90))).isEqualTo("1h30m");
        Cli r = Cli.run("drill", "--source", "x", "--timeout", "soon");
        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err()).contains("--timeout").contains("30m");
    }

    /** The port a restored server was last started on, from the provider's restore.json. */
    static int portOf(Path home, String name) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(home.resolve("backup/restores")
                        .resolve(name)
                        .resolve("restore.json")
                        .toFile())
                .path("port")
                .asInt();
    }

    static long rowsOn(int port) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
                var s = c.createStatement();
                var rs = s.executeQuery("select count(*) from t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void keepRunning_servesTheRestore_andKeptRestoresAreListedStartedAndDeleted(TestDatabase db) throws Exception {
        Path home = src.provider.baseDir().getParent();
        AtomicLong rows = new AtomicLong(-1);
        RestoreCommand.keepRunningWait = () -> {
            try {
                rows.set(rowsOn(portOf(home, "cli-kept")));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        try {
            Cli r = Cli.run(
                    "restore",
                    "--home",
                    home.toString(),
                    "--source",
                    "cli-src",
                    "--latest",
                    "--name",
                    "cli-kept",
                    "--keep-running",
                    "--jdbc-url",
                    db.jdbcUrl(),
                    "--user",
                    "postgres");

            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(rows.get()).isEqualTo(7);
            assertThat(r.out())
                    .contains("psql -h 127.0.0.1 -p " + portOf(home, "cli-kept") + " -U postgres postgres")
                    .contains("running until Ctrl-C");

            Cli list = Cli.run("restores", "list", "--home", home.toString());
            assertThat(list.out()).containsPattern("cli-kept +cli-src +latest +STARTED");

            rows.set(-1);
            Cli start = Cli.run("restores", "start", "cli-kept", "--home", home.toString());
            assertThat(start.exitCode()).as(start.out() + start.err()).isZero();
            assertThat(rows.get()).isEqualTo(7);

            Cli delete = Cli.run(
                    "restores",
                    "delete",
                    "cli-kept",
                    "--home",
                    home.toString(),
                    "--jdbc-url",
                    db.jdbcUrl(),
                    "--user",
                    "postgres");
            assertThat(delete.exitCode()).as(delete.out() + delete.err()).isZero();
            assertThat(delete.out()).contains("deleted cli-kept: files removed, its run closed; the name is free");
            assertThat(home.resolve("backup/restores/cli-kept")).doesNotExist();
            assertThat(db.queryLong("select count(*) from restore_runs where new_name = 'cli-kept'"
                            + " and state <> 'CLEANED_UP'"))
                    .isZero();
            Cli gone = Cli.run("restores", "delete", "cli-kept", "--home", home.toString());
            assertThat(gone.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
            assertThat(gone.err()).contains("no kept restore named cli-kept");
        } finally {
            RestoreCommand.keepRunningWait = () -> {};
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRecordsServerHalfMadeByAnInterruptedRun_isRemovedAndMadeAgain_sayingSo() throws Exception {
        Path home = src.provider.baseDir().getParent();
        Path data = home.resolve("backup/state/data");
        Files.createDirectories(data.resolve("global"));
        Files.writeString(data.resolve("postgresql.conf"), "# initdb was interrupted here\n");

        Cli r = Cli.run("drill", "--home", home.toString(), "--source", "cli-src", "--name", "cli-after-interrupt");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("removing " + data + ": a data directory half made by an interrupted run");
        assertThat(r.out()).contains("CLEANED_UP");
        assertThat(data.resolve("PG_VERSION")).exists();
    }
}
