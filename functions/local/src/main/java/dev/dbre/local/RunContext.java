package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.dbre.aws.ingest.KinesisIngestHandler;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.embedded.LocalPostgres;
import dev.dbre.ingest.IngestService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.obs.MetricsPublisher;
import dev.dbre.port.ConnectionFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the stages of one {@code run-local} share: the server, the services, and their results. */
final class RunContext {
    final LocalRun.Options options;
    final LocalPostgres postgres;
    final String database;
    final ConnectionFactory db;
    final IngestService ingest;
    final MetricsPublisher metrics;
    final Clock clock;
    final PrintStream out;
    /** The generated stream's way in: the real Kinesis handler. */
    final KinesisStream stream;

    /** The generated stream: what the generator wrote, how long ingest took. */
    MetricStreamGenerator.Stats generated;

    /** The figures the query API must answer for the generated stream. */
    MetricStreamGenerator.Expected expected;

    /** How the run's metric store keeps data (what ingest and maintenance use). */
    final MetricStoreSettings metricStore;

    /** When the run started (the generated lines without {@code |T} are after it). */
    final java.time.Instant startedAt;

    long streamNanos;
    /** The first records of the stream, kept for the retry stage. */
    final List<KinesisEvent.KinesisEventRecord> retryRecords = new ArrayList<>();

    long rowsAddedByRetry = -1;
    final List<String> sampleEvents = new ArrayList<>();
    RunReport report;

    /** The local snapshot/PITR provider, with the embedded server attached as {@link #source}. */
    dev.dbre.local.backup.LocalBackupProvider backups;

    dev.dbre.port.DatabaseRef source;
    Double drillRecoverySeconds;

    RunContext(
            LocalRun.Options options,
            LocalPostgres postgres,
            String database,
            IngestService ingest,
            MetricStoreSettings metricStore,
            MetricsPublisher metrics,
            Clock clock,
            PrintStream out) {
        this.options = options;
        this.postgres = postgres;
        this.database = database;
        this.db = JdbcConnectionFactory.of(postgres.jdbcUrl(database), "postgres", null);
        this.ingest = ingest;
        this.metricStore = metricStore;
        this.startedAt = clock.instant();
        this.metrics = metrics;
        this.clock = clock;
        this.out = out;
        this.stream = new KinesisStream(new KinesisIngestHandler(ingest, metrics, clock));
    }

    /**
     * The settings a cloud function reads from its environment, pointing at the embedded server,
     * with the product's defaults otherwise (no raw points: what each event stored is counted from
     * the aggregates).
     */
    Map<String, String> functionEnv() {
        return Map.of(
                "DBRE_DB_HOST",
                "127.0.0.1",
                "DBRE_DB_PORT",
                Integer.toString(postgres.port()),
                "DBRE_DB_NAME",
                database,
                "DBRE_DB_USER",
                "postgres",
                "DBRE_DB_AUTH",
                "none",
                "DBRE_DB_SSLMODE",
                "disable");
    }

    Path eventsDir() {
        return options.eventsDir;
    }

    /** A line under the current stage, always printed: keep these few and worth reading. */
    void detail(String text) {
        if (stageLineOpen) {
            out.println();
            stageLineOpen = false;
        }
        out.println("    " + text);
    }

    /** A line under the current stage, printed only with {@code --verbose}. */
    void verbose(String text) {
        if (options.verbose) {
            detail(text);
        }
    }

    /**
     * A line of the figures block printed at the end of a run that succeeded, e.g. {@code
     * ctx.figure("recovery", "RPO 1.2 s, RTO 3.4 s")}. Figures are listed in the order they were
     * first given; giving a name again replaces its value.
     */
    void figure(String name, String value) {
        figures.put(name, value);
    }

    /** The figures given so far, in order. */
    Map<String, String> figures() {
        return java.util.Collections.unmodifiableMap(figures);
    }

    /**
     * The lines of the figures block: each name padded to the longest one, so that every value
     * starts in the same column whatever the names are.
     */
    static List<String> figureLines(Map<String, String> figures) {
        int width = figures.keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>(figures.size());
        figures.forEach((name, value) -> lines.add("  " + name + " ".repeat(width - name.length() + 1) + value));
        return lines;
    }

    /** Starts a stage's progress line; {@link #endStage} finishes it on the same line if no detail came between. */
    void beginStage(String head) {
        stageHead = head;
        out.print(head + " ...");
        out.flush();
        stageLineOpen = true;
    }

    /** Finishes the stage's progress line with {@code result} ("done in 1.2 s: ..."). */
    void endStage(String result) {
        out.println(stageLineOpen ? " " + result : stageHead + " ... " + result);
        stageLineOpen = false;
    }

    private final Map<String, String> figures = new java.util.LinkedHashMap<>();
    private String stageHead = "";
    private boolean stageLineOpen;
}
