package dev.dbre.local;

import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.local.backup.LocalBackupProvider;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.obs.LogMetricsPublisher;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.DatabaseRef;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code scripts/run-local}: the whole ingest path on one machine. Starts an embedded PostgreSQL
 * under {@code --base-dir}, then runs the stages one after another, each with a progress line:
 * migrate, the sample events of every cloud through the real handlers, a generated stream, a retry
 * of part of it (exactly-once: no new rows), the figures read back with SQL, a maintenance run
 * (rollups, partitions, retention), the figures read back through the query API and checked
 * against the generator, then rotation, snapshot and restore, and last the SLO report over what the
 * run did (written to {@code --out}).
 *
 * <p>PostgreSQL is stopped at the end, on failure, and on Ctrl-C (a shutdown hook). A new stage
 * is one more entry in {@link #stages()}.
 */
@Command(
        name = "run-local",
        mixinStandardHelpOptions = true,
        description = {
            "Runs every function end to end on an embedded PostgreSQL, one stage after another with a progress line"
                    + " each (the stages are listed below).",
            "Replaces <base-dir> (default .run-local in the project) at each start: its database, its backups (source"
                    + " run-local: `dbre restore --home <base-dir>` restores from them) and its logs. JSON logs go to"
                    + " <base-dir>/logs/run-local.log, the functions' metric lines to <base-dir>/logs/stdout.log."
        },
        footerHeading = "%nStages:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every stage succeeded",
            "1:a stage failed (its line says why)",
            "2:usage error",
            "130:interrupted (Ctrl-C): PostgreSQL stopped, nothing left running"
        })
public final class LocalRun implements Callable<Integer> {
    static final String DATABASE = "dbre";

    /** The embedded server as the local provider's source (restores: {@code dbre restore --source run-local}). */
    static final DatabaseRef SOURCE = new DatabaseRef(
            "run-local",
            LocalBackupProvider.KIND,
            LocalBackupProvider.REGION,
            Map.of("dbre:backup-policy", "sample"),
            false);

    @Mixin
    Options options = new Options();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final PrintStream out;

    /** Tests: reads the database after the last stage succeeded, before PostgreSQL stops (null: none). */
    Stage.Body beforeStop;

    LocalRun(PrintStream out) {
        this.out = out;
    }

    /** The run's settings. */
    static final class Options {
        @Option(
                names = "--lines",
                defaultValue = "1000000",
                paramLabel = "N",
                description = "Lines in the generated stream (default: ${DEFAULT-VALUE}).")
        long lines;

        @Option(
                names = "--bad-share",
                defaultValue = "0.01",
                paramLabel = "SHARE",
                description = "Share of bad lines in the stream, 0 to 1 (default: ${DEFAULT-VALUE}).")
        double badShare;

        @Option(
                names = "--seed",
                defaultValue = "20261123",
                paramLabel = "SEED",
                description = "Generator seed: the same seed gives the same stream (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(
                names = "--lines-per-record",
                defaultValue = "1000",
                paramLabel = "N",
                description = "Lines per Kinesis-shaped record (default: ${DEFAULT-VALUE}).")
        int linesPerRecord;

        @Option(
                names = "--records-per-batch",
                defaultValue = "100",
                paramLabel = "N",
                description =
                        "Records per batch, as a Kinesis event source mapping's BatchSize (default: ${DEFAULT-VALUE}).")
        int recordsPerBatch;

        @Option(
                names = "--retry-share",
                defaultValue = "0.1",
                paramLabel = "SHARE",
                description = "Share of the stream's records delivered a second time (default: ${DEFAULT-VALUE}).")
        double retryShare;

        @Option(
                names = "--base-dir",
                defaultValue = ".run-local",
                paramLabel = "DIR",
                description = "Where PostgreSQL's files and the logs go; wiped at start (default: ${DEFAULT-VALUE}).")
        Path baseDir;

