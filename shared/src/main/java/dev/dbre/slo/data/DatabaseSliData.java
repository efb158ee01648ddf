package dev.dbre.slo.data;

import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.MetricQueries;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.slo.SliData;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link SliData} over the product's database: {@code type: dbre} sources only. {@code metric} and
 * {@code service_check} are read through the metric store's query API ({@link MetricQueries}); the
 * record sources from the functions' own tables: {@code ingest} from {@code ingest_batches} and
 * {@code ingest_batch_failures}, {@code backup} from {@code snapshot_runs}, {@code drill} from
 * {@code restore_runs} and its events, {@code rotation} from {@code rotation_runs} (docs/slo.md
 * says which rows each count reads). A step without data is NaN.
 *
 * <p>The {@code metric} and {@code service_check} counts and thresholds over minute grids are
 * read from their recorded SLIs ({@link SliRecording}), which each question brings up to date
 * first; the answers are those of the metric store (docs/slo.md, "Recorded SLIs"). The part of a
 * minute-grain grid older than the minute rollups' retention is read, recorded or not, from the
 * hourly rollups ({@link MetricStoreReads#countsWithOlderHours}; docs/slo.md, "Long windows").
 *
 * <p>Thread-safe (each question takes its own connection). A database error is a
 * {@link SliDataException} naming what was asked; a question the source cannot answer (a threshold
 * on a counter, a raw ratio of backups) an {@link IllegalArgumentException}.
 */
public final class DatabaseSliData implements SliData {
    private final MetricStoreReads metrics;
    private final RecordReads records;
    private final ConnectionFactory connections;
    private final MetricQueries queries;
    private final int intervalSeconds;
    /** The recorded SLIs of metric and service-check sources (V18), or null to read the store only. */
    private final SliRecording recording;

    /** Over {@code dataSource}, with the metric store written at the default interval (10 s). */
    public DatabaseSliData(DataSource dataSource) {
        this(dataSource, MetricStoreSettings.DEFAULTS.intervalSeconds());
    }

    /**
     * @param intervalSeconds the ingest interval the metric store was written with ({@value
     *     MetricStoreSettings#ENV_INTERVAL})
     */
    public DatabaseSliData(DataSource dataSource, int intervalSeconds) {
        this(connections(dataSource), intervalSeconds);
    }

    private DatabaseSliData(ConnectionFactory connections, int intervalSeconds) {
        this(connections, new MetricQueryService(connections, intervalSeconds), intervalSeconds);
    }

    /** With the metric store's query API given (another implementation, or a test's). */
    public DatabaseSliData(ConnectionFactory connections, MetricQueries queries, int intervalSeconds) {
        this(connections, queries, intervalSeconds, true);
    }

    private DatabaseSliData(
            ConnectionFactory connections, MetricQueries queries, int intervalSeconds, boolean recorded) {
        this(connections, queries, intervalSeconds, recorded, Clock.systemUTC());
    }

    private DatabaseSliData(
            ConnectionFactory connections, MetricQueries queries, int intervalSeconds, boolean recorded, Clock clock) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.intervalSeconds = intervalSeconds;
        this.metrics = new MetricStoreReads(queries, intervalSeconds);
        this.records = new RecordReads(Objects.requireNonNull(connections, "connections"));
        this.connections = connections;
        this.recording =
                recorded ? new SliRecording(connections, metrics, Objects.requireNonNull(clock, "clock")) : null;
    }

    /** The same reads, with {@code clock} telling when each recorded question was last asked. */
    public DatabaseSliData withClock(Clock clock) {
        return new DatabaseSliData(connections, queries, intervalSeconds, recording != null, clock);
    }

    /**
     * Reads every number from the metric store and records nothing (the answers are the same; the
     * report of long windows is slower): for comparison, and for a database role that may not write
     * {@code slo_sli_recordings}.
     */
    public static DatabaseSliData unrecorded(
            ConnectionFactory connections, MetricQueries queries, int intervalSeconds) {
        return new DatabaseSliData(connections, queries, intervalSeconds, false);
    }

    @Override
    public StepSeries counts(MetricSource source, StepGrid grid) {
        DbreQuery q = dbre(source);
        if (grid.steps() == 0) {
            return StepSeries.empty(grid);
        }
        return switch (q.source()) {
            case METRIC, SERVICE_CHECK -> {
                if (!SliRecording.serves(grid)) {
                    yield metrics.counts(q, grid);
                }
                yield recording != null
                        ? recording.counts(q, grid)
                        : metrics.countsWithOlderHours(
                                q, grid, metrics.counts(q, grid).values(), minutesKeptFrom());
            }
            case INGEST -> records.ingest(q, grid);
            case BACKUP -> records.backup(q, grid);
            case DRILL -> records.drillCounts(q, grid);
            case ROTATION -> records.rotation(q, grid);
        };
    }

    @Override
    public ThresholdCounts threshold(MetricSource source, Operator op, double threshold, StepGrid grid) {
        DbreQuery q = dbre(source);
        if (grid.steps() == 0) {
            return new ThresholdCounts(StepSeries.empty(grid), StepSeries.empty(grid));
        }
        return switch (q.source()) {
            case METRIC -> {
                if (!SliRecording.serves(grid)) {
                    yield metrics.threshold(q, op, threshold, grid);
                }
                if (recording != null) {
                    yield recording.threshold(q, op, threshold, grid);
                }
                ThresholdCounts exact = metrics.threshold(q, op, threshold, grid);
                yield metrics.thresholdWithOlderHours(
                        q,
                        op,
                        threshold,
                        grid,
                        exact.matching().values(),
                        exact.total().values(),
                        minutesKeptFrom());
            }
            case DRILL -> records.drillThreshold(q, op, threshold, grid);
            default ->
                throw new IllegalArgumentException("source " + q.source().specName()
                        + " has no values to compare with a threshold (metric and drill do)");
        };
    }

    @Override
    public StepSeries ratios(MetricSource source, StepGrid grid) {
        DbreQuery q = dbre(source);
        if (q.source() != DbreQuery.Source.METRIC) {
            throw new IllegalArgumentException("source " + q.source().specName()
                    + " reports no ratio of its own: use a ratioMetric with good or bad and total");
        }
        if (grid.steps() == 0) {
            return StepSeries.empty(grid);
        }
        return metrics.ratios(q, grid);
    }

    /**
     * The metric store's counts are events summed per step, so a span's count is its steps' sum
     * (and the store answers it from its day and hour rollups); the record sources count states at
     * the end of each step (backup, rotation) or are not claimed to be.
     */
    @Override
    public boolean additive(MetricSource source) {
        DbreQuery q = source.dbre();
        return q != null && (q.source() == DbreQuery.Source.METRIC || q.source() == DbreQuery.Source.SERVICE_CHECK);
    }

    /** Where the minute rollups' kept data begins ({@link SliRecording#minutesKeptFrom}). */
    private Instant minutesKeptFrom() {
        try (Connection c = connections.open()) {
            return SliRecording.minutesKeptFrom(c);
        } catch (SQLException e) {
            throw new SliDataException("could not read where the metric store's minutes begin", e);
        }
    }

    /** Deletes the recordings no report asked since {@code now - unused} ({@link SliRecording#prune}). */
    @Override
    public int pruneRecordings(Instant now, Duration unused) {
        return recording == null ? 0 : recording.prune(now, unused);
    }

    private static DbreQuery dbre(MetricSource source) {
        if (source.dbre() == null) {
            throw new IllegalArgumentException(
                    "the product's database answers metric sources of type dbre only, was type " + source.type()
                            + (source.dataSourceRef() == null ? "" : " (DataSource " + source.dataSourceRef() + ")"));
        }
        return source.dbre();
    }

    private static ConnectionFactory connections(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return dataSource::getConnection;
    }
}
