package dev.dbre.ingest;

/** DogStatsD metric types, with the code used on the wire and in {@code metric_points.type}. */
public enum MetricType {
    COUNT("c"),
    GAUGE("g"),
    TIMER("ms"),
    HISTOGRAM("h"),
    DISTRIBUTION("d"),
    SET("s");

    private final String code;

    MetricType(String code) {
        this.code = code;
    }

    /** The wire code: c, g, ms, h, d or s. */
    public String code() {
        return code;
    }

    /** The type for a wire code, or null if unknown. */
    public static MetricType ofCode(String code) {
        for (MetricType t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        return null;
    }
}
