package dev.dbre.slo.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.slo.spec.Indicator.RatioMetric;
import dev.dbre.slo.spec.Indicator.ThresholdMetric;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SloSpecsTest {

    static final String RATIO_SLO = """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: ingest-batch-success
              displayName: Ingest batches stored
            spec:
              service: metrics-ingest
              indicator:
                metadata:
                  name: ingest-batch-ok
                spec:
                  ratioMetric:
                    counter: true
                    bad:
                      metricSource:
                        type: dbre
                        spec: {source: ingest, count: failed}
                    total:
                      metricSource:
                        type: dbre
                        spec: {source: ingest, count: batches}
              timeWindow:
                - duration: 28d
                  isRolling: true
              budgetingMethod: Occurrences
              objectives:
                - displayName: 99.5% of batches
                  target: 0.995
            """;

    static final String THRESHOLD_SET = """
            apiVersion: openslo/v1
            kind: SLI
            metadata: {name: api-latency-ms}
            spec:
              thresholdMetric:
                metricSource:
                  type: dbre
                  spec: {source: metric, metric: api.request.duration, tags: {env: prod}}
            ---
            apiVersion: openslo/v1
            kind: AlertCondition
            metadata: {name: fast-burn}
            spec:
              severity: page
              condition: {kind: burnrate, op: gt, threshold: 10, lookbackWindow: 2h, alertAfter: 0m}
            ---
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata: {name: latency-page}
            spec:
              alertWhenBreaching: true
              conditions:
                - conditionRef: fast-burn
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-latency-300ms}
            spec:
              service: api
              indicatorRef: api-latency-ms
              timeWindow:
                - duration: 1M
                  isRolling: false
                  calendar: {startTime: "2026-01-01 00:00:00", timeZone: Europe/Berlin}
              budgetingMethod: Timeslices
              objectives:
                - op: lte
                  value: 300
                  targetPercent: 99
                  timeSliceTarget: 0.95
                  timeSliceWindow: 5
              alertPolicies:
                - alertPolicyRef: latency-page
                - kind: AlertPolicy
                  metadata: {name: inline-ticket}
                  spec:
                    conditions:
                      - kind: AlertCondition
                        metadata: {name: slow-burn}
                        spec:
                          severity: ticket
                          condition: {kind: burnrate, op: gt, threshold: 1, lookbackWindow: 3d}
            """;

    @Test
    void ratioSlo_isReadWithItsDbreSources() {
        SloSpecSet set = SloSpecs.parse(Map.of("ingest.yaml", RATIO_SLO));

        Slo slo = set.slo("ingest-batch-success").orElseThrow();
        assertThat(slo.displayName()).isEqualTo("Ingest batches stored");
        assertThat(slo.service()).isEqualTo("metrics-ingest");
        assertThat(slo.window()).isEqualTo(new TimeWindow(SpecDuration.parse("28d"), true, null, null));
        assertThat(slo.budgetingMethod()).isEqualTo(BudgetingMethod.OCCURRENCES);
        assertThat(slo.objectives()).containsExactly(new Objective("99.5% of batches", null, null, 0.995, null, null));
        assertThat(slo.where()).isEqualTo(new Location("ingest.yaml", 1));
        RatioMetric ratio = (RatioMetric) slo.indicator().metric();
        assertThat(ratio.good()).isNull();
        assertThat(ratio.bad().dbre().source()).isEqualTo(DbreQuery.Source.INGEST);
        assertThat(ratio.bad().dbre().count()).isEqualTo("failed");
        assertThat(ratio.total().dbre().count()).isEqualTo("batches");
        assertThat(slo.alertRules()).isEmpty();
    }

    @Test
    void thresholdSlo_resolvesItsSliAndAlertPolicies() {
        SloSpecSet set = SloSpecs.parse(Map.of("latency.yaml", THRESHOLD_SET));

        Slo slo = set.slo("api-latency-300ms").orElseThrow();
        assertThat(slo.indicator().name()).isEqualTo("api-latency-ms");
        ThresholdMetric t = (ThresholdMetric) slo.indicator().metric();
        assertThat(t.source().dbre().subject()).isEqualTo("api.request.duration");
        assertThat(t.source().dbre().tags()).isEqualTo(Map.of("env", "prod"));
        assertThat(slo.window())
                .isEqualTo(new TimeWindow(
                        SpecDuration.parse("1M"),
                        false,
                        LocalDateTime.of(2026, 1, 1, 0, 0),
                        ZoneId.of("Europe/Berlin")));
        assertThat(slo.objectives())
                .containsExactly(new Objective(null, Operator.LTE, 300.0, 0.99, 0.95, Duration.ofMinutes(5)));
        assertThat(slo.alertRules())
                .containsExactly(
                        new AlertRule(
                                "latency-page",
                                "page",
                                Duration.ofHours(2),
                                Duration.ofMinutes(10),
                                null,
                                10.0,
                                Duration.ZERO),
                        new AlertRule(
                                "inline-ticket",
                                "ticket",
                                Duration.ofDays(3),
                                Duration.ofHours(6),
                                null,
                                1.0,
                                Duration.ZERO));
    }

    @Test
    void everyDbreSource_isAccepted() {
        String set = slo(
                        "ingest-fresh",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: ingest, count: fresh, within: 60s}}}, total: {metricSource: {type: dbre, spec: {source: ingest, count: points}}}}")
                + "---\n"
                + slo(
                        "backup-rpo",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: backup, policy: nightly, count: within_rpo, rpo: 26h}}}, total: {metricSource: {type: dbre, spec: {source: backup, policy: nightly, count: databases}}}}")
                + "---\n"
                + slo(
                        "drill-rto",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: drill, count: within_rto, rto: 30m}}}, total: {metricSource: {type: dbre, spec: {source: drill, count: run}}}}")
                + "---\n"
                + slo(
                        "rotation-age",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: rotation, count: within_schedule, schedule: 30d}}}, total: {metricSource: {type: dbre, spec: {source: rotation, count: secrets}}}}")
                + "---\n"
                + slo(
                        "db-up",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: service_check, check: postgres.can_connect, status: ok}}}, total: {metricSource: {type: dbre, spec: {source: service_check, check: postgres.can_connect}}}}")
                + "---\n"
                + slo(
                        "api-ok",
                        "ratioMetric: {good: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests, tags: {code: 2xx}}}}, total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}}");

        SloSpecSet parsed = SloSpecs.parse(Map.of("all.yaml", set));

        assertThat(parsed.slos())
                .extracting(Slo::name)
                .containsExactly("ingest-fresh", "backup-rpo", "drill-rto", "rotation-age", "db-up", "api-ok");
        RatioMetric fresh = (RatioMetric) parsed.slos().get(0).indicator().metric();
        assertThat(fresh.good().dbre().limit()).isEqualTo(Duration.ofSeconds(60));
        RatioMetric rpo = (RatioMetric) parsed.slos().get(1).indicator().metric();
        assertThat(rpo.good().dbre().limit()).isEqualTo(Duration.ofHours(26));
        assertThat(rpo.good().dbre().subject()).isEqualTo("nightly");
        RatioMetric up = (RatioMetric) parsed.slos().get(4).indicator().metric();
        assertThat(up.good().dbre().statuses()).containsExactly("ok");
    }

    static String slo(String name, String indicatorSpec) {
        return """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: %s}
                spec:
                  service: dbre
                  indicator:
                    metadata: {name: %s-sli}
                    spec: {%s}
                  timeWindow: [{duration: 30d, isRolling: true}]
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.99}]
                """.formatted(name, name, indicatorSpec);
    }

    @Test
    void loadsEveryYamlFileOfAFolder() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))),
                "slo");
        java.nio.file.Files.writeString(dir.resolve("a.yaml"), RATIO_SLO);
        java.nio.file.Files.writeString(dir.resolve("b.yml"), THRESHOLD_SET);
        java.nio.file.Files.writeString(dir.resolve("notes.txt"), "not a spec");

        assertThat(SloSpecs.load(dir).slos())
                .extracting(Slo::name)
                .containsExactly("ingest-batch-success", "api-latency-300ms");
    }

    @Test
    void aHalfValidSet_isRefusedWhole_withEveryProblem() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("good.yaml", RATIO_SLO);
        files.put(
                "bad.yaml", RATIO_SLO.replace("target: 0.995", "target: 1.5").replace("ingest-batch-success", "other"));
        files.put(
                "worse.yaml", RATIO_SLO.replace("Occurrences", "Ocurrences").replace("ingest-batch-success", "third"));

        assertThatThrownBy(() -> SloSpecs.parse(files))
                .isInstanceOfSatisfying(
                        SloSpecException.class,
                        e -> assertThat(e.problems())
                                .extracting(SpecProblem::toString)
                                .containsExactly(
                                        "bad.yaml:28: spec.objectives[0].target: must be in [0, 1), was 1.5",
                                        "worse.yaml:25: spec.budgetingMethod: must be Occurrences, Timeslices or RatioTimeslices, was \"Ocurrences\""));
    }

    @Test
    void dbreSourcesInATimeslicesCalendar_needSlicesThatDivideAnHour() {
        String text = THRESHOLD_SET.replace("timeSliceWindow: 5", "timeSliceWindow: 7m");
        assertThatThrownBy(() -> SloSpecs.parse(Map.of("latency.yaml", text)))
                .hasMessageStartingWith("latency.yaml:41: spec.objectives[0].timeSliceWindow: must divide an hour");
    }
}
