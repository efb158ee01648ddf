package dev.dbre.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A bad spec of every kind is refused with its file, line and field named. */
class BadSloSpecTest {
    private static final String BASE = SloSpecsTest.RATIO_SLO;
    private static final String THRESHOLD = SloSpecsTest.THRESHOLD_SET;

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad(
                        "not YAML",
                        BASE.replace("  service: metrics-ingest", "  service: [metrics"),
                        "s.yaml:8: not valid YAML"),
                bad(
                        "wrong apiVersion",
                        BASE.replace("openslo/v1", "openslo/v1alpha"),
                        "s.yaml:1: apiVersion: must be openslo/v1, was \"openslo/v1alpha\""),
                bad("unknown kind", BASE.replace("kind: SLO", "kind: Slo"), "s.yaml:2: kind: unknown kind \"Slo\""),
                bad(
                        "name not RFC 1123",
                        BASE.replace("name: ingest-batch-success", "name: Ingest_Batch"),
                        "s.yaml:4: metadata.name: must be an RFC 1123 label"),
                bad(
                        "name too long",
                        BASE.replace("name: ingest-batch-success", "name: " + "a".repeat(64)),
                        "s.yaml:4: metadata.name: must be an RFC 1123 label"),
                bad(
                        "unknown field",
                        BASE.replace("  service: metrics-ingest", "  service: metrics-ingest\n  servce: x"),
                        "s.yaml:8: spec.servce: unknown field"),
                bad(
                        "duplicate key",
                        BASE.replace("  service: metrics-ingest", "  service: metrics-ingest\n  service: again"),
                        "s.yaml:8: spec.service: is given twice"),
                bad(
                        "missing service",
                        BASE.replace("  service: metrics-ingest\n", ""),
                        "s.yaml:7: spec.service: is required"),
                bad(
                        "indicator and indicatorRef",
                        BASE.replace("  service: metrics-ingest", "  service: metrics-ingest\n  indicatorRef: x"),
                        "s.yaml:7: spec: give exactly one of indicator (inline) and indicatorRef"),
                bad(
                        "unknown indicatorRef",
                        THRESHOLD.replace("indicatorRef: api-latency-ms", "indicatorRef: api-latency"),
                        "s.yaml:30: spec.indicatorRef: no SLI named \"api-latency\""),
                bad(
                        "two time windows",
                        BASE.replace("  timeWindow:\n", "  timeWindow:\n    - duration: 7d\n      isRolling: true\n"),
                        "s.yaml:23: spec.timeWindow: must list exactly one time window, has 2"),
                bad(
                        "bad duration",
                        BASE.replace("duration: 28d", "duration: 28days"),
                        "s.yaml:23: spec.timeWindow[0].duration: must be a whole number and one unit"),
                bad(
                        "rolling with calendar",
                        BASE.replace(
                                "isRolling: true",
                                "isRolling: true\n      calendar: {startTime: \"2026-01-01 00:00:00\", timeZone: UTC}"),
                        "s.yaml:25: spec.timeWindow[0].calendar: is not allowed on a rolling window"),
                bad(
                        "calendar missing",
                        BASE.replace("isRolling: true", "isRolling: false"),
                        "s.yaml:23: spec.timeWindow[0].calendar: is required unless isRolling is true"),
                bad(
                        "bad time zone",
                        THRESHOLD.replace("Europe/Berlin", "Europe/Berlln"),
                        "s.yaml:34: spec.timeWindow[0].calendar.timeZone: must be an IANA time zone"),
                bad(
                        "bad start time",
                        THRESHOLD.replace("2026-01-01 00:00:00", "2026-01-01T00:00:00Z"),
                        "s.yaml:34: spec.timeWindow[0].calendar.startTime: must be a local time"),
                bad(
                        "bad budgeting method",
                        BASE.replace("Occurrences", "occurrences"),
                        "s.yaml:25: spec.budgetingMethod: must be Occurrences, Timeslices or RatioTimeslices"),
                bad(
                        "no objectives",
                        BASE.replace(
                                "  objectives:\n    - displayName: 99.5% of batches\n      target: 0.995",
                                "  objectives: []"),
                        "s.yaml:26: spec.objectives: must list at least one objective"),
                bad(
                        "target and targetPercent",
                        BASE.replace("target: 0.995", "target: 0.995\n      targetPercent: 99.5"),
                        "s.yaml:27: spec.objectives[0]: give exactly one of target (0..1) and targetPercent (0..100)"),
                bad(
                        "targetPercent out of range",
                        BASE.replace("target: 0.995", "targetPercent: 100"),
                        "s.yaml:28: spec.objectives[0].targetPercent: must be in [0, 100), was 100.0"),
                bad(
                        "target not a number",
                        BASE.replace("target: 0.995", "target: high"),
                        "s.yaml:28: spec.objectives[0].target: must be a number, was \"high\""),
                bad(
                        "op on a ratio",
                        BASE.replace("target: 0.995", "target: 0.995\n      op: lte"),
                        "s.yaml:29: spec.objectives[0].op: is only for threshold metrics"),
                bad(
                        "threshold without op",
                        THRESHOLD
                                .replace(
                                        "- op: lte\n                  value: 300\n                  targetPercent: 99",
                                        "- value: 300\n                  targetPercent: 99")
                                .replace(
                                        "- op: lte\n      value: 300\n      targetPercent: 99",
                                        "- value: 300\n      targetPercent: 99"),
                        "s.yaml:37: spec.objectives[0].op: is required"),
                bad(
                        "threshold with two objectives",
                        THRESHOLD.replace(
                                "      timeSliceWindow: 5\n",
                                "      timeSliceWindow: 5\n    - {op: lte, value: 500, target: 0.999, timeSliceTarget: 0.9, timeSliceWindow: 5}\n"),
                        "s.yaml:37: spec.objectives: a threshold metric allows only one objective"),
                bad(
                        "timeslices without slice target",
                        THRESHOLD.replace("      timeSliceTarget: 0.95\n", ""),
                        "s.yaml:37: spec.objectives[0].timeSliceTarget: is required"),
                bad(
                        "slice target out of range",
                        THRESHOLD.replace("timeSliceTarget: 0.95", "timeSliceTarget: 0"),
                        "s.yaml:40: spec.objectives[0].timeSliceTarget: must be in (0, 1]"),
                bad(
                        "slice window on occurrences",
                        BASE.replace("target: 0.995", "target: 0.995\n      timeSliceWindow: 1m"),
                        "s.yaml:29: spec.objectives[0].timeSliceWindow: is only for Timeslices and RatioTimeslices"),
                bad(
                        "rolling window not whole slices",
                        BASE.replace("Occurrences", "RatioTimeslices")
                                .replace("target: 0.995", "target: 0.995\n      timeSliceWindow: 11m"),
                        "s.yaml:29: spec.objectives[0].timeSliceWindow: must divide the time window 28d into whole slices"),
                bad(
                        "composite objective",
                        BASE.replace("target: 0.995", "target: 0.995\n      compositeWeight: 2"),
                        "s.yaml:29: spec.objectives[0].compositeWeight: composite SLOs are not supported"),
                bad(
                        "good and bad",
                        BASE.replace(
                                "        bad:",
                                "        good:\n          metricSource: {type: dbre, spec: {source: ingest, count: stored}}\n        bad:"),
                        "s.yaml:13: spec.indicator.spec.ratioMetric: give exactly one of good and bad, with total"),
                bad(
                        "raw and total",
                        BASE.replace(
                                "counter: true",
                                "counter: true\n        raw: {metricSource: {type: dbre, spec: {source: metric, metric: x}}}"),
                        "s.yaml:13: spec.indicator.spec.ratioMetric: give either total (with good or bad) or raw"),
                bad(
                        "threshold and ratio",
                        BASE.replace(
                                "      ratioMetric:",
                                "      thresholdMetric: {metricSource: {type: dbre, spec: {source: metric, metric: x}}}\n      ratioMetric:"),
                        "s.yaml:12: spec.indicator.spec: give exactly one of thresholdMetric and ratioMetric"),
                bad(
                        "metric source without type",
                        BASE.replace(
                                "            type: dbre\n            spec: {source: ingest, count: failed}",
                                "            spec: {source: ingest, count: failed}"),
                        "s.yaml:16: spec.indicator.spec.ratioMetric.bad.metricSource.type: is required"),
                bad(
                        "empty metric source spec",
                        BASE.replace("spec: {source: ingest, count: failed}", "spec: {}"),
                        "s.yaml:17: spec.indicator.spec.ratioMetric.bad.metricSource.spec: must not be empty"),
                bad(
                        "unknown dbre source",
                        BASE.replace("source: ingest, count: failed", "source: ingests, count: failed"),
                        "s.yaml:17: spec.indicator.spec.ratioMetric.bad.metricSource.spec.source: must be one of metric, service_check"),
                bad(
                        "unknown dbre count",
                        BASE.replace("count: failed", "count: lost"),
                        "s.yaml:17: spec.indicator.spec.ratioMetric.bad.metricSource.spec.count: must be one of batches, failed, fresh, points, stored for source ingest"),
                bad(
                        "dbre count against the wrong total",
                        BASE.replace("count: failed", "count: fresh, within: 60s"),
                        "s.yaml:15: spec.indicator.spec.ratioMetric.bad.metricSource.spec.count: \"fresh\" is counted against total count \"points\", not \"batches\""),
                bad(
                        "dbre limit missing",
                        BASE.replace("count: failed", "count: fresh").replace("count: batches", "count: points"),
                        "s.yaml:17: spec.indicator.spec.ratioMetric.bad.metricSource.spec.within: is required"),
                bad(
                        "dbre limit on the wrong count",
                        BASE.replace("count: batches", "count: batches, within: 60s"),
                        "s.yaml:21: spec.indicator.spec.ratioMetric.total.metricSource.spec.within: goes only with count fresh"),
                bad(
                        "dbre unknown field",
                        BASE.replace("count: batches", "count: batches, policy: x"),
                        "s.yaml:21: spec.indicator.spec.ratioMetric.total.metricSource.spec.policy: unknown field"),
                bad(
                        "dbre sources differ",
                        BASE.replace("source: ingest, count: batches", "source: drill, count: run"),
                        "s.yaml:15: spec.indicator.spec.ratioMetric.bad: must read the same dbre source as total"),
                bad(
                        "dbre threshold on a count source",
                        THRESHOLD.replace(
                                "spec: {source: metric, metric: api.request.duration, tags: {env: prod}}",
                                "spec: {source: backup, policy: nightly}"),
                        "s.yaml:8: spec.thresholdMetric.metricSource.spec.source: \"backup\" has no values to compare"),
                bad(
                        "dbre bad metric name",
                        THRESHOLD.replace("metric: api.request.duration", "metric: 9api"),
                        "s.yaml:8: spec.thresholdMetric.metricSource.spec.metric: must be a metric name"),
                bad(
                        "unknown alert policy",
                        THRESHOLD.replace("alertPolicyRef: latency-page", "alertPolicyRef: paging"),
                        "s.yaml:43: spec.alertPolicies[0].alertPolicyRef: no valid AlertPolicy named \"paging\""),
                bad(
                        "condition not burnrate",
                        THRESHOLD.replace(
                                "{kind: burnrate, op: gt, threshold: 10", "{kind: threshold, op: gt, threshold: 10"),
                        "s.yaml:15: spec.condition.kind: must be burnrate, was \"threshold\""),
                bad(
                        "condition op lt",
                        THRESHOLD.replace("op: gt, threshold: 10", "op: lt, threshold: 10"),
                        "s.yaml:15: spec.condition.op: must be gt (or gte) for a burn rate"),
                bad(
                        "two conditions",
                        THRESHOLD.replace(
                                "    - conditionRef: fast-burn",
                                "    - conditionRef: fast-burn\n    - conditionRef: fast-burn"),
                        "s.yaml:23: spec.conditions: must list exactly one condition, has 2"),
                bad(
                        "name defined twice",
                        BASE + "---\n" + BASE,
                        "s.yaml:33: metadata.name: SLO \"ingest-batch-success\" is defined twice (first at s.yaml:1)"),
                bad(
                        "description too long",
                        BASE.replace(
                                "  service: metrics-ingest",
                                "  service: metrics-ingest\n  description: " + "x".repeat(1051)),
                        "s.yaml:8: spec.description: must be at most 1050 characters, was 1051"));
    }

    private static Arguments bad(String what, String text, String expected) {
        return Arguments.of(what, text, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpec_isRefusedWithFileLineAndField(String what, String text, String expected) {
        assertThat(text).as("the case must change the valid text").isNotIn(BASE, THRESHOLD);
        assertThatThrownBy(() -> SloSpecs.parse(Map.of("s.yaml", text)))
                .isInstanceOf(SloSpecException.class)
                .hasMessageStartingWith(expected);
    }
}
