package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.SteadySliData;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresExtension.class)
class SloReportCommandTest {
    static final String SPEC = SteadySliData.SPEC;

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void tmpdir() throws Exception {
        // surefire points java.io.tmpdir into target/, which a focused run may not have created yet
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @BeforeEach
    void inMemoryData(TestDatabase db) throws Exception {
        SloReportCommand.sliData = ds -> SteadySliData.tenPercentErrors();
        db.execute("truncate slo_alert_state");
    }

    @AfterEach
    void databaseData() {
        SloReportCommand.sliData = dev.dbre.slo.data.DatabaseSliData::new;
    }

    private Cli report(TestDatabase db, Path spec, String... more) {
        String[] base = {
            "slo-report",
            "--spec",
            spec.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--jdbc-url",
            db.jdbcUrl(),
            "--user",
            "postgres",
            "--at",
            "2026-03-01T00:00:00Z"
        };
        String[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void printsBudgetLeftAlertsFiringAndTheReportPaths_andAlertChangesOnlyOnce(TestDatabase db) throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC);

        Cli first = report(db, spec);

        assertThat(first.exitCode()).as(first.err()).isZero();
        // 10% errors against a 1% budget: the window spent 10 budgets, -900% left
        assertThat(first.out())
                .contains("api-availability (99%): budget left -900.0%; alerts firing: page-slow, ticket-fast,"
                        + " ticket-slow")
                .contains("alert started: api-availability page-slow (page)")
                .contains("report html: " + dir.resolve("out/20260301T000000Z/slo-report.html"));
        assertThat(dir.resolve("out/20260301T000000Z/slo-report.json")).exists();
        assertThat(dir.resolve("out/latest/slo-report.md")).exists();

        Cli again = report(db, spec, "--format", "json");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("alerts firing: page-slow").doesNotContain("alert started");
    }

    @Test
    void withoutJdbcUrl_theReportUsesTheHomesKeptDatabase_andAHomeWithoutOneIsAUsageError() throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC);
        Path home = dir.resolve("home");
        String[] args = {
            "slo-report",
            "--spec",
            spec.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--home",
            home.toString(),
            "--at",
            "2026-03-01T00:00:00Z"
        };

        Cli none = Cli.run(args);
        assertThat(none.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(none.err())
                .contains("the home " + home + " has no database yet")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("out")).doesNotExist();

        assertThat(Cli.run("migrate", "--home", home.toString()).exitCode()).isZero();
        Cli report = Cli.run(args);
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("alert started: api-availability page-slow (page)");
        // The alert state went to the home's database: a second run starts no alert again.
        Cli again = Cli.run(args);
        assertThat(again.out()).contains("alerts firing: page-slow").doesNotContain("alert started");
    }

    @Test
    void aBadSpec_printsFileLineAndField_exits2_withoutAStackTrace(TestDatabase db) throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC.replace("target: 0.99", "target: 1.5"));

        Cli bad = report(db, spec);

        assertThat(bad.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(bad.err())
                .contains("api.yaml:14: spec.objectives[0].target: must be in [0, 1), was 1.5")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void fromWithoutTo_orAnUnknownFormat_isAUsageError(TestDatabase db) throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC);

        Cli half = report(db, spec, "--from", "2026-02-28T00:00:00Z");
        assertThat(half.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(half.err()).contains("--from and --to go together, and not with --at");

        Cli pdf = report(db, spec, "--format", "pdf");
        assertThat(pdf.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(pdf.err()).contains("unknown: 'pdf'");
    }

    @Test
    void minEvents_holdsBackPagesOnly_andMustBeAPositiveWholeNumber(TestDatabase db) throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC);

        Cli high = report(db, spec, "--min-events", "1000000");
        assertThat(high.exitCode()).as(high.err()).isZero();
        // the same data as above: without the million events a page wants, only the tickets fire
        assertThat(high.out())
                .contains(
                        "api-availability (99%): budget left -900.0%; alerts firing: ticket-fast," + " ticket-slow\n");

        Cli zero = report(db, spec, "--min-events", "0");
        assertThat(zero.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(zero.err()).contains("--min-events: must be a whole number of events >= 1, was '0'");
    }
}
