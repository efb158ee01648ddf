package dev.dbre.slo;

import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecSet;
import dev.dbre.slo.spec.SloSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A small, fixed report for the golden files and the output tests: three SLOs, one of them without data. */
public final class ReportFixture {
    public static final Instant AT = Instant.parse("2026-03-04T12:00:00Z");

    static final String SPECS = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-availability, displayName: API requests served}
            spec:
              service: api
              indicator:
                metadata: {name: api-errors}
                spec:
                  ratioMetric:
                    counter: true
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.errors}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}
              timeWindow: [{duration: 28d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{displayName: 99.5% of requests, target: 0.995}]
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-latency}
            spec:
              service: api
              indicator:
                metadata: {name: api-latency-ms}
                spec:
                  thresholdMetric: {metricSource: {type: dbre, spec: {source: metric, metric: api.latency}}}
              timeWindow:
                - duration: 1w
                  calendar: {startTime: "2026-01-05 00:00:00", timeZone: UTC}
              budgetingMethod: Timeslices
              objectives: [{op: lte, value: 300, target: 0.99, timeSliceTarget: 0.9, timeSliceWindow: 5m}]
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: backup-rpo}
            spec:
              service: dbre
              indicator:
                metadata: {name: backup-within-rpo}
                spec:
                  ratioMetric:
                    good: {metricSource: {type: dbre, spec: {source: backup, policy: nightly, count: within_rpo, rpo: 26h}}}
                    total: {metricSource: {type: dbre, spec: {source: backup, policy: nightly, count: databases}}}
              timeWindow: [{duration: 1M, calendar: {startTime: "2026-01-01 00:00:00", timeZone: UTC}}]
              budgetingMethod: Occurrences
              objectives: [{targetPercent: 99.9}]
            """;

    private ReportFixture() {}

    public static SloReport report() {
        SloSpecSet set = SloSpecs.parse(Map.of("fixture.yaml", SPECS));
        InMemorySliData data = new InMemorySliData();
        Slo availability = set.slo("api-availability").orElseThrow();
        RatioMetric ratio = (RatioMetric) availability.indicator().metric();
        // 28 days of 20 requests a minute with an error every 30 minutes (burn rate 0.33), then
        // a bad last hour: 6 errors a minute (30%, burn rate 60).
        for (int m = 28 * 24 * 60; m >= 1; m--) {
            Instant t = AT.minus(Duration.ofMinutes(m));
            double errors = m <= 60 ? 6 : m % 30 == 0 ? 1 : 0;
            data.count(ratio.total(), t, 20).count(ratio.bad(), t, errors);
        }
        Slo latency = set.slo("api-latency").orElseThrow();
        ThresholdMetric threshold = (ThresholdMetric) latency.indicator().metric();
        // The week began Monday 2 March: every 5 minutes 10 requests, one slow; on Tuesday 10:00-11:00
        // two slow of ten (a bad slice).
        Instant monday = Instant.parse("2026-03-02T00:00:00Z");
        for (Instant t = monday; t.isBefore(AT); t = t.plus(Duration.ofMinutes(5))) {
            boolean bad = !t.isBefore(Instant.parse("2026-03-03T10:00:00Z"))
                    && t.isBefore(Instant.parse("2026-03-03T11:00:00Z"));
            for (int i = 0; i < 10; i++) {
                data.value(threshold.source(), t.plusSeconds(i), i == 0 || (bad && i == 1) ? 450 : 120);
            }
        }
        return new SloEvaluator(data, new ReportSettings(Duration.ofMinutes(1), 2, null, 6))
                .report(set, AT, AT.plusSeconds(10));
    }
}