        @Option(
                names = "--events-dir",
                defaultValue = "events",
                paramLabel = "DIR",
                description = "The sample events, in aws/, azure/, gcp/ (default: ${DEFAULT-VALUE}).")
        Path eventsDir;

        @Option(
                names = "--out",
                paramLabel = "DIR",
                description = "Where the SLO report is written (default: <base-dir>/out; scripts/run-local: out/ in"
                        + " the project). Kept between runs: each run adds a folder and replaces latest/.")
        Path out;

        /** The report folder: {@code --out}, else {@code <base-dir>/out}. */
        Path outDir() {
            return out != null ? out : baseDir.resolve("out");
        }

        @Option(
                names = {"-v", "--verbose"},
                description = "Also print each stage's detail lines (the stream's progress, every table, each"
                        + " rotation step).")
        boolean verbose;

        /** @throws IllegalArgumentException naming the option that is out of range */
        void validate() {
            check(lines >= 0, "--lines must be 0 or more, was " + lines);
            check(badShare >= 0 && badShare <= 1, "--bad-share must be between 0 and 1, was " + badShare);
            check(linesPerRecord >= 1, "--lines-per-record must be 1 or more, was " + linesPerRecord);
            check(recordsPerBatch >= 1, "--records-per-batch must be 1 or more, was " + recordsPerBatch);
            check(retryShare >= 0 && retryShare <= 1, "--retry-share must be between 0 and 1, was " + retryShare);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    public static void main(String[] args) {
        PrintStream terminal = System.out;
        Path logs = logsDir(args);
        Logs.useFile(logs.resolve("run-local.log"));
        // In the clouds a function's stdout is its log channel (metric lines included): here it goes
        // to a file, so the terminal shows the run's progress only.
        try {
            Files.createDirectories(logs);
            System.setOut(new PrintStream(
                    new FileOutputStream(logs.resolve("stdout.log").toFile()), true, StandardCharsets.UTF_8));
        } catch (IOException e) {
            terminal.println("run-local: cannot write the logs under " + logs + ": " + e.getMessage());
            System.exit(1);
        }
        CommandLine cmd = commandLine(terminal);
        // scripts/run-local passes --base-dir and --events-dir first: the user's own come later and win.
        cmd.setOverwrittenOptionsAllowed(true);
        cmd.setOut(new PrintWriter(terminal, true, StandardCharsets.UTF_8));
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            terminal.println("run-local: " + DbreCommand.describe(ex));
            return DbreCommand.EXIT_FAILURE;
        });
        System.exit(cmd.execute(args));
    }

