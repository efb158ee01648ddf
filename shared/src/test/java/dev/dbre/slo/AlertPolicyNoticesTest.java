package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.port.AlertNotifier.AlertNotice;
import dev.dbre.slo.SloReportService.When;
import dev.dbre.slo.SloRunSummary.AlertChange;
import dev.dbre.slo.publish.FolderPublisher;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An AlertPolicy's {@code alertWhenBreaching}, {@code alertWhenResolved}, {@code alertWhenNoData} and
 * {@code notificationTargets} decide which changes are announced, on the embedded PostgreSQL. The
 * data is the worked example of docs/slo.md: at {@link #AT} the 1h and 5m windows both burn 20
 * (above the condition's 14.4); at {@link #LATER} both are empty.
 */
@ExtendWith(PostgresExtension.class)
class AlertPolicyNoticesTest {
    static final Instant AT = SloReportServiceTest.AT;
    static final Instant LATER = SloReportServiceTest.LATER;
    static final ObjectMapper JSON = new ObjectMapper();

    /** The SLO of SloReportServiceTest with one paging policy; FLAGS is replaced by each test. */
    static final String SPEC = SloReportServiceTest.SPEC + """
              alertPolicies: [{alertPolicyRef: fast-page}]
            ---
            apiVersion: openslo/v1
            kind: AlertPolicy
            metadata: {name: fast-page}
            spec:
              FLAGS
              conditions:
                - kind: AlertCondition
                  metadata: {name: fast-burn}
                  spec:
                    severity: page
                    condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}
              notificationTargets:
                - targetRef: on-call
                - kind: AlertNotificationTarget
                  metadata: {name: db-team-chat}
                  spec: {target: chat}
            ---
            apiVersion: openslo/v1
            kind: AlertNotificationTarget
            metadata: {name: on-call}
            spec: {target: pager}
            """;

    @TempDir
    Path dir;

    final InMemorySliData data = new InMemorySliData();
    final List<AlertNotice> notices = new ArrayList<>();

    @BeforeAll
    static void tmpdir() throws Exception {
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    @BeforeEach
    void noAlertStateYet(TestDatabase db) throws Exception {
        db.execute("truncate slo_alert_state");
    }

    private Path spec(String flags) throws Exception {
        Path spec = Files.writeString(dir.resolve("api.yaml"), SPEC.replace("FLAGS", flags));
        Slo slo = SloSpecs.load(spec).slos().get(0);
        events(slo, "2026-02-01T00:00:00Z", 100_000, 500);
        events(slo, "2026-02-27T00:00:00Z", 10_000, 200);
        events(slo, "2026-02-28T12:00:00Z", 10_000, 0);
        events(slo, "2026-02-28T19:00:00Z", 1_000, 30);
        events(slo, "2026-02-28T23:20:00Z", 600, 120);
        events(slo, "2026-02-28T23:57:00Z", 100, 20);
        return spec;
    }

    private void events(Slo slo, String at, double total, double bad) {
        data.count(SloEvaluatorTest.total(slo), Instant.parse(at), total)
                .count(SloEvaluatorTest.bad(slo), Instant.parse(at), bad);
    }

    private SloRunSummary run(TestDatabase db, Path spec, Instant at) throws Exception {
        return new SloReportService(
                        data,
                        ReportSettings.DEFAULTS,
                        new FolderPublisher(dir.resolve("out")),
                        notices::add,
                        new AlertStateStore(db.connections()),
                        (dims, m) -> {},
                        Clock.fixed(Instant.parse("2026-03-01T07:01:00Z"), ZoneOffset.UTC))
                .run(spec, When.at(at), EnumSet.of(ReportFormat.JSON));
    }

    private JsonNode reportAlert(Instant at) throws Exception {
        Path json =
                dir.resolve("out").resolve(SloReportService.STAMP.format(at)).resolve("slo-report.json");
        JsonNode alerts =
                JSON.readTree(Files.readString(json)).get("slos").get(0).get("alerts");
        assertThat(alerts).hasSize(1);
        return alerts.get(0);
    }

    @Test
    void noFlags_announceTheStartAndTheEnd_withThePolicysTargets(TestDatabase db) throws Exception {
        Path spec = spec("description: defaults");

        run(db, spec, AT);
        run(db, spec, LATER);

        assertThat(notices).hasSize(2);
        JsonNode started = JSON.readTree(notices.get(0).json()).get("changes").get(0);
        assertThat(started.get("state").asText()).isEqualTo("firing");
        assertThat(started.get("alert").asText()).isEqualTo("fast-page");
        assertThat(started.get("notificationTargets"))
                .extracting(JsonNode::asText)
                .containsExactly("on-call", "db-team-chat");
        JsonNode resolved = JSON.readTree(notices.get(1).json()).get("changes").get(0);
        assertThat(resolved.get("state").asText()).isEqualTo("resolved");
        assertThat(resolved.get("reason").isNull()).isTrue();
    }

    @Test
    void alertWhenResolvedFalse_announcesTheStart_butNotTheEnd(TestDatabase db) throws Exception {
        Path spec = spec("alertWhenResolved: false");

        SloRunSummary first = run(db, spec, AT);
        SloRunSummary later = run(db, spec, LATER);

        assertThat(first.changes()).extracting(AlertChange::firing).containsExactly(true);
        assertThat(later.changes()).isEmpty();
        assertThat(notices).hasSize(1);
        assertThat(reportAlert(LATER).get("firing").asBoolean()).isFalse();
        // the end was recorded, so a new breach is announced again
        assertThat(db.queryLong("select count(*) from slo_alert_state where firing"))
                .isZero();
        run(db, spec, AT);
        assertThat(notices).hasSize(2);
    }

    @Test
    void alertWhenBreachingFalse_announcesNothing_whileTheReportShowsItFiring(TestDatabase db) throws Exception {
        Path spec = spec("alertWhenBreaching: false");

        SloRunSummary first = run(db, spec, AT);
        run(db, spec, LATER);

        assertThat(first.changes()).isEmpty();
        assertThat(first.alertsFiring()).isEqualTo(1);
        assertThat(reportAlert(AT).get("firing").asBoolean()).isTrue();
        assertThat(reportAlert(AT).get("status").asText()).isEqualTo("firing");
        assertThat(notices).isEmpty();
    }

    @Test
    void alertWhenNoDataTrue_firesAndAnnounces_whenTheWindowsHaveNoData(TestDatabase db) throws Exception {
        Path spec = spec("alertWhenNoData: true");

        SloRunSummary later = run(db, spec, LATER);

        assertThat(later.changes())
                .extracting(AlertChange::alert, AlertChange::firing, AlertChange::reason)
                .containsExactly(tuple("fast-page", true, AlertChange.NO_DATA));
        JsonNode alert = reportAlert(LATER);
        assertThat(alert.get("firing").asBoolean()).isTrue();
        assertThat(alert.get("status").asText()).isEqualTo("no data");
        assertThat(notices).hasSize(1);
        JsonNode change = JSON.readTree(notices.get(0).json()).get("changes").get(0);
        assertThat(change.get("state").asText()).isEqualTo("firing");
        assertThat(change.get("reason").asText()).isEqualTo("no data");

        // data again (the burn of AT): still firing, now for the burn; nothing new to announce
        run(db, spec, AT);
        assertThat(notices).hasSize(1);
        assertThat(reportAlert(AT).get("status").asText()).isEqualTo("firing");
    }

    @Test
    void withoutAlertWhenNoData_noDataNeitherFiresNorAnnounces(TestDatabase db) throws Exception {
        Path spec = spec("alertWhenNoData: false");

        SloRunSummary later = run(db, spec, LATER);

        assertThat(later.changes()).isEmpty();
        assertThat(reportAlert(LATER).get("firing").asBoolean()).isFalse();
        assertThat(reportAlert(LATER).get("status").asText()).isEqualTo("no data");
        assertThat(notices).isEmpty();
    }
}
