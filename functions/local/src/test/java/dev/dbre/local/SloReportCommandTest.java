package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.SliData;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import dev.dbre.testing.PostgresExtension;
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
    static final String SPEC = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-availability}
            spec:
              service: api
              indicator:
                metadata: {name: api-errors}
                spec:
                  ratioMetric:
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.errors}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}
              timeWindow: [{duration: 30d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            """;

    /** 10 requests a minute, 1 of them failed, always: every window burns 10 (1% budget). */
    static final class SteadyTenPercentErrors implements SliData {
        @Override
        public StepSeries counts(MetricSource source, StepGrid grid) {
            double[] v = new double[grid.steps()];
            Arrays.fill(v, source.key().contains("api.errors") ? 1 : 10);
            return new StepSeries(grid, v);
        }

        @Override
        public ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StepSeries ratios(MetricSource source, StepGrid grid) {
            throw new UnsupportedOperationException();
        }
    }

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void tmpdir() throws Exception {
        // surefire points java.io.tmpdir into target/, which a focused run may not have created yet
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @BeforeEach
    void inMemoryData(TestDatabase db) throws Exception {
        SloReportCommand.sliData = ds -> new SteadyTenPercentErrors();
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
}
