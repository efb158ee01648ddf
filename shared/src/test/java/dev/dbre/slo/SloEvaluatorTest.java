package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Synthetic data with hand-computed answers (the sums are in the comments), run over every data
 * source a report reads: held in memory ({@link InMemorySloEvaluatorTest}), and written as DogStatsD
 * lines through the real ingest path into the metric store, rolled up by maintenance and read back
 * through its query API ({@code dev.dbre.slo.data.IngestedSloEvaluatorTest}). Counts are asserted
 * exactly; answers about values near a threshold within the sketch's documented bound.
 */
public abstract class SloEvaluatorTest {
    private static final double EXACT = 1e-12;

    /** Where a scenario writes its points, and the data a report reads back at a given time. */
    public interface Store {
        /** Adds {@code amount} to what {@code source} counts at {@code at}. */
        Store count(MetricSource source, Instant at, double amount);

        /** Records one value (a timer's, a raw ratio's) of {@code source} at {@code at}. */
        Store value(MetricSource source, Instant at, double value);

        /** Everything written so far, as a report at {@code at} reads it. */
        SliData readAt(Instant at);
    }

    /** A new, empty store. */
    protected abstract Store store();

    static Slo slo(String window, String method, String objective, String indicator) {
        String text = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: test-slo}
                spec:
                  service: test
                  indicator:
                    metadata: {name: test-sli}
                    spec: %s
                  timeWindow: [%s]
                  budgetingMethod: %s
                  objectives: [%s]
                """.formatted(indicator, window, method, objective);
        return SloSpecs.parse(Map.of("test.yaml", text)).slos().get(0);
    }

    static final String REQUESTS =
            "{ratioMetric: {bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.errors}}},"
                    + " total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}}}";
    static final String ROLLING_30D = "{duration: 30d, isRolling: true}";

    static MetricSource bad(Slo slo) {
        return ((RatioMetric) slo.indicator().metric()).bad();
    }

    static MetricSource total(Slo slo) {
        return ((RatioMetric) slo.indicator().metric()).total();
    }

    private static Entry evaluate(Slo slo, Store data, Instant at) {
        return evaluate(slo, data, at, ReportSettings.DEFAULTS);
    }

    private static Entry evaluate(Slo slo, Store data, Instant at, ReportSettings settings) {
        return new SloEvaluator(data.readAt(at), settings)
                .evaluate(slo, slo.objectives().get(0), at);
    }

    private static void events(Store data, Slo slo, String at, double total, double bad) {
        data.count(total(slo), Instant.parse(at), total).count(bad(slo), Instant.parse(at), bad);
    }

    @Test
    void occurrences30d_sliBudgetEveryBurnRateAndAlert() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.99}", REQUESTS);
        Store data = store();
        events(data, slo, "2026-02-01T00:00:00Z", 100_000, 500); // 30d only
        events(data, slo, "2026-02-27T00:00:00Z", 10_000, 200); // 3d
        events(data, slo, "2026-02-28T12:00:00Z", 10_000, 0); // 1d
        events(data, slo, "2026-02-28T19:00:00Z", 1_000, 30); // 6h
        events(data, slo, "2026-02-28T23:20:00Z", 600, 120); // 1h, 2h
        events(data, slo, "2026-02-28T23:57:00Z", 100, 20); // 5m, 30m

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(e.window().from()).isEqualTo(Instant.parse("2026-01-30T00:00:00Z"));
        assertThat(e.window().to()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        // 121,700 events, 870 bad; budget 1% of 121,700 = 1,217 events
        assertThat(e.sli()).isCloseTo(1 - 870 / 121_700.0, within(EXACT));
        assertThat(e.budget().total()).isCloseTo(0.01, within(EXACT));
        assertThat(e.budget().unit()).isEqualTo("events");
        assertThat(e.budget().totalAmount()).isCloseTo(1_217, within(1e-9));
        assertThat(e.budget().consumedAmount()).isEqualTo(870);
        assertThat(e.budget().remainingAmount()).isCloseTo(347, within(1e-9));
        assertThat(e.budget().consumed()).isCloseTo(870 / 1_217.0, within(EXACT));
        assertThat(e.budget().remaining()).isCloseTo(347 / 1_217.0, within(EXACT));
        assertThat(e.counts()).isEqualTo(new SloReport.Counts(121_700 - 870, 121_700, 30 * 24 * 60 - 6));
        assertThat(e.enoughData()).isTrue();
        // burn rate = bad/total / 1%
        assertThat(e.burnRates().keySet()).containsExactly("5m", "30m", "1h", "2h", "6h", "1d", "3d");
        assertThat(e.burnRates().get("5m").burnRate()).isCloseTo(20, within(1e-9)); // 20/100
        assertThat(e.burnRates().get("30m").burnRate()).isCloseTo(20, within(1e-9)); // 20/100
        assertThat(e.burnRates().get("1h").burnRate()).isCloseTo(20, within(1e-9)); // 140/700
        assertThat(e.burnRates().get("2h").burnRate()).isCloseTo(20, within(1e-9)); // 140/700
        assertThat(e.burnRates().get("6h").burnRate()).isCloseTo(10, within(1e-9)); // 170/1,700
        assertThat(e.burnRates().get("1d").burnRate()).isCloseTo(170 / 11_700.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("3d").burnRate()).isCloseTo(370 / 21_700.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("3d").events()).isEqualTo(21_700);
        assertThat(e.alerts())
                .extracting(Alert::name, Alert::threshold, Alert::firing, Alert::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("page-fast", 14.4, true, "firing"),
                        org.assertj.core.groups.Tuple.tuple("page-slow", 6.0, true, "firing"),
                        // 1d burns 1.45 < 3 although 2h burns 20: both windows must be above
                        org.assertj.core.groups.Tuple.tuple("ticket-fast", 3.0, false, "ok"),
                        org.assertj.core.groups.Tuple.tuple("ticket-slow", 1.0, true, "firing"));
        assertThat(e.alerts().get(0).longWindow()).isEqualTo("1h");
        assertThat(e.alerts().get(0).shortWindow()).isEqualTo("5m");
    }

    @Test
    void windowEdges_startIncluded_endAndPartialStepExcluded() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.99}", REQUESTS);
        Store data = store();
        events(data, slo, "2026-01-29T23:59:59Z", 1_000, 1_000); // before the window
        events(data, slo, "2026-01-30T00:00:00Z", 100, 1); // the first instant of the window
        events(data, slo, "2026-02-28T23:59:59Z", 100, 0); // the last step
        events(data, slo, "2026-03-01T00:00:10Z", 1_000, 1_000); // in the step not yet complete

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:30Z"));

        assertThat(e.window().to()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(e.counts().total()).isEqualTo(200);
        assertThat(e.sli()).isCloseTo(199 / 200.0, within(EXACT));
    }

    @Test
    void noData_isNullNotZero_andCannotAlert() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.99}", REQUESTS);

        Entry e = evaluate(slo, store(), Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(e.sli()).isNull();
        assertThat(e.budget().consumed()).isNull();
        assertThat(e.budget().remaining()).isNull();
        assertThat(e.enoughData()).isFalse();
        assertThat(e.counts().slicesWithoutData()).isEqualTo(30 * 24 * 60);
        assertThat(e.burnRates().values()).allSatisfy(b -> {
            assertThat(b.status()).isEqualTo("no data");
            assertThat(b.burnRate()).isNull();
        });
        assertThat(e.alerts()).allSatisfy(a -> {
            assertThat(a.status()).isEqualTo("no data");
            assertThat(a.firing()).isFalse();
        });
    }

    @Test
    void lowTraffic_oneBadEventCannotPage_butMayRaiseATicket() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.999}", REQUESTS);
        Store data = store();
        // 10 requests, 5 failed, all in the last 5 minutes: burn rate 500, far above 14.4, but one
        // bad request in fewer than 1 / (0.001 x 14.4) = 69.4 requests burns above 14.4 by itself.
        events(data, slo, "2026-02-28T23:58:00Z", 10, 5);

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        // the pages' long windows (1h: 70 needed; 6h: 1 / (0.001 x 6) = 167) say "not enough data"
        assertThat(e.burnRates().get("1h").status()).isEqualTo("not enough data");
        assertThat(e.burnRates().get("1h").burnRate()).isNull();
        assertThat(e.burnRates().get("1h").events()).isEqualTo(10);
        assertThat(e.burnRates().get("6h").status()).isEqualTo("not enough data");
        // short windows and the tickets' long windows need only data
        assertThat(e.burnRates().get("5m").status()).isEqualTo("ok");
        assertThat(e.burnRates().get("5m").burnRate()).isCloseTo(500, within(1e-9));
        assertThat(e.burnRates().get("3d").burnRate()).isCloseTo(500, within(1e-9));
        Map<String, Alert> alerts = byName(e);
        for (String page : new String[] {"page-fast", "page-slow"}) {
            assertThat(alerts.get(page).firing()).as(page).isFalse();
            assertThat(alerts.get(page).status()).as(page).isEqualTo("not enough data");
        }
        assertThat(alerts.get("page-fast").longBurnRate()).isCloseTo(500, within(1e-9));
        // half the requests failing for a day is worth a ticket, whatever the traffic
        for (String ticket : new String[] {"ticket-fast", "ticket-slow"}) {
            assertThat(alerts.get(ticket).status()).as(ticket).isEqualTo("firing");
            assertThat(alerts.get(ticket).firing()).as(ticket).isTrue();
        }
        assertThat(e.enoughData()).isFalse(); // 10 < 1 / 0.001

        // 70 requests make the page window judgeable: one bad in 70 burns 14.29 < 14.4
        events(data, slo, "2026-02-28T23:59:00Z", 60, 0);
        Entry more = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(more.alerts().get(0).status()).isEqualTo("firing");
        assertThat(more.alerts().get(0).longBurnRate()).isCloseTo(5 / 70.0 / 0.001, within(1e-9));
    }

    @Test
    void hourSlices_badForThreeDays_raiseTicketsNotPages() {
        // As the product's backup-rpo and rotation SLOs: one slice an hour, 99% of slices good. Every
        // slice of the last 3 days is bad. One bad hour in an hour burns 100: no page may rest on one
        // slice (the 1h page wants 1 / (0.01 x 14.4) = 7 slices, the 6h page 17), but both tickets fire.
        Slo slo = slo(ROLLING_30D, "Timeslices", "{target: 0.99, timeSliceTarget: 0.5, timeSliceWindow: 1h}", REQUESTS);
        Store data = store();
        Instant at = Instant.parse("2026-03-01T00:00:00Z");
        for (int h = 1; h <= 30 * 24; h++) {
            Instant slice = at.minus(Duration.ofHours(h)).plusSeconds(600);
            events(data, slo, slice.toString(), 1, h <= 72 ? 1 : 0);
        }

        Entry e = evaluate(slo, data, at);

        Map<String, Alert> alerts = byName(e);
        assertThat(alerts.get("page-fast").status()).isEqualTo("not enough data");
        assertThat(alerts.get("page-slow").status()).isEqualTo("not enough data");
        assertThat(alerts.get("ticket-fast").status()).isEqualTo("firing");
        assertThat(alerts.get("ticket-fast").longBurnRate()).isCloseTo(100, within(1e-9)); // 24 of 24 bad
        assertThat(alerts.get("ticket-slow").status()).isEqualTo("firing");
        assertThat(alerts.get("ticket-slow").longBurnRate()).isCloseTo(100, within(1e-9)); // 72 of 72
        assertThat(e.burnRates().get("1d").status()).isEqualTo("ok");

        // A fixed minimum of 1 (DBRE_SLO_MIN_EVENTS=1) lets one slice page
        Entry anySlice = evaluate(slo, data, at, ReportSettings.DEFAULTS.withMinEvents(1L));
        assertThat(byName(anySlice).get("page-fast").status()).isEqualTo("firing");
        // ... and a fixed minimum of 2 holds it back again (the 1h window holds one slice)
        Entry twoSlices = evaluate(slo, data, at, ReportSettings.DEFAULTS.withMinEvents(2L));
        assertThat(byName(twoSlices).get("page-fast").status()).isEqualTo("not enough data");
        assertThat(byName(twoSlices).get("ticket-fast").status()).isEqualTo("firing");
    }

    private static Map<String, Alert> byName(Entry e) {
        Map<String, Alert> byName = new java.util.LinkedHashMap<>();
        e.alerts().forEach(a -> byName.put(a.name(), a));
        return byName;
    }

    @Test
    void lowTrafficMinimum_isConfigurable() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.999}", REQUESTS);
        Store data = store();
        events(data, slo, "2026-02-28T23:58:00Z", 10, 5);

        Entry e = evaluate(
                slo,
                data,
                Instant.parse("2026-03-01T00:00:00Z"),
                new ReportSettings(Duration.ofMinutes(1), 0, 10L, 120));

        assertThat(e.alerts().get(0).status()).isEqualTo("firing");
        assertThat(e.burnRates().get("5m").burnRate()).isCloseTo(500, within(1e-9));
    }

    @Test
    void timeslices_goodBadAndEmptySlices_budgetInMinutesOfThePeriod() {
        Slo slo = slo(
                "{duration: 1d, isRolling: true}",
                "Timeslices",
                "{target: 0.9, timeSliceTarget: 0.95, timeSliceWindow: 1h}",
                REQUESTS);
        Store data = store();
        for (int h = 0; h < 24; h++) {
            String at = "2026-03-01T%02d:10:00Z".formatted(h);
            if (h == 3 || h == 4) {
                continue; // two slices without data: neither good nor bad
            }
            events(data, slo, at, 100, h == 10 || h == 11 ? 10 : 0); // two slices at 90% < 95%: bad
        }

        // A one-day window scales the thresholds down (k = 0.48 .. 0.033), so the guard would want
        // hundreds of slices: fix the minimum to see the burn rates.
        Entry e = evaluate(
                slo,
                data,
                Instant.parse("2026-03-02T00:00:00Z"),
                new ReportSettings(Duration.ofMinutes(1), 0, 1L, 120));

        assertThat(e.counts()).isEqualTo(new SloReport.Counts(20, 22, 2));
        assertThat(e.sli()).isCloseTo(20 / 22.0, within(EXACT));
        // budget: 10% of the period's 24 one-hour slices = 144 minutes; spent: 2 slices = 120 minutes
        assertThat(e.budget().unit()).isEqualTo("minutes");
        assertThat(e.budget().totalAmount()).isCloseTo(144, within(1e-9));
        assertThat(e.budget().consumedAmount()).isEqualTo(120);
        assertThat(e.budget().consumed()).isCloseTo(120 / 144.0, within(EXACT));
        // 6h window: slices 18..23 all good -> 0; 1d: 2 bad of 22 with data
        assertThat(e.burnRates().get("6h").burnRate()).isZero();
        assertThat(e.burnRates().get("1d").burnRate()).isCloseTo(2 / 22.0 / 0.1, within(1e-9));
    }

    @Test
    void ratioTimeslices_averageTheSliceRatios() {
        Slo slo = slo(
                "{duration: 1d, isRolling: true}", "RatioTimeslices", "{target: 0.9, timeSliceWindow: 1h}", REQUESTS);
        Store data = store();
        for (int h = 0; h < 24; h++) {
            if (h == 3 || h == 4) {
                continue;
            }
            // 20 slices at 100%, one at 90% (of 100), one at 50% (of 2): each slice weighs the same
            double total = h == 11 ? 2 : 100;
            double bad = h == 10 ? 10 : h == 11 ? 1 : 0;
            events(data, slo, "2026-03-01T%02d:10:00Z".formatted(h), total, bad);
        }

        Entry e = evaluate(slo, data, Instant.parse("2026-03-02T00:00:00Z"));

        assertThat(e.sli()).isCloseTo(21.4 / 22, within(1e-12));
        assertThat(e.budget().consumed()).isCloseTo(0.6 / (0.1 * 22), within(1e-12));
        assertThat(e.budget().totalAmount()).isCloseTo(0.1 * 22 * 60, within(1e-9));
        assertThat(e.budget().consumedAmount()).isCloseTo(0.6 * 60, within(1e-9));
    }

    @Test
    void thresholdMetric_countsValuesThatMeetTheObjective() {
        Slo slo = slo(
                ROLLING_30D,
                "Occurrences",
                "{op: lte, value: 300, target: 0.5}",
                "{thresholdMetric: {metricSource: {type: dbre, spec: {source: metric, metric: api.latency}}}}");
        MetricSource source = ((ThresholdMetric) slo.indicator().metric()).source();
        Store data = store();
        // 330 lies in another sketch bin than the threshold (more than 2% above it): exact
        for (double v : new double[] {100, 200, 300, 330}) {
            data.value(source, Instant.parse("2026-02-28T23:59:00Z"), v);
        }

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(e.sli()).isEqualTo(0.75);
        assertThat(e.threshold()).isEqualTo(new SloReport.Threshold("lte", 300));
        assertThat(e.objective()).isEqualTo("50% of values <= 300");
    }

    static final String LATENCY_LTE_300 = "{op: lte, value: 300, target: 0.99}";
    static final String LATENCY =
            "{thresholdMetric: {metricSource: {type: dbre, spec: {source: metric, metric: api.latency}}}}";

    /** {@code good} values of 100 and {@code bad} of 600 (far from the threshold 300: exact from a sketch too). */
    private static void latencies(Store data, Slo slo, String at, int good, int bad) {
        MetricSource source = ((ThresholdMetric) slo.indicator().metric()).source();
        for (int i = 0; i < good + bad; i++) {
            data.value(source, Instant.parse(at), i < good ? 100 : 600);
        }
    }

    @Test
    void thresholdMetric_sliBudgetEveryBurnRateAndAlert() {
        Slo slo = slo(ROLLING_30D, "Occurrences", LATENCY_LTE_300, LATENCY);
        Store data = store();
        latencies(data, slo, "2026-02-10T00:00:00Z", 1_990, 10); // 30d only
        latencies(data, slo, "2026-02-27T00:00:00Z", 196, 4); // 3d
        latencies(data, slo, "2026-02-28T18:30:00Z", 97, 3); // 6h, 1d
        latencies(data, slo, "2026-02-28T23:10:00Z", 48, 2); // 1h, 2h
        latencies(data, slo, "2026-02-28T23:57:00Z", 18, 2); // 5m, 30m

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        // 2,370 values, 21 above 300 ms; budget 1% of 2,370 = 23.7 values
        assertThat(e.counts()).isEqualTo(new SloReport.Counts(2_349, 2_370, 30 * 24 * 60 - 5));
        assertThat(e.sli()).isCloseTo(1 - 21 / 2_370.0, within(1e-12));
        assertThat(e.budget().unit()).isEqualTo("events");
        assertThat(e.budget().totalAmount()).isCloseTo(23.7, within(1e-9));
        assertThat(e.budget().consumedAmount()).isCloseTo(21, within(1e-9));
        assertThat(e.budget().remainingAmount()).isCloseTo(2.7, within(1e-9));
        assertThat(e.budget().consumed()).isCloseTo(21 / 23.7, within(1e-9));
        assertThat(e.budget().remaining()).isCloseTo(2.7 / 23.7, within(1e-9));
        assertThat(e.enoughData()).isTrue();
        assertThat(e.burnRates().get("5m").burnRate()).isCloseTo(10, within(1e-9)); // 2/20
        assertThat(e.burnRates().get("30m").burnRate()).isCloseTo(10, within(1e-9)); // 2/20
        assertThat(e.burnRates().get("1h").burnRate()).isCloseTo(4 / 70.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("2h").burnRate()).isCloseTo(4 / 70.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("6h").burnRate()).isCloseTo(7 / 170.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("1d").burnRate()).isCloseTo(7 / 170.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("3d").burnRate()).isCloseTo(11 / 370.0 / 0.01, within(1e-9));
        assertThat(e.burnRates().get("3d").events()).isEqualTo(370);
        assertThat(e.alerts())
                .extracting(Alert::name, Alert::firing, Alert::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("page-fast", false, "ok"), // 5.7 < 14.4
                        org.assertj.core.groups.Tuple.tuple("page-slow", false, "ok"), // 6h: 4.1 < 6
                        org.assertj.core.groups.Tuple.tuple("ticket-fast", true, "firing"), // 4.1, 5.7 > 3
                        org.assertj.core.groups.Tuple.tuple("ticket-slow", true, "firing")); // 3.0, 4.1 > 1
    }

    @Test
    void thresholdMetric_valuesBesideTheThreshold_withinTheDocumentedSketchBound() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{op: lte, value: 300, target: 0.5}", LATENCY);
        MetricSource source = ((ThresholdMetric) slo.indicator().metric()).source();
        Store data = store();
        double[] values = {100, 200, 294, 297, 300, 303, 306, 400};
        for (double v : values) {
            data.value(source, Instant.parse("2026-02-28T23:59:00Z"), v);
        }

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        // Exactly 5 of 8 are <= 300. A sketch counts its threshold bin whole (docs/metric-store.md):
        // the answer lies between the exact shares at 300 / γ = 294.06 (3 of 8) and 300 γ = 306.06
        // (7 of 8), γ = (1 + α) / (1 - α).
        double gamma =
                (1 + dev.dbre.metrics.Sketches.RELATIVE_ACCURACY) / (1 - dev.dbre.metrics.Sketches.RELATIVE_ACCURACY);
        double low =
                java.util.Arrays.stream(values).filter(v -> v <= 300 / gamma).count() / 8.0;
        double high =
                java.util.Arrays.stream(values).filter(v -> v <= 300 * gamma).count() / 8.0;
        assertThat(low).isEqualTo(3 / 8.0);
        assertThat(high).isEqualTo(7 / 8.0);
        assertThat(e.sli()).isBetween(low, high);
        assertThat(e.counts().total()).isEqualTo(8);
        // burn rate = (1 - SLI) / 50%, in the same bound
        assertThat(e.burnRates().get("5m").burnRate()).isBetween((1 - high) / 0.5 - 1e-9, (1 - low) / 0.5 + 1e-9);
        assertThat(e.burnRates().get("5m").burnRate()).isCloseTo((1 - e.sli()) / 0.5, within(1e-9));
    }

    @Test
    void calendarMonthAcrossDst_isTheMonthInTheZone_withItsPastMonths() {
        Slo slo = slo(
                "{duration: 1M, isRolling: false, calendar: {startTime: \"2026-01-01 00:00:00\", timeZone: Europe/Berlin}}",
                "Occurrences",
                "{target: 0.99}",
                REQUESTS);
        Store data = store();
        events(data, slo, "2026-02-28T22:59:00Z", 1_000, 1_000); // 23:59 on 28 Feb in Berlin: February
        events(data, slo, "2026-02-28T23:00:00Z", 1_000, 10); // 00:00 on 1 March in Berlin
        events(data, slo, "2026-03-29T01:30:00Z", 1_000, 0); // just before the clocks go forward
        events(data, slo, "2026-03-29T02:30:00Z", 1_000, 0); // just after (04:30 CEST)
        events(data, slo, "2026-02-10T12:00:00Z", 500, 5); // February
        events(data, slo, "2026-01-31T22:59:59Z", 400, 1); // the last second of January in Berlin

        Entry e = evaluate(slo, data, Instant.parse("2026-03-31T12:00:30Z"));

        assertThat(e.window().kind()).isEqualTo("calendar");
        assertThat(e.window().timeZone()).isEqualTo("Europe/Berlin");
        assertThat(e.window().from()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(e.window().to()).isEqualTo(Instant.parse("2026-03-31T12:00:00Z"));
        assertThat(e.window().periodEnd()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        assertThat(e.counts().total()).isEqualTo(3_000);
        assertThat(e.sli()).isCloseTo(2_990 / 3_000.0, within(EXACT));
        // budget: 1% of 3,000 = 30 events, 10 spent
        assertThat(e.budget().consumed()).isCloseTo(10 / 30.0, within(EXACT));
        assertThat(e.budget().remaining()).isCloseTo(20 / 30.0, within(EXACT));
        // March in Berlin has 743 hours (the clocks skip one): the page threshold is 2% x 743h / 1h
        assertThat(e.alerts().get(0).threshold()).isCloseTo(14.86, within(1e-9));

        List<PastPeriod> history = e.history();
        assertThat(history)
                .extracting(PastPeriod::from)
                .containsExactly(
                        Instant.parse("2026-01-31T23:00:00Z"),
                        Instant.parse("2025-12-31T23:00:00Z"),
                        Instant.parse("2025-11-30T23:00:00Z"));
        assertThat(history.get(0).to()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        // February: 1,500 events, 1,005 bad (the 23:59 batch belongs to it)
        assertThat(history.get(0).sli()).isCloseTo(495 / 1_500.0, within(EXACT));
        assertThat(history.get(0).budgetConsumed()).isCloseTo(1_005 / 15.0, within(1e-9));
        // January: the last second's batch
        assertThat(history.get(1).sli()).isCloseTo(399 / 400.0, within(EXACT));
        assertThat(history.get(2).sli()).isNull();
    }

    @Test
    void rawRatio_failureType_isInverted() {
        Slo slo = slo(
                "{duration: 1d, isRolling: true}",
                "RatioTimeslices",
                "{target: 0.9, timeSliceWindow: 1h}",
                "{ratioMetric: {raw: {metricSource: {type: dbre, spec: {source: metric, metric: api.error_ratio}}}, rawType: failure}}");
        MetricSource raw = ((RatioMetric) slo.indicator().metric()).raw();
        Store data = store();
        data.value(raw, Instant.parse("2026-03-01T10:00:00Z"), 0.02);
        data.value(raw, Instant.parse("2026-03-01T11:00:00Z"), 0.10);

        Entry e = evaluate(slo, data, Instant.parse("2026-03-02T00:00:00Z"));

        assertThat(e.sli()).isCloseTo((0.98 + 0.90) / 2, within(EXACT));
        assertThat(e.counts().slicesWithoutData()).isEqualTo(22);
    }

    @Test
    void alertPolicy_overridesTheDefaultRules() {
        String text = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: test-slo}
                spec:
                  service: test
                  indicator:
                    metadata: {name: test-sli}
                    spec: %s
                  timeWindow: [{duration: 30d, isRolling: true}]
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.99}]
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: only-rule}
                      spec:
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: two-hours}
                            spec: {severity: page, condition: {kind: burnrate, op: gt, threshold: 19, lookbackWindow: 2h}}
                """.formatted(REQUESTS);
        Slo slo = SloSpecs.parse(Map.of("t.yaml", text)).slos().get(0);
        Store data = store();
        events(data, slo, "2026-02-28T23:20:00Z", 600, 120);
        events(data, slo, "2026-02-28T23:57:00Z", 100, 20);

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(e.alerts()).hasSize(1);
        Alert a = e.alerts().get(0);
        assertThat(a.name()).isEqualTo("only-rule");
        assertThat(a.longWindow()).isEqualTo("2h");
        assertThat(a.shortWindow()).isEqualTo("10m");
        assertThat(a.threshold()).isEqualTo(19);
        assertThat(a.firing()).isTrue(); // both burn 20 > 19
        assertThat(e.burnRates().keySet()).containsExactly("10m", "2h");
    }

    @Test
    void burningExactlyAtTheThreshold_doesNotFire() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.99}", REQUESTS);
        Store data = store();
        // 144 bad of 1,000 in both page windows: burn rate 0.144 / 0.01 = 14.4 = k, not above it
        events(data, slo, "2026-02-28T23:58:00Z", 1_000, 144);

        Entry atK = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(atK.alerts().get(0).status()).isEqualTo("ok");

        events(data, slo, "2026-02-28T23:59:00Z", 1, 1); // 145 bad of 1,001: 14.49
        Entry aboveK = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(aboveK.alerts().get(0).status()).isEqualTo("firing");
    }
}
