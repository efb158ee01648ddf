package dev.dbre.metrics.query;

import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.MetricTable;
import java.time.Duration;

/** The stored resolutions, coarsest last; a query reads the coarsest one its step allows. */
public enum Resolution {
    /** The ingest interval (10 s by default): partial aggregates in {@code metric_agg}. */
    INTERVAL(MetricTable.INTERVAL, null),
    MINUTE(MetricTable.MINUTE, "1m"),
    HOUR(MetricTable.HOUR, "1h"),
    /** UTC days, rolled up from the hours: a query over weeks reads 24 times fewer rows. */
    DAY(MetricTable.DAY, "1d");

    private final MetricTable table;
    private final String code;

    Resolution(MetricTable table, String code) {
        this.table = table;
        this.code = code;
    }

    public MetricTable table() {
        return table;
    }

    /** The code in {@code metric_rollup_state} / {@code metric_rollup_queue}; null for INTERVAL. */
    public String code() {
        return code;
    }

    /** The rollup resolution of a {@code metric_rollup_state} code, or null for an unknown one. */
    public static Resolution ofCode(String code) {
        for (Resolution r : values()) {
            if (r.code != null && r.code.equals(code)) {
                return r;
            }
        }
        return null;
    }

    /** Its bucket width, given the ingest interval. */
    public Duration width(int intervalSeconds) {
        return switch (this) {
            case INTERVAL -> Duration.ofSeconds(intervalSeconds);
            case MINUTE -> Duration.ofMinutes(1);
            case HOUR -> Duration.ofHours(1);
            case DAY -> Duration.ofDays(1);
        };
    }

    /** How long its data is kept under {@code settings} (maintenance drops it after that). */
    public Duration retention(MetricStoreSettings settings) {
        return Duration.ofDays(settings.retentionDays(table));
    }

    /** "10-second", "1-minute", "1-hour" or "1-day", for messages. */
    public String label(int intervalSeconds) {
        return switch (this) {
            case INTERVAL -> intervalSeconds + "-second";
            case MINUTE -> "1-minute";
            case HOUR -> "1-hour";
            case DAY -> "1-day";
        };
    }

    /** Its width as a step is written: "10s", "1m", "1h" or "1d". */
    public String step(int intervalSeconds) {
        return this == INTERVAL ? intervalSeconds + "s" : code;
    }

    /**
     * The coarsest resolution whose buckets tile {@code step}: 1 day, else 1 h, else 1 min, else the
     * interval. (A day step may still read hours where its steps do not start at midnight UTC: see
     * {@link MetricQueryService}.)
     */
    public static Resolution forStep(Duration step) {
        long s = step.toSeconds();
        if (s % 86_400 == 0) {
            return DAY;
        }
        if (s % 3600 == 0) {
            return HOUR;
        }
        if (s % 60 == 0) {
            return MINUTE;
        }
        return INTERVAL;
    }
}
