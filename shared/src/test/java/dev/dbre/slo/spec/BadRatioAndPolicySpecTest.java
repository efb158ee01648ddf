package dev.dbre.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad raw ratios, ratio objectives and alert policies are refused with file, line and field (the
 * cases {@link BadSloSpecTest} does not hold).
 */
class BadRatioAndPolicySpecTest {
    static final String RAW = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-success}
            spec:
              service: api
              indicator:
                metadata: {name: api-success-ratio}
                spec:
                  ratioMetric:
                    raw:
                      metricSource: {type: dbre, spec: {source: metric, metric: api.success_ratio}}
                    rawType: success
              timeWindow: [{duration: 1d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives:
                - target: 0.99
              alertPolicies: [{alertPolicyRef: page}]
            ---
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata: {name: page}
            spec:
              alertWhenResolved: false
              conditions:
                - kind: AlertCondition
                  metadata: {name: fast-burn}
                  spec:
                    severity: page
                    condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}
              notificationTargets:
                - targetRef: on-call
            ---
            apiVersion: openslo/v1
            kind: AlertNotificationTarget
            metadata: {name: on-call}
            spec: {target: pager}
            """;
    static final String RATIO = SloSpecsTest.RATIO_SLO;

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                bad(
                        "bad rawType",
                        RAW.replace("rawType: success", "rawType: successes"),
                        "s.yaml:12: spec.indicator.spec.ratioMetric.rawType: must be success or failure, was \"successes\""),
                bad(
                        "raw without rawType",
                        RAW.replace("        rawType: success\n", ""),
                        "s.yaml:10: spec.indicator.spec.ratioMetric.rawType: is required"),
                bad(
                        "raw from a record source",
                        RAW.replace("source: metric, metric: api.success_ratio", "source: ingest, count: stored"),
                        "s.yaml:11: spec.indicator.spec.ratioMetric.raw: a raw ratio can only be read from source: metric"),
                bad(
                        "rawType without raw",
                        RATIO.replace("counter: true", "counter: true\n        rawType: success"),
                        "s.yaml:14: spec.indicator.spec.ratioMetric.rawType: goes only with raw"),
                bad(
                        "good together with raw",
                        RAW.replace(
                                "rawType: success",
                                "rawType: success\n        good: {metricSource: {type: dbre, spec: {source: metric, metric: ok}}}"),
                        "s.yaml:10: spec.indicator.spec.ratioMetric: good and bad go with total, not with raw"),
                bad(
                        "value on a ratio objective",
                        RATIO.replace("target: 0.995", "target: 0.995\n      value: 300"),
                        "s.yaml:29: spec.objectives[0].value: is only for threshold metrics"),
                bad(
                        "total without good or bad",
                        RATIO.replace(
                                "        bad:\n          metricSource:\n            type: dbre\n            spec: {source: ingest, count: failed}\n",
                                ""),
                        "s.yaml:13: spec.indicator.spec.ratioMetric: give exactly one of good and bad, with total"),
                bad(
                        "good without total",
                        RATIO.replace("count: failed", "count: stored")
                                .replace("        bad:", "        good:")
                                .replace(
                                        "        total:\n          metricSource:\n            type: dbre\n            spec: {source: ingest, count: batches}\n",
                                        ""),
                        "s.yaml:13: spec.indicator.spec.ratioMetric: give either total (with good or bad) or raw"),
                bad(
                        "alert flag not a boolean",
                        RAW.replace("alertWhenResolved: false", "alertWhenResolved: never"),
                        "s.yaml:23: spec.alertWhenResolved: must be true or false"),
                bad(
                        "misspelt alert flag",
                        RAW.replace("alertWhenResolved: false", "alertWhenResolve: false"),
                        "s.yaml:23: spec.alertWhenResolve: unknown field"),
                bad(
                        "unknown notification target",
                        RAW.replace("targetRef: on-call", "targetRef: on-cal"),
                        "s.yaml:31: spec.notificationTargets[0].targetRef: no AlertNotificationTarget named \"on-cal\""),
                bad(
                        "targetRef with more",
                        RAW.replace(
                                "- targetRef: on-call", "- targetRef: on-call\n      kind: AlertNotificationTarget"),
                        "s.yaml:31: spec.notificationTargets[0]: a targetRef stands alone"));
    }

    private static Arguments bad(String what, String text, String expected) {
        return Arguments.of(what, text, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpec_isRefusedWithFileLineAndField(String what, String text, String expected) {
        assertThat(text).as("the case must change the valid text").isNotIn(RAW, RATIO);
        assertThatThrownBy(() -> SloSpecs.parse(Map.of("s.yaml", text)))
                .isInstanceOf(SloSpecException.class)
                // a refused AlertPolicy also makes the SLO that refers to it fail (at its own line)
                .hasMessageContaining(expected);
    }

    @org.junit.jupiter.api.Test
    void theValidTexts_parse() {
        assertThat(SloSpecs.parse(Map.of("s.yaml", RAW)).slos().get(0).alertRules())
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.notices().whenResolved()).isFalse();
                    assertThat(r.notices().whenBreaching()).isTrue();
                    assertThat(r.notices().whenNoData()).isFalse();
                    assertThat(r.notices().targets()).containsExactly("on-call");
                });
        assertThat(SloSpecs.parse(Map.of("s.yaml", RATIO)).slos()).hasSize(1);
    }
}
