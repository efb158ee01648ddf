package dev.dbre.metrics;

/**
 * What a series holds, with the code stored in {@code metric_series.type}: the DogStatsD metric
 * types and service checks. Decides how samples aggregate ({@link Aggregate}).
 */
public enum SeriesType {
    COUNT("c"),
    GAUGE("g"),
    TIMER("ms"),
    HISTOGRAM("h"),
    DISTRIBUTION("d"),
    SET("s"),
    SERVICE_CHECK("sc");

    private final String code;

    SeriesType(String code) {
        this.code = code;
    }

    /** The stored code. */
    public String code() {
        return code;
    }

    /** True for the types kept as a quantile sketch (timers, histograms, distributions). */
    public boolean hasQuantiles() {
        return this == TIMER || this == HISTOGRAM || this == DISTRIBUTION;
    }

    /**
     * The type for a stored code.
     *
     * @throws IllegalArgumentException naming the code if it is none of ours
     */
    public static SeriesType ofCode(String code) {
        for (SeriesType t : values()) {
            if (t.code.equals(code)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown series type code '" + code + "' in metric_series.type");
    }
}