    /** The command line model, its help listing the stages of {@link #stages()}. */
    static CommandLine commandLine(PrintStream terminal) {
        CommandLine cmd = new CommandLine(new LocalRun(terminal));
        List<Stage> stages = stages();
        String[] lines = new String[stages.size()];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "  " + (i + 1) + ". " + stages.get(i).title();
        }
        cmd.getCommandSpec().usageMessage().footer(lines);
        return cmd;
    }

    /** The logs folder, from --base-dir if given (read before picocli: logging starts first). */
    private static Path logsDir(String[] args) {
        String base = ".run-local";
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--base-dir") && i + 1 < args.length) {
                base = args[i + 1];
            } else if (args[i].startsWith("--base-dir=")) {
                base = args[i].substring("--base-dir=".length());
            }
        }
        return Path.of(base, "logs");
    }

    @Override
    public Integer call() {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        RunReport report = run();
        return report == null ? DbreCommand.EXIT_FAILURE : DbreCommand.EXIT_OK;
    }

    /** The stages, in order. Later issues add theirs here (snapshot/restore, rotation, ...). */
    static List<Stage> stages() {
        return List.of(
                new Stage("migrate the schema", IngestStages::migrate),
                new Stage("ingest the sample events of AWS, Azure and Google Cloud", SampleEvents::run),
                new Stage("ingest a generated DogStatsD and JSON stream", IngestStages::generatedStream),
                new Stage("deliver part of the stream again", IngestStages::retry),
                new Stage("figures, read back with SQL", IngestStages::figures),
                new Stage("metric store maintenance: partitions, rollups, retention", MetricStoreStages::maintain),
                new Stage(
                        "figures read back through the query API, checked against the generator",
                        MetricStoreStages::queryFigures),
                new Stage(
                        "rotate the application user's password (four steps); its pool reconnects",
                        RotationStages::rotate),
                new Stage(
                        "recovery: snapshots, a fleet drill tick (PITR, snapshot), RPO and RTO",
                        RecoveryStages::recover),
                new Stage("the product's SLO report over this run, written to --out", SloStages::report));
    }

    /**
     * Runs every stage on a fresh embedded PostgreSQL.
     *
     * @return the figures, or null when a stage failed (its line says why)
     */
    RunReport run() {
        Clock clock = Clock.systemUTC();
        long t0 = System.nanoTime();
        out.println("[start] embedded PostgreSQL under " + options.baseDir.toAbsolutePath() + " ...");
        // Absolute: PostgreSQL resolves a relative socket directory against its data directory.
        // WAL archiving on: the restore stage restores from its archive.
        // Kept after the run (a fresh one each run): `dbre query|slo-report --home <base-dir>` reads it.
        Path pgDir = options.baseDir.toAbsolutePath().normalize().resolve("postgres");
        KeptPostgres.deleteTree(pgDir.resolve("data"));
        LocalPostgres pg = LocalPostgres.startKept(
                pgDir.resolve("data"),
                pgDir,
                0,
                LocalBackupProvider.ARCHIVING,
                pgDir.resolve("server.log"),
                KeptPostgres.STARTUP_WAIT);
        LocalBackupProvider backups =
                freshBackups(options.baseDir.toAbsolutePath().resolve("backup"));
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                try {
                    // Records the last restorable time, so `dbre restore` can use the files later.
                    backups.detach(SOURCE.id());
                } catch (RuntimeException e) {
                    out.println("[stop] could not record the last restorable time: " + DbreCommand.describe(e));
                }
                backups.close();
                pg.close();
            }
        };
        Thread hook = new Thread(
                () -> {
                    if (!stopped.get()) {
                        out.println();
                        out.println("[interrupted] stopping PostgreSQL");
                    }
                    stop.run();
                },
                "run-local-stop-postgres");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            createDatabase(pg);
            out.printf(
                    Locale.ROOT,
                    "[start] PostgreSQL listening on 127.0.0.1:%d ... done in %s%n",
                    pg.port(),
                    seconds(System.nanoTime() - t0));
            MetricsPublisher metrics = new LogMetricsPublisher(System.out, clock);
            MetricStoreSettings store = metricStore();
            IngestService ingest = new IngestService(
                    JdbcConnectionFactory.of(pg.jdbcUrl(DATABASE), "postgres", null),
                    ParseLimits.DEFAULTS,
                    store,
                    clock);
            RunContext ctx = new RunContext(options, pg, DATABASE, ingest, store, metrics, clock, out);
            backups.attach(SOURCE, pg);
            ctx.backups = backups;
            ctx.source = SOURCE;
            List<Stage> stages = stages();
            for (int i = 0; i < stages.size(); i++) {
                Stage stage = stages.get(i);
                String head = "[stage " + (i + 1) + "/" + stages.size() + "] " + stage.title();
                ctx.beginStage(head);
                long s0 = System.nanoTime();
                try {
                    String summary = stage.body().run(ctx);
                    ctx.endStage("done in " + seconds(System.nanoTime() - s0)
                            + (summary == null || summary.isEmpty() ? "" : ": " + summary));
                } catch (Exception | AssertionError e) {
                    if (!stopped.get()) {
                        ctx.endStage(
                                "FAILED after " + seconds(System.nanoTime() - s0) + ": " + DbreCommand.describe(e));
                    } // else Ctrl-C stopped PostgreSQL under the stage: "[interrupted]" already says so
                    return null;
                }
            }
            if (beforeStop != null) {
                try {
                    beforeStop.run(ctx);
                } catch (Exception e) {
                    throw new IllegalStateException("the check before PostgreSQL stops failed", e);
                }
            }
            Instant firstBucket = firstBucket(ctx);
            stop.run();
            out.println("[figures]");
            RunContext.figureLines(ctx.figures()).forEach(out::println);
            out.println("[done] in " + seconds(System.nanoTime() - t0) + "; PostgreSQL stopped");
            printNextCommands(ctx, firstBucket, clock.instant());
            return ctx.report;
        } finally {
            stop.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is already running (and stop() is idempotent).
            }
        }
    }

    /**
     * The closing lines: the commands that query and re-report this run's data, which stays in the
     * base dir's database until the next run.
     */
    private void printNextCommands(RunContext ctx, Instant firstBucket, Instant now) {
        Path base = options.baseDir.toAbsolutePath().normalize();
        String metric = ctx.expected == null || ctx.expected.byName().isEmpty()
                ? "NAME"
                : ctx.expected.byName().keySet().iterator().next();
        Instant from = Instant.ofEpochSecond(
                Math.floorDiv((firstBucket == null ? ctx.startedAt : firstBucket).getEpochSecond(), 3600) * 3600);
        // Hours for a run's own data; days when its timestamps reach further back (fewer lines).
        String step = java.time.Duration.between(from, now).toDays() < 2 ? "1h" : "1d";
        Path specs = base.resolveSibling("functions/local/src/main/resources/run-local/slo");
        out.println("[next] this run's database stays in " + base + " until the next run; query and re-report it:");
        out.println("  scripts/dbre query '" + metric + "' --home " + base + " --from " + from + " --step " + step
                + " --stat" + " count,p99");
        out.println("  scripts/dbre slo-report --home " + base + " --spec "
                + (Files.isDirectory(specs) ? specs.toString() : "SPEC_DIR") + " --out " + base.resolve("out-again"));
    }

    /**
     * The earliest bucket the run stored, or null (none, or the database cannot tell); its rollups
     * count too, since maintenance drops the intervals of old {@code |T} timestamps once rolled up.
     */
    private static Instant firstBucket(RunContext ctx) {
        try (Connection c = ctx.db.open();
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select least((select min(bucket) from metric_agg),"
                        + " (select min(bucket) from metric_agg_1m), (select min(bucket) from metric_agg_1h))")) {
            return rs.next() && rs.getTimestamp(1) != null ? rs.getTimestamp(1).toInstant() : null;
        } catch (SQLException e) {
            return null;
        }
    }

    /**
     * The run's metric store: the product's defaults (no raw points: the SQL figures count the
     * aggregates), but no cardinality guard (the generated stream draws its tags at random: it tests
     * exactly-once, not cardinality, and its new series would become SERIES_LIMIT rejects).
     */
    static MetricStoreSettings metricStore() {
        return MetricStoreSettings.DEFAULTS.withMaxNewSeriesPerMinute(Integer.MAX_VALUE);
    }

    /** The provider under {@code dir}, emptied first: each run starts from no backups. */
    private static LocalBackupProvider freshBackups(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (var all = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not empty " + dir, e);
        }
        return new LocalBackupProvider(dir, java.time.Duration.ofMinutes(5));
    }

    private static void createDatabase(LocalPostgres pg) {
        try (Connection c = JdbcConnectionFactory.of(pg.jdbcUrl("postgres"), "postgres", null)
                        .open();
                Statement s = c.createStatement()) {
            s.execute("create database \"" + DATABASE + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the database " + DATABASE, e);
        }
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
