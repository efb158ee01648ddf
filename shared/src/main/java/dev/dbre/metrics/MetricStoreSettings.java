package dev.dbre.metrics;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How the metric store keeps data, read once at start-up (docs/metric-store.md).
 *
 * @param rawPoints also store every value as a row in {@code metric_points} ({@value #ENV_RAW})
 * @param intervalSeconds the ingest aggregation interval; divides 60 ({@value #ENV_INTERVAL})
 * @param maxNewSeriesPerMinute new series one source may create per minute before its further new
 *     series are rejected as {@code SERIES_LIMIT} ({@value #ENV_MAX_NEW_SERIES})
 * @param seriesCacheSize series ids kept in memory across invocations ({@value #ENV_SERIES_CACHE})
 * @param intervalRetentionDays days the interval aggregates are kept ({@value #ENV_RETENTION_INTERVAL})
 * @param minuteRetentionDays days the 1-minute rollups are kept ({@value #ENV_RETENTION_1M})
 * @param hourRetentionDays days the 1-hour rollups are kept ({@value #ENV_RETENTION_1H})
 * @param dayRetentionDays days the 1-day rollups are kept ({@value #ENV_RETENTION_1D})
 * @param rawRetentionDays days raw points and raw service checks are kept ({@value #ENV_RETENTION_RAW})
 * @param partitionsAheadDays days of partitions maintenance creates ahead ({@value #ENV_AHEAD})
 */
public record MetricStoreSettings(
        boolean rawPoints,
        int intervalSeconds,
        int maxNewSeriesPerMinute,
        int seriesCacheSize,
        int intervalRetentionDays,
        int minuteRetentionDays,
        int hourRetentionDays,
        int dayRetentionDays,
        int rawRetentionDays,
        int partitionsAheadDays) {
    public static final String ENV_RAW = "DBRE_INGEST_RAW";
    public static final String ENV_INTERVAL = "DBRE_METRICS_INTERVAL_SECONDS";
    public static final String ENV_MAX_NEW_SERIES = "DBRE_METRICS_MAX_NEW_SERIES_PER_MINUTE";
    public static final String ENV_SERIES_CACHE = "DBRE_METRICS_SERIES_CACHE";
    public static final String ENV_RETENTION_INTERVAL = "DBRE_METRICS_RETENTION_INTERVAL_DAYS";
    public static final String ENV_RETENTION_1M = "DBRE_METRICS_RETENTION_1M_DAYS";
    public static final String ENV_RETENTION_1H = "DBRE_METRICS_RETENTION_1H_DAYS";
    public static final String ENV_RETENTION_1D = "DBRE_METRICS_RETENTION_1D_DAYS";
    public static final String ENV_RETENTION_RAW = "DBRE_INGEST_RAW_RETENTION_DAYS";
    public static final String ENV_AHEAD = "DBRE_METRICS_PARTITIONS_AHEAD_DAYS";

    /** The documented defaults: aggregates only, 10 s, 2 / 35 / 400 / 800 days, raw points 2 days. */
    public static final MetricStoreSettings DEFAULTS =
            new MetricStoreSettings(false, 10, 10_000, 100_000, 2, 35, 400, 800, 2, 3);

    /** The defaults with raw points on: what every caller got before the metric store existed. */
    public static final MetricStoreSettings WITH_RAW_POINTS = DEFAULTS.withRawPoints(true);

    public MetricStoreSettings {
        if (intervalSeconds < 1 || 60 % intervalSeconds != 0) {
            throw new IllegalArgumentException("intervalSeconds must divide 60, was " + intervalSeconds);
        }
        if (maxNewSeriesPerMinute < 1 || seriesCacheSize < 1) {
            throw new IllegalArgumentException("series limits must be positive");
        }
        if (intervalRetentionDays < 1
                || minuteRetentionDays < 1
                || hourRetentionDays < 1
                || dayRetentionDays < 1
                || rawRetentionDays < 1) {
            throw new IllegalArgumentException("retention days must be positive");
        }
    }

    public MetricStoreSettings withRawPoints(boolean on) {
        return new MetricStoreSettings(
                on,
                intervalSeconds,
                maxNewSeriesPerMinute,
                seriesCacheSize,
                intervalRetentionDays,
                minuteRetentionDays,
                hourRetentionDays,
                dayRetentionDays,
                rawRetentionDays,
                partitionsAheadDays);
    }

    /** The same settings with another cardinality guard limit. */
    public MetricStoreSettings withMaxNewSeriesPerMinute(int limit) {
        return new MetricStoreSettings(
                rawPoints,
                intervalSeconds,
                limit,
                seriesCacheSize,
                intervalRetentionDays,
                minuteRetentionDays,
                hourRetentionDays,
                dayRetentionDays,
                rawRetentionDays,
                partitionsAheadDays);
    }

    /** The retention in days of {@code table}. */
    public int retentionDays(MetricTable table) {
        return switch (table) {
            case INTERVAL -> intervalRetentionDays;
            case MINUTE -> minuteRetentionDays;
            case HOUR -> hourRetentionDays;
            case DAY -> dayRetentionDays;
            case RAW, RAW_CHECKS -> rawRetentionDays;
        };
    }

    /** The variable that sets the retention of {@code table}. */
    public static String retentionVariable(MetricTable table) {
        return switch (table) {
            case INTERVAL -> ENV_RETENTION_INTERVAL;
            case MINUTE -> ENV_RETENTION_1M;
            case HOUR -> ENV_RETENTION_1H;
            case DAY -> ENV_RETENTION_1D;
            case RAW, RAW_CHECKS -> ENV_RETENTION_RAW;
        };
    }

    /**
     * Whether the partition of {@code table} that ends at {@code partitionEnd} is past its retention
     * at {@code now}: its range ended at least the table's retention before now. The one rule:
     * maintenance drops such a partition (once its rollup has read it) and ingest refuses a point
     * that would land in one ({@link #acceptedFrom}).
     */
    public boolean expired(MetricTable table, Instant partitionEnd, Instant now) {
        return !partitionEnd.isAfter(now.minus(Duration.ofDays(retentionDays(table))));
    }

    /**
     * Where the partitions of {@code table} that are not {@link #expired} at {@code now} begin: the
     * start of the partition holding {@code now} minus the retention (that one ends after it, so it
     * is kept; the one before it ends at its start, so it is expired).
     */
    public Instant keptFrom(MetricTable table, Instant now) {
        Instant edge = now.minus(Duration.ofDays(retentionDays(table)));
        return table.partition(table.partitionStartDay(MetricTable.epochDay(edge)))
                .lower();
    }

    /**
     * The tables a rollup recomputes a coarser bucket from, whole (the 10 s aggregates for a minute,
     * the minutes for an hour, the hours for a day): a late point re-rolls its buckets from each.
     */
    public static final List<MetricTable> ROLLUP_SOURCES =
            List.of(MetricTable.INTERVAL, MetricTable.MINUTE, MetricTable.HOUR);

    /**
     * The earliest timestamp ingest accepts at {@code now}, and the table whose retention sets it.
     * A point before it would land in a partition of a rollup's source that retention has expired
     * (and may have dropped): its re-roll would recompute the coarser rows from it alone and replace
     * what they held, so it is refused as {@code TOO_OLD} (as Prometheus refuses samples older than
     * its head, and Datadog's intake points too far in the past).
     */
    public AcceptedFrom acceptedFrom(Instant now) {
        MetricTable binding = ROLLUP_SOURCES.get(0);
        Instant from = keptFrom(binding, now);
        for (MetricTable t : ROLLUP_SOURCES) {
            Instant kept = keptFrom(t, now);
            if (kept.isAfter(from)) {
                from = kept;
                binding = t;
            }
        }
        return new AcceptedFrom(from, binding, retentionDays(binding));
    }

    /**
     * Points from {@code from} on are accepted; {@code table}'s retention of {@code retentionDays}
     * sets it.
     */
    public record AcceptedFrom(Instant from, MetricTable table, int retentionDays) {
        /** Why a point at {@code ts} is refused: the detail of its {@code TOO_OLD} reject. */
        public String tooOld(Instant ts) {
            return "timestamp " + ts + " is before " + from + ", where the kept " + table.table()
                    + " partitions begin (" + retentionVariable(table) + "=" + retentionDays
                    + " days): its re-roll would replace the stored rollups";
        }
    }

    /**
     * The first instant ingest refuses at {@code now}: the end of the last UTC day maintenance
     * creates partitions for ({@code partitionsAheadDays} after today). A point from it on is a
     * {@code TOO_NEW} reject: a clock years ahead (or a {@code |T} typo) would otherwise create
     * partitions that no retention reaches for years, and hold a bucket no report reads until then
     * (Datadog's intake likewise refuses points too far in the future).
     */
    public AcceptedUntil acceptedUntil(Instant now) {
        long lastDay = MetricTable.epochDay(now) + partitionsAheadDays;
        return new AcceptedUntil(Instant.ofEpochSecond((lastDay + 1) * 86_400L), partitionsAheadDays);
    }

    /** Points before {@code until} are accepted; {@code aheadDays} of partitions ahead set it. */
    public record AcceptedUntil(Instant until, int aheadDays) {
        /** Why a point at {@code ts} is refused: the detail of its {@code TOO_NEW} reject. */
        public String tooNew(Instant ts) {
            return "timestamp " + ts + " is at or after " + until + ", the end of the partitions made ahead ("
                    + ENV_AHEAD + "=" + aheadDays + " days): a sender's clock or |T is wrong";
        }
    }

    /**
     * Reads the settings; an unset variable keeps its default.
     *
     * @throws ConfigException naming the variable, if one is malformed or out of range
     */
    public static MetricStoreSettings fromEnv(Env env) {
        int interval = env.integer(ENV_INTERVAL, DEFAULTS.intervalSeconds, 1, 60);
        if (60 % interval != 0) {
            throw new ConfigException(ENV_INTERVAL, "must divide 60 (1, 2, 5, 10, 15, 20, 30 or 60), was " + interval);
        }
        return new MetricStoreSettings(
                onOff(env, ENV_RAW, DEFAULTS.rawPoints),
                interval,
                env.integer(ENV_MAX_NEW_SERIES, DEFAULTS.maxNewSeriesPerMinute, 1, 100_000_000),
                env.integer(ENV_SERIES_CACHE, DEFAULTS.seriesCacheSize, 1, 100_000_000),
                env.integer(ENV_RETENTION_INTERVAL, DEFAULTS.intervalRetentionDays, 1, 36_500),
                env.integer(ENV_RETENTION_1M, DEFAULTS.minuteRetentionDays, 1, 36_500),
                env.integer(ENV_RETENTION_1H, DEFAULTS.hourRetentionDays, 1, 36_500),
                env.integer(ENV_RETENTION_1D, DEFAULTS.dayRetentionDays, 1, 36_500),
                env.integer(ENV_RETENTION_RAW, DEFAULTS.rawRetentionDays, 1, 36_500),
                env.integer(ENV_AHEAD, DEFAULTS.partitionsAheadDays, 1, 366));
    }

    private static boolean onOff(Env env, String name, boolean defaultValue) {
        String v = env.optional(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be on or off, was '" + v + "'");
        };
    }
}
