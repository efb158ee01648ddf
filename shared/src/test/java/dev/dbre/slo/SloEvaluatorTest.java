package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.SloReport.Alert;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Synthetic data with hand-computed answers (the sums are in the comments). */
class SloEvaluatorTest {
    private static final double EXACT = 1e-12;

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

    private static Entry evaluate(Slo slo, InMemorySliData data, Instant at) {
        return evaluate(slo, data, at, ReportSettings.DEFAULTS);
    }

    private static Entry evaluate(Slo slo, InMemorySliData data, Instant at, ReportSettings settings) {
        return new SloEvaluator(data, settings).evaluate(slo, slo.objectives().get(0), at);
    }

    private static void events(InMemorySliData data, Slo slo, String at, double total, double bad) {
        data.count(total(slo), Instant.parse(at), total).count(bad(slo), Instant.parse(at), bad);
    }

    @Test
    void occurrences30d_sliBudgetEveryBurnRateAndAlert() {
        Slo slo = slo(ROLLING_30D, "Occurrences", "{target: 0.99}", REQUESTS);
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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

        Entry e = evaluate(slo, new InMemorySliData(), Instant.parse("2026-03-01T00:00:00Z"));

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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
        for (double v : new double[] {100, 200, 300, 301}) {
            data.value(source, Instant.parse("2026-02-28T23:59:00Z"), v);
        }

        Entry e = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(e.sli()).isEqualTo(0.75);
        assertThat(e.threshold()).isEqualTo(new SloReport.Threshold("lte", 300));
        assertThat(e.objective()).isEqualTo("50% of values <= 300");
    }

    @Test
    void rawRatio_failureType_isInverted() {
        Slo slo = slo(
                "{duration: 1d, isRolling: true}",
                "RatioTimeslices",
                "{target: 0.9, timeSliceWindow: 1h}",
                "{ratioMetric: {raw: {metricSource: {type: dbre, spec: {source: metric, metric: api.error_ratio}}}, rawType: failure}}");
        MetricSource raw = ((RatioMetric) slo.indicator().metric()).raw();
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
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
        InMemorySliData data = new InMemorySliData();
        // 144 bad of 1,000 in both page windows: burn rate 0.144 / 0.01 = 14.4 = k, not above it
        events(data, slo, "2026-02-28T23:58:00Z", 1_000, 144);

        Entry atK = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(atK.alerts().get(0).status()).isEqualTo("ok");

        events(data, slo, "2026-02-28T23:59:00Z", 1, 1); // 145 bad of 1,001: 14.49
        Entry aboveK = evaluate(slo, data, Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(aboveK.alerts().get(0).status()).isEqualTo("firing");
    }
}
