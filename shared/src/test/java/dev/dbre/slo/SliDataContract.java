package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.spec.DbreQuery;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Operator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link SliData}, run against every implementation (in memory, and the metric
 * store's {@code DatabaseSliData}): steps are half-open, sums are per step, and a step without data
 * is NaN, never 0. Threshold values lie in different sketch bins (more than the metric store's 1%
 * relative accuracy apart), so a sketch-backed store answers them exactly too.
 */
public abstract class SliDataContract {
    /** Writes points that the implementation under test then reads. */
    public interface Writer {
        void count(MetricSource source, Instant at, double amount);

        void value(MetricSource source, Instant at, double value);

        SliData data();
    }

    protected abstract Writer writer();

    public static final MetricSource REQUESTS = metric("api.requests");
    public static final MetricSource LATENCY = metric("api.latency");
    public static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    public static final StepGrid GRID = new StepGrid(T0, Duration.ofMinutes(1), 3);

    /** A {@code type: dbre} metric source, as the spec parser makes it. */
    static MetricSource metric(String name) {
        return new MetricSource(
                "dbre",
                null,
                Map.of("source", "metric", "metric", name),
                new DbreQuery(DbreQuery.Source.METRIC, name, Map.of(), Map.of(), null, null, List.of()));
    }

    @Test
    void counts_addUpPerStep_andAnEmptyStepIsNaN() {
        Writer w = writer();
        w.count(REQUESTS, T0, 5);
        w.count(REQUESTS, T0.plusSeconds(59), 7);
        w.count(REQUESTS, T0.plusSeconds(120), 1);

        double[] v = w.data().counts(REQUESTS, GRID).values();

        assertThat(v[0]).isEqualTo(12);
        assertThat(v[1]).isNaN();
        assertThat(v[2]).isEqualTo(1);
    }

    @Test
    void steps_areHalfOpen_andPointsOutsideTheGridAreIgnored() {
        Writer w = writer();
        w.count(REQUESTS, T0.minusMillis(1), 100);
        w.count(REQUESTS, T0.plusSeconds(60), 2); // the first instant of step 1
        w.count(REQUESTS, T0.plusSeconds(180), 100); // the grid's end: outside

        double[] v = w.data().counts(REQUESTS, GRID).values();

        assertThat(v[0]).isNaN();
        assertThat(v[1]).isEqualTo(2);
        assertThat(v[2]).isNaN();
    }

    @Test
    void threshold_countsMatchingAndAllValuesPerStep() {
        Writer w = writer();
        for (double ms : new double[] {100, 300, 310}) {
            w.value(LATENCY, T0.plusSeconds(10), ms);
        }

        SliData.ThresholdCounts c = w.data().threshold(LATENCY, Operator.LTE, 300, GRID);

        assertThat(c.matching().get(0)).isEqualTo(2);
        assertThat(c.total().get(0)).isEqualTo(3);
        assertThat(c.total().get(1)).isNaN();
    }

    @Test
    void ratios_areTheMeanOfTheStep() {
        Writer w = writer();
        w.value(REQUESTS, T0.plusSeconds(130), 0.9);
        w.value(REQUESTS, T0.plusSeconds(150), 0.8);

        double[] v = w.data().ratios(REQUESTS, GRID).values();

        assertThat(v[2]).isCloseTo(0.85, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(v[0]).isNaN();
    }
}
