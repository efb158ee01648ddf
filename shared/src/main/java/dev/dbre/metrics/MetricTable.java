package dev.dbre.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The partitioned tables of the metric store and how each is cut: every partition covers a fixed
 * number of UTC days counted from the Unix epoch, named {@code <table>_p<yyyymmdd of its first day>}.
 * Retention drops whole partitions (never a {@code DELETE}).
 */
public enum MetricTable {
    /** Partial aggregates per ingest interval (10 s by default). */
    INTERVAL("metric_agg", 1),
    /** One-minute rollups. */
    MINUTE("metric_agg_1m", 1),
    /** One-hour rollups. */
    HOUR("metric_agg_1h", 7),
    /** One-day rollups (UTC days). */
    DAY("metric_agg_1d", 30),
    /** Raw points (only with {@code DBRE_INGEST_RAW=on}). */
    RAW("metric_points", 1),
    /** Raw service checks (only with {@code DBRE_INGEST_RAW=on}): cut and kept as {@link #RAW}. */
    RAW_CHECKS("service_checks", 1);

    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /** PostgreSQL's binary timestamps count microseconds from 2000-01-01, day 10957 of the epoch. */
    private static final long PG_EPOCH_DAY = 10_957;

    private final String table;
    private final int daysPerPartition;

    MetricTable(String table, int daysPerPartition) {
        this.table = table;
        this.daysPerPartition = daysPerPartition;
    }

    /** The parent table's name. */
    public String table() {
        return table;
    }

    /** Whether it holds raw rows, written and kept only by the raw settings ({@code DBRE_INGEST_RAW*}). */
    public boolean raw() {
        return this == RAW || this == RAW_CHECKS;
    }

    /** How long one partition covers. */
    public Duration partitionWidth() {
        return Duration.ofDays(daysPerPartition);
    }

    /** The first epoch day of the partition that holds {@code epochDay}. */
    public long partitionStartDay(long epochDay) {
        return Math.floorDiv(epochDay, daysPerPartition) * daysPerPartition;
    }

    /** The epoch day of a PostgreSQL binary timestamp (microseconds since 2000-01-01 UTC). */
    public static long epochDayOfPgMicros(long pgMicros) {
        return Math.floorDiv(pgMicros, MICROS_PER_DAY) + PG_EPOCH_DAY;
    }

    /** The epoch day of an instant. */
    public static long epochDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 86_400);
    }

    /** The partition starting on {@code startDay} (a value of {@link #partitionStartDay}). */
    public Partition partition(long startDay) {
        LocalDate first = LocalDate.ofEpochDay(startDay);
        String day = String.format("%04d%02d%02d", first.getYear(), first.getMonthValue(), first.getDayOfMonth());
        return new Partition(
                this,
                table + "_p" + day.replace('-', 'm'),
                first.atStartOfDay().toInstant(ZoneOffset.UTC),
                first.plusDays(daysPerPartition).atStartOfDay().toInstant(ZoneOffset.UTC));
    }

    /** One partition: its table name and its range {@code [lower, upper)}. */
    public record Partition(MetricTable parent, String name, Instant lower, Instant upper) {}
}
