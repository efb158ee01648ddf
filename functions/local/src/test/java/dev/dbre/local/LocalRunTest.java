package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.ingest.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalRunTest {
    @Test
    void smallRun_storesExactlyWhatTheGeneratorWrote_andTheRetryAddsNothing() throws Exception {
        Path base = Path.of("target", "run-local-test");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        LocalRun run = new LocalRun(new PrintStream(printed, true, StandardCharsets.UTF_8));
        new CommandLine(run)
                .parseArgs(
                        "--lines=20000",
                        "--bad-share=0.02",
                        "--seed=99",
                        "--lines-per-record=1000",
                        "--records-per-batch=5",
                        "--retry-share=0.25",
                        "--base-dir=" + base,
                        "--events-dir=" + Path.of("..", "..", "events"));
        Map<String, Long> sql = new TreeMap<>();
        run.beforeStop = ctx -> sloFiguresWithSql(ctx, base.resolve("out/latest/slo-report.json"), sql);

        RunReport report = run.run();

        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).as(out).isNotNull();
        // The same generator, run here on its own, says what the database must hold.
        MetricStreamGenerator expected = new MetricStreamGenerator(99, 0.02, java.time.Clock.systemUTC());
        for (int i = 0; i < 20; i++) {
            expected.nextRecord(1000);
        }
        MetricStreamGenerator.Stats g = expected.stats();
        MetricStreamGenerator.Expected want = expected.expected();
        // Read with SQL during the run (aggregates, events, rejects): what the generator wrote, no more.
        assertThat(report.stream().lines()).isEqualTo(20_000);
        assertThat(report.stream().records()).isEqualTo(20);
        assertThat(g.jsonLines()).as("a share of the stream is JSON").isPositive();
        assertThat(report.stream().values())
                .isEqualTo(want.byName().values().stream()
                        .mapToDouble(MetricStreamGenerator.NameTotals::count)
                        .sum());
        assertThat(report.stream().checks()).isEqualTo(g.checks());
        assertThat(report.stream().events()).isEqualTo(g.events());
        assertThat(report.stream().rejects()).isEqualTo(g.rejected());
        Map<String, Long> expectedReasons = new TreeMap<>();
        for (Map.Entry<RejectReason, Long> e : g.rejects().entrySet()) {
            expectedReasons.put(e.getKey().name(), e.getValue());
        }
        assertThat(new TreeMap<>(report.rejectsByReason())).isEqualTo(expectedReasons);
        // 25% of 20 records delivered again: all recognised, nothing written.
        assertThat(report.duplicateRecords()).isEqualTo(5);
        assertThat(report.rowsAddedByRetry()).isZero();
        // Sample events of every cloud went through their handlers, one line each, and only the
        // ingest and maintenance ones: no screen of "skipped" lines.
        assertThat(report.sampleEvents()).anyMatch(s -> s.startsWith("aws/"));
        assertThat(report.sampleEvents()).anyMatch(s -> s.startsWith("azure/"));
        assertThat(report.sampleEvents()).anyMatch(s -> s.startsWith("gcp/"));
        assertThat(report.sampleEvents()).noneMatch(s -> s.contains("restore"));
        for (String line : report.sampleEvents()) {
            assertThat(out).contains("    " + line + "\n");
        }
        assertThat(out).doesNotContain("skipped");
        // Each ingest trigger's sample, replayed at its delivery time, stored values (at today's
        // clock every line of it would be a TOO_OLD reject).
        for (String event :
                List.of("aws/kinesis-batch.json", "azure/eventhubs-batch.json", "gcp/pubsub-cloudevent.json")) {
            assertThat(report.sampleEvents())
                    .filteredOn(s -> s.startsWith(event + ": "))
                    .singleElement()
                    .asString()
                    .containsPattern("stored [1-9][0-9,]* values");
        }
        assertThat(report.allSources().stored()).isGreaterThan(report.stream().stored());
        // One progress line per stage, each ending in its outcome; the details only under --verbose.
        int stages = LocalRun.stages().size();
        for (int i = 1; i <= stages; i++) {
            assertThat(out).containsPattern("(?m)^\\[stage " + i + "/" + stages + "\\] .* \\.\\.\\. done in ");
        }
        assertThat(out).doesNotContain("lines/s so far").doesNotContain("finishSecret");
        // The recovery stage (its records in the database: RecoveryStagesTest): each database's RPO
        // and last verified drill as read back from rpo_latest and drill_status, in the figures.
        assertThat(out)
                .containsPattern("run-local: RPO pitr [0-9.]+ s, snapshot [0-9.]+ s \\(objective 3,600 s, measured at")
                .containsPattern("run-local-2: RPO .*; last verified drill snapshot at .*, recovery time [0-9.]+ s"
                        + " \\(RTO 300 s\\): within")
                .doesNotContain("OVER THE RPO");
        try (var snapshots = Files.list(base.resolve("backup/snapshots/local"))) {
            assertThat(snapshots.map(p -> p.getFileName().toString()))
                    .hasSize(2)
                    .anyMatch(n -> n.startsWith("dbre-run-local-2-"));
        }
        // Each cloud's maintenance event went through its maintenance function.
        for (String event : List.of(
                "aws/scheduler-maintenance.json",
                "azure/timer-maintenance.json",
                "gcp/scheduler-maintenance-pubsub.json")) {
            assertThat(report.sampleEvents()).anyMatch(s -> s.startsWith(event + ": maintenance: rolled up"));
        }
        // The rotation: the new password logs in, the old is refused, and the application's pool,
        // whose session was ended after the rotation, logged in again with the rotated secret.
        assertThat(out)
                .contains("new password works, old one refused")
                .contains("the application pool reconnected with the rotated secret");
        // The figures at the end: the stream and its rate, what was stored and rejected, the
        // redelivery, the rollups, the query API's p99 within 1 % of the exact one, the rotation.
        String figures = out.substring(out.indexOf("[figures]"));
        assertThat(figures)
                .containsPattern("generated stream +20,000 lines \\(\\d[\\d,]* DogStatsD, [1-9][\\d,]* JSON\\) in 20"
                        + " records at [1-9][\\d,]* lines/s")
                .containsPattern(String.format(Locale.ROOT, "rejects kept +%,d lines", g.rejected()))
                .containsPattern("redelivered +5 records recognised as duplicates, 0 rows added")
                .containsPattern("rollups +[1-9][0-9,]* minute\\(s\\) and [1-9][0-9,]* hour\\(s\\) rolled up,"
                        + " metric_agg_1m [1-9][0-9,]* rows, metric_agg_1h [1-9][0-9,]* rows")
                .containsPattern("query API +7 types' counts exact")
                .containsPattern("rotation +password rotated in four steps")
                .contains("[done]");
        assertThat(Math.abs(readP99(figures) - want.exactQuantile(0.99)))
                .isLessThanOrEqualTo(0.01 * want.exactQuantile(0.99));
        assertThat(out).doesNotContain("FAILED");
        assertThat(Files.exists(base.resolve("postgres/data/postmaster.pid"))).isFalse();
        assertSloReport(base.resolve("out"), out, sql);
        queryAndReportAgainAfterTheRun(base, out);
    }

    /** The database stays after the run: the command its closing lines print reads it, and a new report does. */
    private static void queryAndReportAgainAfterTheRun(Path base, String printed) {
        String query = printed.lines()
                .filter(l -> l.startsWith("  scripts/dbre query "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no query command in the closing lines:\n" + printed));
        assertThat(query).contains("--home " + base.toAbsolutePath().normalize());
        Cli read = Cli.run(query.strip()
                .substring("scripts/dbre ".length())
                .replace("'", "")
                .split(" "));
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out().lines().skip(1))
                .as(read.out())
                .anyMatch(l -> !l.strip().split("\\s+")[1].equals("0"));
        Cli report = Cli.run(
                "slo-report",
                "--home",
                base.toString(),
                "--spec",
                "src/main/resources/run-local/slo",
                "--out",
                base.resolve("out-again").toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("ingest-availability");
    }

    /** What the SLO report's figures must agree with, read with SQL before PostgreSQL stops. */
    private static String sloFiguresWithSql(RunContext ctx, Path reportJson, Map<String, Long> sql) throws Exception {
        // The batches in ingest-availability's window as the report gives it: the sample ingest
        // events replayed at their delivery time (2023, 2026-11-23) may lie before it.
        com.fasterxml.jackson.databind.JsonNode window = null;
        for (var slo : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(reportJson.toFile())
                .get("slos")) {
            if (slo.get("name").asText().equals("ingest-availability")) {
                window = slo.get("window");
            }
        }
        assertThat(window).as("ingest-availability in " + reportJson).isNotNull();
        String inWindow = " >= '" + window.get("from").asText() + "'::timestamptz and %1$s < '"
                + window.get("to").asText() + "'::timestamptz";
        try (var c = ctx.db.open();
                var s = c.createStatement()) {
            for (var q : Map.of(
                            "stored batches",
                                    "select count(*) from ingest_batches where finished_at"
                                            + inWindow.formatted("finished_at"),
                            "failed batches",
                                    "select count(*) from ingest_batch_failures where failed_at"
                                            + inWindow.formatted("failed_at"),
                            "points with an age",
                                    "select coalesce(sum(n), 0) from ingest_batches, unnest(point_lag_counts) n"
                                            + " where finished_at" + inWindow.formatted("finished_at"),
                            "drills ended", "select count(*) from restore_runs where drill and outcome is not null",
                            "drills verified", "select count(*) from restore_runs where drill and outcome = 'VERIFIED'")
                    .entrySet()) {
                try (var rs = s.executeQuery(q.getValue())) {
                    rs.next();
                    sql.put(q.getKey(), rs.getLong(1));
                }
            }
        }
        return null;
    }

    /**
     * The SLO stage's files exist, the JSON is valid against the documented schema, every SLO of
     * the product's set has data from this run, and the figures agree with the database.
     */
    private static void assertSloReport(Path outDir, String printed, Map<String, Long> sql) throws Exception {
        Path json = outDir.resolve("latest/slo-report.json");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SLO report +(\\S+slo-report\\.html)")
                .matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        Path html = Path.of(m.group(1));
        assertThat(html).isRegularFile().hasSameTextualContentAs(outDir.resolve("latest/slo-report.html"));
        assertThat(html.resolveSibling("slo-report.md")).isRegularFile();
        assertThat(html.resolveSibling("slo-report.json")).hasSameTextualContentAs(json);
        String text = Files.readString(json, StandardCharsets.UTF_8);
        assertThat(com.networknt.schema.SchemaRegistry.withDefaultDialect(
                                com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                        .getSchema(Files.readString(Path.of("../../docs/slo-report.schema.json")))
                        .validate(text, com.networknt.schema.InputFormat.JSON))
                .isEmpty();
        Map<String, com.fasterxml.jackson.databind.JsonNode> slos = new TreeMap<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(text)
                .get("slos")
                .forEach(n -> slos.put(n.get("name").asText(), n));
        assertThat(slos)
                .containsOnlyKeys(
                        "ingest-availability",
                        "ingest-freshness",
                        "backup-rpo",
                        "drill-verified",
                        "drill-rto",
                        "rotation-on-schedule");
        slos.forEach((name, n) -> {
            assertThat(n.get("sli").isNumber())
                    .as(name + " has data from this run")
                    .isTrue();
            assertThat(printed).containsPattern("  SLO " + name + " +SLI [0-9.]+% ");
            // The run's own data meets every SLO: no alert fires that the run did not cause (the
            // stream's timestamps are the run's, so ingest freshness reads as met too).
            assertThat(n.get("sli").asDouble())
                    .as(name + " is met on run-local's data")
                    .isGreaterThanOrEqualTo(n.get("target").asDouble());
            assertThat(n.get("alerts").findValuesAsText("firing"))
                    .as(name + " fires no alert")
                    .containsOnly("false");
            assertThat(printed)
                    .containsPattern(
                            "  SLO " + name + " +SLI .* alerts firing: none( \\(not enough data to alert\\))?\n");
        });
        assertThat(printed).contains("; 0 alert(s) firing");
        // Ingest availability: stored batches of all that ended, as SQL counts them.
        long stored = sql.get("stored batches");
        long failed = sql.get("failed batches");
        var availability = slos.get("ingest-availability");
        assertThat(availability.get("counts").get("total").asLong()).isEqualTo(stored + failed);
        assertThat(availability.get("sli").asDouble()).isCloseTo((double) stored / (stored + failed), within(1e-9));
        assertThat(slos.get("ingest-freshness").get("counts").get("total").asLong())
                .isEqualTo(sql.get("points with an age"));
        assertThat(slos.get("drill-verified").get("counts").get("total").asLong())
                .isEqualTo(sql.get("drills ended"))
                .isPositive();
        assertThat(slos.get("drill-verified").get("counts").get("good").asLong())
                .isEqualTo(sql.get("drills verified"));
    }

    @Test
    void verbose_printsTheDetailLines() throws Exception {
        Path base = Path.of("target", "run-local-verbose-test");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        LocalRun run = new LocalRun(new PrintStream(printed, true, StandardCharsets.UTF_8));
        new CommandLine(run)
                .parseArgs(
                        "--lines=5000",
                        "--verbose",
                        "--base-dir=" + base,
                        "--events-dir=" + Path.of("..", "..", "events"));

        RunReport report = run.run();

        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).as(out).isNotNull();
        assertThat(out)
                .contains("lines/s so far")
                .contains("100%")
                .contains("finishSecret FINISHED")
                .contains("logged in as dbre_app with the new password")
                .contains("the old password is refused")
                .containsPattern("application pool: session \\d+ ended; reconnected as dbre_app with the rotated"
                        + " secret \\(session \\d+\\)")
                .containsPattern("metric_agg_1h +[1-9][0-9,]* rows in [1-9][0-9]* partition\\(s\\) \\(rollup\\)")
                .contains("c  count: generated");
    }

    /** The p99 the run printed. */
    private static double readP99(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("p99 of http.request.duration ([0-9.]+) \\(exact")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void failingStage_stopsTheRun_andPostgres() {
        Path base = Path.of("target", "run-local-fail-test");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        LocalRun run = new LocalRun(new PrintStream(printed, true, StandardCharsets.UTF_8));
        new CommandLine(run)
                .parseArgs("--lines=1000", "--base-dir=" + base, "--events-dir=" + base.resolve("no-events-here"));

        RunReport report = run.run();

        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).isNull();
        assertThat(out)
                .contains("[stage 2/" + LocalRun.stages().size() + "] ingest the sample events")
                .contains("FAILED")
                .contains("no ingest event was sent for [aws, azure, gcp]")
                .doesNotContain("[stage 3/");
        assertThat(Files.exists(base.resolve("postgres/data/postmaster.pid"))).isFalse();
    }

    @Test
    void anOptionOutOfRange_isAUsageError_beforeAnythingStarts() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        picocli.CommandLine cmd = LocalRun.commandLine(new PrintStream(printed, true, StandardCharsets.UTF_8));
        cmd.setErr(new java.io.PrintWriter(errors, true, StandardCharsets.UTF_8));

        int code = cmd.execute("--bad-share", "2", "--base-dir", "target/never-made");

        assertThat(code).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--bad-share must be between 0 and 1, was 2.0");
        assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("[start]");
        assertThat(java.nio.file.Path.of("target/never-made")).doesNotExist();
    }

    @Test
    void help_listsEveryStage() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        picocli.CommandLine cmd = LocalRun.commandLine(new PrintStream(printed, true, StandardCharsets.UTF_8));
        cmd.setOut(new java.io.PrintWriter(printed, true, StandardCharsets.UTF_8));

        cmd.execute("--help");

        String help = printed.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < LocalRun.stages().size(); i++) {
            assertThat(help).contains((i + 1) + ". " + LocalRun.stages().get(i).title());
        }
    }
}
