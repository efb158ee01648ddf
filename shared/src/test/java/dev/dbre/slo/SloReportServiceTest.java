package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.obs.Metric;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.AlertNotifier;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary.AlertChange;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.publish.WebhookNotifier;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecException;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.testing.FakeHttpServer;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report run on the embedded PostgreSQL: notified only when an alert starts or stops firing.
 * The data is the worked example of docs/slo.md (SloEvaluatorTest): at 2026-03-01T00:00Z page-fast,
 * page-slow and ticket-slow fire; seven hours later every short window is empty and none fires.
 */
@ExtendWith(PostgresExtension.class)
class SloReportServiceTest {
    static final Instant AT = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant LATER = Instant.parse("2026-03-01T07:00:00Z");
    static final String SPEC = """
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: api-availability}
            spec:
              service: api
              indicator:
                metadata: {name: api-errors}
                spec:
                  ratioMetric:
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.errors}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}
              timeWindow: [{duration: 30d, isRolling: true}]
              budgetingMethod: Occurrences
              objectives: [{target: 0.99}]
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void tmpdir() throws Exception {
        // surefire points java.io.tmpdir into target/, which a focused run may not have created yet
        java.nio.file.Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    Path spec;
    Path out;
    final InMemorySliData data = new InMemorySliData();
    final List<AlertNotice> notices = new ArrayList<>();
    final List<Map<String, String>> metricDimensions = new ArrayList<>();
    final List<Metric> metrics = new ArrayList<>();

    @BeforeEach
    void specAndData() throws IOException {
        spec = Files.writeString(dir.resolve("api.yaml"), SPEC);
        out = dir.resolve("out");
        Slo slo = SloSpecs.load(spec).slos().get(0);
        events(slo, "2026-02-01T00:00:00Z", 100_000, 500);
        events(slo, "2026-02-27T00:00:00Z", 10_000, 200);
        events(slo, "2026-02-28T12:00:00Z", 10_000, 0);
        events(slo, "2026-02-28T19:00:00Z", 1_000, 30);
        events(slo, "2026-02-28T23:20:00Z", 600, 120);
        events(slo, "2026-02-28T23:57:00Z", 100, 20);
    }

    @BeforeEach
    void noAlertStateYet(TestDatabase db) throws Exception {
        // one database per test class: each test starts from "never run"
        db.execute("truncate slo_alert_state");
    }

    private void events(Slo slo, String at, double total, double bad) {
        data.count(SloEvaluatorTest.total(slo), Instant.parse(at), total)
                .count(SloEvaluatorTest.bad(slo), Instant.parse(at), bad);
    }

    private SloReportService service(TestDatabase db, AlertNotifier notifier) {
        return new SloReportService(
                data,
                ReportSettings.DEFAULTS,
                new FolderPublisher(out),
                notifier,
                new AlertStateStore(db.connections()),
                (dims, m) -> {
                    metricDimensions.add(dims);
                    metrics.addAll(m);
                },
                Clock.fixed(Instant.parse("2026-03-01T07:01:00Z"), ZoneOffset.UTC));
    }

    private SloReportService service(TestDatabase db) {
        return service(db, notices::add);
    }

    @Test
    void firstRunWithAlertsFiring_notifies_identicalRunDoesNot_andStopping_notifiesResolved(TestDatabase db)
            throws Exception {
        SloRunSummary first = service(db).run(spec, When.at(AT), EnumSet.allOf(ReportFormat.class));

        assertThat(first.changes())
                .extracting(AlertChange::alert, AlertChange::firing)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("page-fast", true),
                        org.assertj.core.groups.Tuple.tuple("page-slow", true),
                        org.assertj.core.groups.Tuple.tuple("ticket-slow", true));
        assertThat(first.alertsFiring()).isEqualTo(3);
        assertThat(first.slos()).singleElement().satisfies(l -> {
            assertThat(l.firing()).containsExactly("page-fast", "page-slow", "ticket-slow");
            assertThat(l.budgetRemaining()).isCloseTo(347 / 1_217.0, org.assertj.core.api.Assertions.within(1e-12));
        });
        assertThat(notices).hasSize(1);
        JsonNode notice = JSON.readTree(notices.get(0).json());
        assertThat(notice.get("type").asText()).isEqualTo("dbre.slo.alerts");
        assertThat(notice.get("firing").asInt()).isEqualTo(3);
        assertThat(notice.get("changes")).hasSize(3);
        assertThat(notice.get("changes").get(0).get("state").asText()).isEqualTo("firing");
        assertThat(notice.get("changes").get(0).get("longBurnRate").asDouble())
                .isCloseTo(20.0, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(notice.get("report").asText()).endsWith("20260301T000000Z/slo-report.html");
        assertThat(notices.get(0).subject()).startsWith("SLO alerts: 3 started, 0 resolved, 3 firing");
        assertThat(db.queryLong("select count(*) from slo_alert_state where firing"))
                .isEqualTo(3);

        SloRunSummary again = service(db).run(spec, When.at(AT), EnumSet.allOf(ReportFormat.class));

        assertThat(again.changes()).isEmpty();
        assertThat(again.alertsFiring()).isEqualTo(3);
        assertThat(notices).hasSize(1);

        SloRunSummary later = service(db).run(spec, When.at(LATER), EnumSet.allOf(ReportFormat.class));

        assertThat(later.changes())
                .extracting(AlertChange::alert, AlertChange::firing, AlertChange::firedSince)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("page-fast", false, AT),
                        org.assertj.core.groups.Tuple.tuple("page-slow", false, AT),
                        org.assertj.core.groups.Tuple.tuple("ticket-slow", false, AT));
        assertThat(notices).hasSize(2);
        JsonNode resolved = JSON.readTree(notices.get(1).json());
        assertThat(resolved.get("firing").asInt()).isZero();
        assertThat(resolved.get("changes").get(0).get("state").asText()).isEqualTo("resolved");
        assertThat(resolved.get("changes").get(0).get("firedSince").asText()).isEqualTo(AT.toString());
        assertThat(db.queryLong("select count(*) from slo_alert_state where firing"))
                .isZero();
        assertThat(db.queryLong("select count(*) from slo_alert_state")).isEqualTo(4);
    }

    @Test
    void anSloRemovedFromTheSpecs_isAnnouncedResolvedOnce_andItsStateCleared(TestDatabase db) throws Exception {
        try (FakeHttpServer hook = FakeHttpServer.start()) {
            hook.always(r -> true, FakeHttpServer.Reply.of(204, null, null));
            AlertNotifier webhook = new WebhookNotifier(hook.uri().resolve("/hook"), Duration.ofSeconds(5));
            service(db, webhook).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));
            assertThat(hook.requests()).hasSize(1);
            // The SLO is renamed: api-availability leaves the specs while three of its alerts fire.
            Files.writeString(spec, SPEC.replace("name: api-availability", "name: api-availability-v2"));

            SloRunSummary renamed = service(db, webhook).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));

            assertThat(renamed.changes())
                    .extracting(AlertChange::slo, AlertChange::alert, AlertChange::firing, AlertChange::reason)
                    .containsExactlyInAnyOrder(
                            tuple("api-availability-v2", "page-fast", true, null),
                            tuple("api-availability-v2", "page-slow", true, null),
                            tuple("api-availability-v2", "ticket-slow", true, null),
                            tuple("api-availability", "page-fast", false, AlertChange.REMOVED),
                            tuple("api-availability", "page-slow", false, AlertChange.REMOVED),
                            tuple("api-availability", "ticket-slow", false, AlertChange.REMOVED));
            assertThat(hook.requests()).hasSize(2);
            JsonNode notice = JSON.readTree(hook.requests().get(1).body());
            assertThat(notice.get("changes"))
                    .filteredOn(c -> c.get("slo").asText().equals("api-availability"))
                    .hasSize(3)
                    .allSatisfy(c -> {
                        assertThat(c.get("state").asText()).isEqualTo("resolved");
                        assertThat(c.get("reason").asText()).isEqualTo("removed from the specs");
                        assertThat(c.get("firedSince").asText()).isEqualTo(AT.toString());
                        assertThat(c.get("severity").asText()).isIn("page", "ticket");
                        assertThat(c.get("threshold").isNull()).isTrue();
                    });
            assertThat(notice.get("changes"))
                    .filteredOn(c -> c.get("slo").asText().equals("api-availability-v2"))
                    .allSatisfy(c -> assertThat(c.get("reason").isNull()).isTrue());
            assertThat(db.queryLong("select count(*) from slo_alert_state where slo = 'api-availability'"))
                    .isZero();
            assertThat(db.queryLong("select count(*) from slo_alert_state where slo = 'api-availability-v2'"))
                    .isEqualTo(4);

            SloRunSummary again = service(db, webhook).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));

            assertThat(again.changes()).isEmpty();
            assertThat(hook.requests()).hasSize(2);
        }
    }

    @Test
    void aRemovedSlosResolutionThatCannotBeSent_isSentByTheNextRun(TestDatabase db) throws Exception {
        service(db).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));
        Files.writeString(
                spec,
                SPEC.replace("name: api-availability", "name: api-availability-v2")
                        .replace("target: 0.99", "target: 0.5"));
        AlertNotifier down = notice -> {
            throw new IOException("topic unreachable");
        };

        assertThatThrownBy(() -> service(db, down).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON)))
                .isInstanceOf(IOException.class);
        assertThat(db.queryLong("select count(*) from slo_alert_state where slo = 'api-availability' and firing"))
                .isEqualTo(3);

        SloRunSummary retry = service(db).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));

        assertThat(retry.changes())
                .extracting(AlertChange::slo, AlertChange::firing, AlertChange::reason)
                .containsOnly(tuple("api-availability", false, AlertChange.REMOVED))
                .hasSize(3);
        assertThat(notices).hasSize(2);
        assertThat(notices.get(1).subject()).startsWith("SLO alerts: 0 started, 3 resolved, 0 firing");
        assertThat(db.queryLong("select count(*) from slo_alert_state where slo = 'api-availability'"))
                .isZero();
    }

    @Test
    void aNoticeThatCannotBeSent_keepsTheState_soTheNextRunSendsItAgain(TestDatabase db) throws Exception {
        AlertNotifier down = notice -> {
            throw new IOException("topic unreachable");
        };
        assertThatThrownBy(() -> service(db, down).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON)))
                .isInstanceOf(IOException.class)
                .hasMessage("topic unreachable");
        assertThat(db.queryLong("select count(*) from slo_alert_state")).isZero();

        SloRunSummary retry = service(db).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));

        assertThat(retry.changes()).hasSize(3);
        assertThat(notices).hasSize(1);
    }

    @Test
    void eachFormat_isWrittenUnderItsTimeAndUnderLatest(TestDatabase db) throws Exception {
        SloRunSummary s = service(db).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON, ReportFormat.HTML));

        Path stamped = out.resolve("20260301T000000Z");
        assertThat(s.reports())
                .containsOnly(
                        Map.entry("json", stamped.resolve("slo-report.json").toString()),
                        Map.entry("html", stamped.resolve("slo-report.html").toString()));
        assertThat(JSON.readTree(Files.readString(stamped.resolve("slo-report.json")))
                        .get("slos")
                        .get(0)
                        .get("name")
                        .asText())
                .isEqualTo("api-availability");
        assertThat(Files.readString(out.resolve("latest/slo-report.html"))).contains("api-availability");
        assertThat(out.resolve("latest/slo-report.md")).doesNotExist();
    }

    @Test
    void sloAlertsFiring_isEmittedPerSloAndSeverity_zerosIncluded(TestDatabase db) throws Exception {
        service(db).run(spec, When.at(AT), EnumSet.of(ReportFormat.JSON));

        assertThat(metrics).extracting(Metric::name).containsOnly(MetricNames.SLO_ALERTS_FIRING);
        // page: page-fast and page-slow fire; ticket: ticket-slow fires, ticket-fast does not
        assertThat(metricDimensions).extracting(d -> d.get("severity")).containsExactly("page", "ticket");
        assertThat(metrics).extracting(Metric::value).containsExactly(2.0, 1.0);

        metrics.clear();
        service(db).run(spec, When.at(LATER), EnumSet.of(ReportFormat.JSON));
        assertThat(metrics).extracting(Metric::value).containsExactly(0.0, 0.0);
    }

    @Test
    void overFromTo_evaluatesThatWindow(TestDatabase db) throws Exception {
        // 2026-02-28 18:00 to 2026-03-01 00:00: 1,700 requests, 170 errors
        SloReportService s = service(db);
        SloReport r = s.evaluate(SloSpecs.load(spec), When.over(Instant.parse("2026-02-28T18:00:00Z"), AT));

        assertThat(r.slos().get(0).window().from()).isEqualTo(Instant.parse("2026-02-28T18:00:00Z"));
        assertThat(r.slos().get(0).window().to()).isEqualTo(AT);
        assertThat(r.slos().get(0).sli()).isCloseTo(1 - 170 / 1_700.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> When.over(AT, AT)).hasMessageContaining("--to must be after --from");
    }

    @Test
    void aBadSpec_failsNamingFileLineAndField_beforeAnythingIsWritten(TestDatabase db) throws Exception {
        Files.writeString(spec, SPEC.replace("target: 0.99", "target: 1.5"));

        assertThatThrownBy(() -> service(db).run(spec, When.at(AT), EnumSet.allOf(ReportFormat.class)))
                .isInstanceOf(SloSpecException.class)
                .hasMessageContaining("api.yaml:14: spec.objectives[0].target: must be in [0, 1), was 1.5");
        assertThat(out).doesNotExist();
        assertThat(db.queryLong("select count(*) from slo_alert_state")).isZero();
    }
}
