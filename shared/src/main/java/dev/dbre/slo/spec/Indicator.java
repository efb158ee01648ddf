package dev.dbre.slo.spec;

/** An SLI (inline in an SLO, or a {@code kind: SLI} referenced by {@code indicatorRef}). */
public record Indicator(String name, String displayName, IndicatorMetric metric, Location where) {

    /** What the SLI measures: a ratio of counts or values compared with a threshold. */
    public sealed interface IndicatorMetric permits RatioMetric, ThresholdMetric {}

    /**
     * A ratio metric: good/total or bad/total, or one raw ratio.
     *
     * @param good the good events, or null
     * @param bad the bad events, or null (exactly one of good and bad unless raw)
     * @param total all events (null when raw)
     * @param raw a source that reports the ratio itself (null unless raw)
     * @param rawType whether the raw ratio is of successes or failures (null unless raw)
     */
    public record RatioMetric(
            boolean counter, MetricSource good, MetricSource bad, MetricSource total, MetricSource raw, RawType rawType)
            implements IndicatorMetric {}

    /** A threshold metric: the share of values that meet the objective's {@code op value}. */
    public record ThresholdMetric(MetricSource source) implements IndicatorMetric {}

    /** What a raw ratio counts. */
    public enum RawType {
        SUCCESS,
        FAILURE
    }
}
