package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.SloEvaluatorTest.Store;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Slo;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Raw ratio metrics ({@code raw} with {@code rawType}), hand-computed: a step's ratio is the mean of
 * the values in it; {@code success} counts it as is, {@code failure} as 1 - it. Occurrences makes
 * each step with data one event worth its ratio; Timeslices judges each slice by its mean against
 * {@code timeSliceTarget}; RatioTimeslices averages the slices. Run in memory and through the real
 * ingest path ({@code dev.dbre.slo.data.IngestedRawRatioEvaluatorTest}).
 */
public abstract class RawRatioEvaluatorTest {
    private static final double EXACT = 1e-12;

    /** A new, empty store (the evaluator scenarios' stores). */
    protected abstract Store store();

    private static Slo raw(String window, String method, String objective, String rawType) {
        return SloEvaluatorTest.slo(
                window,
                method,
                objective,
                "{ratioMetric: {raw: {metricSource: {type: dbre, spec: {source: metric, metric: api.success_ratio}}},"
                        + " rawType: " + rawType + "}}");
    }

    private static MetricSource source(Slo slo) {
        return ((RatioMetric) slo.indicator().metric()).raw();
    }

    private static Entry evaluate(Slo slo, Store data, Instant at) {
        return new SloEvaluator(data.readAt(at), ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), at);
    }

    @Test
    void success_underOccurrences_eachMinuteWithDataIsOneEventWorthItsMean() {
        Slo slo = raw("{duration: 1h, isRolling: true}", "Occurrences", "{target: 0.9}", "success");
        Store data = store();
        data.value(source(slo), Instant.parse("2026-03-01T11:10:00Z"), 0.95);
        data.value(source(slo), Instant.parse("2026-03-01T11:20:00Z"), 0.80);
        // two values in one minute: the step's ratio is their mean, 0.8
        data.value(source(slo), Instant.parse("2026-03-01T11:30:00Z"), 0.90);
        data.value(source(slo), Instant.parse("2026-03-01T11:30:20Z"), 0.70);
        data.value(source(slo), Instant.parse("2026-03-01T10:30:00Z"), 0.10); // before the window

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T12:00:00Z"));

        // three minutes with data: (0.95 + 0.80 + 0.80) / 3 = 0.85; 57 minutes without
        assertThat(e.sli()).isCloseTo(0.85, within(EXACT));
        assertThat(e.counts().good()).isCloseTo(2.55, within(EXACT));
        assertThat(e.counts().total()).isEqualTo(3);
        assertThat(e.counts().slicesWithoutData()).isEqualTo(57);
        // budget 10% of 3 events = 0.3, spent 0.45: 150%
        assertThat(e.budget().unit()).isEqualTo("events");
        assertThat(e.budget().totalAmount()).isCloseTo(0.3, within(EXACT));
        assertThat(e.budget().consumedAmount()).isCloseTo(0.45, within(EXACT));
        assertThat(e.budget().consumed()).isCloseTo(1.5, within(EXACT));
    }

    @Test
    void failure_underOccurrences_countsOneMinusTheRatio() {
        Slo slo = raw("{duration: 1h, isRolling: true}", "Occurrences", "{target: 0.9}", "failure");
        Store data = store();
        data.value(source(slo), Instant.parse("2026-03-01T11:10:00Z"), 0.02);
        data.value(source(slo), Instant.parse("2026-03-01T11:50:00Z"), 0.10);

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T12:00:00Z"));

        // (0.98 + 0.90) / 2 = 0.94; burn rate over the hour (1 - 0.94) / 0.1 = 0.6
        assertThat(e.sli()).isCloseTo(0.94, within(EXACT));
        assertThat(e.counts().total()).isEqualTo(2);
        assertThat(e.burnRates().get("1h").burnRate()).isNull(); // 2 events: not enough to page on
        assertThat(e.burnRates().get("1h").status()).isEqualTo(SloEvaluator.NOT_ENOUGH_DATA);
        assertThat(e.burnRates().get("1d").burnRate()).isCloseTo(0.6, within(1e-9));
    }

    /** Slices 10:00, 11:00 and 12:00 of a day: means 0.95, (0.85 + 0.93) / 2 = 0.89 and 0.92. */
    private Store threeSlices(Slo slo) {
        Store data = store();
        data.value(source(slo), Instant.parse("2026-03-01T10:15:00Z"), 0.95);
        data.value(source(slo), Instant.parse("2026-03-01T11:15:00Z"), 0.85);
        data.value(source(slo), Instant.parse("2026-03-01T11:45:00Z"), 0.93);
        data.value(source(slo), Instant.parse("2026-03-01T12:30:00Z"), 0.92);
        return data;
    }

    @Test
    void success_underTimeslices_aSliceIsGoodWhenItsMeanMeetsTheSliceTarget() {
        Slo slo = raw(
                "{duration: 1d, isRolling: true}",
                "Timeslices",
                "{target: 0.5, timeSliceTarget: 0.9, timeSliceWindow: 1h}",
                "success");

        Entry e = evaluate(slo, threeSlices(slo), Instant.parse("2026-03-02T00:00:00Z"));

        // 0.95 and 0.92 meet 0.9, 0.89 does not: 2 good of 3 slices with data, 21 without
        assertThat(e.sli()).isCloseTo(2 / 3.0, within(EXACT));
        assertThat(e.counts().good()).isEqualTo(2);
        assertThat(e.counts().slicesWithoutData()).isEqualTo(21);
        // the budget is half of the day's 24 slices = 720 minutes; one bad slice spends 60 (1/12)
        assertThat(e.budget().unit()).isEqualTo("minutes");
        assertThat(e.budget().totalAmount()).isCloseTo(720, within(1e-9));
        assertThat(e.budget().consumed()).isCloseTo(1 / 12.0, within(EXACT));
    }

    @Test
    void success_underRatioTimeslices_averagesTheSliceMeans() {
        Slo slo = raw(
                "{duration: 1d, isRolling: true}", "RatioTimeslices", "{target: 0.5, timeSliceWindow: 1h}", "success");

        Entry e = evaluate(slo, threeSlices(slo), Instant.parse("2026-03-02T00:00:00Z"));

        // (0.95 + 0.89 + 0.92) / 3 = 0.92
        assertThat(e.sli()).isCloseTo(0.92, within(EXACT));
        assertThat(e.counts().slicesWithoutData()).isEqualTo(21);
    }
}
