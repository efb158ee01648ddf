package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.db.ConnectionFactoryDataSource;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.MetricTable;
import dev.dbre.metrics.OldestPartition;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SliData;
import dev.dbre.slo.SloEvaluator;
import dev.dbre.slo.SloReport;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.report.SloReportHtml;
import dev.dbre.slo.report.SloReportJson;
import dev.dbre.slo.report.SloReportMarkdown;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Windows longer than the minute rollups' retention (35 days by default): a {@code 90d} rolling and
 * a {@code 1Q} calendar window whose early events now sit only in the hourly rollups. Data goes in
 * through the real ingest path, at the times it happened, with maintenance run as the clock moves
 * (it rolls up, then drops the minute partitions past their retention), and the report read at the
 * end. Occurrences counts the old events exactly from the hours; slices there have no data unless
 * a slice is whole hours.
 */
@ExtendWith(PostgresExtension.class)
class LongWindowTest {
    private static final Instant AT = Instant.parse("2026-12-10T00:00:00Z");

    /** (when, ok requests, failed requests): the hand-computed answers below add these up. */
    private static final Object[][] EVENTS = {
        // in the 90d window's lookback (the window starts 11 Sep), in Q3
        {"2026-09-09T12:00:00Z", 100, 50},
        // in the 90d window, in Q3: hours only by now
        {"2026-09-20T10:17:00Z", 1_000, 30},
        // in both windows: hours only by now
        {"2026-10-15T03:45:00Z", 500, 5},
        {"2026-10-20T05:10:00Z", 20, 10},
        // in both windows, with their minutes still kept
        {"2026-11-06T08:00:00Z", 300, 3},
        {"2026-12-01T09:00:00Z", 1_000, 0},
        // in the last 3 days
        {"2026-12-08T12:30:00Z", 2_000, 10},
    };

    private static final String SPEC = """
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: api-errors
            spec:
              service: api
              indicator:
                metadata:
                  name: api-5xx
                spec:
                  ratioMetric:
                    counter: true
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests, tags: {status: 5xx%TAGS%}}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests%TOTALTAGS%}}}
              timeWindow:
                - %WINDOW%
              budgetingMethod: %METHOD%
              objectives:
                - %OBJECTIVE%
            """;

    private static final String ROLLING_90D = "{duration: 90d, isRolling: true}";
    private static final String QUARTER =
            "{duration: 1Q, isRolling: false, calendar: {startTime: \"2026-01-01 00:00:00\", timeZone: UTC}}";

    private final TestDatabase db;

    LongWindowTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        Ingested.clean(db);
    }

    @Test
    void rolling90d_countsTheEventsOnlyTheHoursKeep_exactly() throws Exception {
        ingestAll(null);
        // Maintenance keeps the minutes of the last 35 days (and their partitions from then on).
        assertThat(minutesKeptFrom()).isEqualTo(AT.minus(Duration.ofDays(35)));

        Entry e = evaluate(slo(ROLLING_90D, "Occurrences", "{target: 0.99}", false), recorded());

        // 11 Sep to 10 Dec: every event but the first; 58 of 4,878 failed.
        assertThat(e.window().from()).isEqualTo(Instant.parse("2026-09-11T00:00:00Z"));
        assertThat(e.counts().total()).isEqualTo(4_878);
        assertThat(e.counts().good()).isEqualTo(4_820);
        assertThat(e.sli()).isCloseTo(4_820 / 4_878.0, within(1e-12));
        assertThat(e.budget().consumed()).isCloseTo(58 / (0.01 * 4_878), within(1e-12));
        assertThat(e.budget().consumedAmount()).isCloseTo(58, within(1e-9));
        // The last 3 days: 10 of 2,010.
        assertThat(e.burnRates().get("3d").burnRate()).isCloseTo(10 / 2_010.0 / 0.01, within(1e-12));
        assertThat(e.burnRates().get("3d").events()).isEqualTo(2_010);
        assertThat(e.window().hourGrainUntil()).isEqualTo(Instant.parse("2026-11-05T00:00:00Z"));
        SloReport report = new SloReport(SloReport.SCHEMA_VERSION, AT, AT, List.of(e));
        assertThat(SloReportMarkdown.write(report))
                .contains("- Read at hour grain until 2026-11-05 00:00 UTC: the metric store no longer keeps minutes");
        assertThat(SloReportHtml.write(report)).contains("<p>Read at hour grain until 2026-11-05 00:00 UTC: ");
        assertThat(SloReportJson.write(report)).contains("\"hourGrainUntil\" : \"2026-11-05T00:00:00Z\"");
    }

    @Test
    void calendarQuarter_countsTheEventsOnlyTheHoursKeep_exactly() throws Exception {
        ingestAll(null);

        Entry e = evaluate(slo(QUARTER, "Occurrences", "{target: 0.99}", false), recorded());

        // 1 Oct to 10 Dec: 28 of 3,848 failed.
        assertThat(e.window().from()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
        assertThat(e.window().to()).isEqualTo(AT);
        assertThat(e.counts().total()).isEqualTo(3_848);
        assertThat(e.sli()).isCloseTo(3_820 / 3_848.0, within(1e-12));
        assertThat(e.budget().consumed()).isCloseTo(28 / (0.01 * 3_848), within(1e-12));
        assertThat(e.burnRates().get("3d").burnRate()).isCloseTo(10 / 2_010.0 / 0.01, within(1e-12));
        assertThat(e.window().hourGrainUntil()).isEqualTo(Instant.parse("2026-11-05T00:00:00Z"));
        // The quarter before (read in one step from the rollups, as before): 80 of 1,180 failed.
        assertThat(e.history().get(0).from()).isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
        assertThat(e.history().get(0).sli()).isCloseTo(1_100 / 1_180.0, within(1e-12));
    }

    @Test
    void aSpecAddedAfterTheMinutesWereDropped_answersAsOneRecordedAllAlong_andAsTheStoreUnrecorded() throws Exception {
        Slo along = slo(ROLLING_90D, "Occurrences", "{target: 0.99}", false);
        ingestAll(along);
        // Other tag filters (every point has env:prod): the same numbers, but questions never
        // recorded before.
        Slo added = slo(ROLLING_90D, "Occurrences", "{target: 0.99}", true);

        Entry a = evaluate(along, recorded());
        Entry b = evaluate(added, recorded());
        Entry c = evaluate(along, unrecorded());
        for (Entry other : new Entry[] {b, c}) {
            assertThat(other.counts()).isEqualTo(a.counts());
            assertThat(other.sli()).isEqualTo(a.sli());
            assertThat(other.budget()).isEqualTo(a.budget());
            assertThat(other.burnRates()).isEqualTo(a.burnRates());
            assertThat(other.series()).isEqualTo(a.series());
            assertThat(other.window()).isEqualTo(a.window());
        }
        assertThat(a.counts().total()).isEqualTo(4_878);
    }

    @Test
    void minuteSlices_olderThanTheKeptMinutes_haveNoData_butHourSlicesAreJudged() throws Exception {
        ingestAll(null);

        Entry minutes = evaluate(
                slo(ROLLING_90D, "Timeslices", "{target: 0.9, timeSliceTarget: 0.95, timeSliceWindow: 1m}", false),
                recorded());
        // Only the three minutes with events since 6 Nov are slices with data (all good); the
        // older events cannot be judged per minute from hourly totals.
        assertThat(minutes.counts().total()).isEqualTo(3);
        assertThat(minutes.counts().good()).isEqualTo(3);
        assertThat(minutes.counts().slicesWithoutData()).isEqualTo(90 * 1_440 - 3);
        assertThat(minutes.window().hourGrainUntil()).isEqualTo(Instant.parse("2026-11-05T00:00:00Z"));

        Entry hours = evaluate(
                slo(ROLLING_90D, "Timeslices", "{target: 0.9, timeSliceTarget: 0.95, timeSliceWindow: 1h}", false),
                recorded());
        // Hour slices read the hourly rollups themselves: all six hours with events are judged,
        // and 20 ok with 10 failed on 20 Oct is the bad one.
        assertThat(hours.counts().total()).isEqualTo(6);
        assertThat(hours.counts().good()).isEqualTo(5);
        assertThat(hours.window().hourGrainUntil()).isNull();
    }

    /**
     * Ingests every event at its time and runs maintenance an hour later; with {@code askedAlong},
     * reports that SLO after each maintenance run (so its questions are recorded all along).
     */
    private void ingestAll(Slo askedAlong) throws SQLException {
        for (Object[] event : EVENTS) {
            Instant t = Instant.parse((String) event[0]);
            String ts = "|T" + t.plusSeconds(15).getEpochSecond();
            String lines = "api.requests:" + event[1] + "|c|#env:prod,status:2xx" + ts + "\napi.requests:" + event[2]
                    + "|c|#env:prod,status:5xx" + ts;
            Ingested.store(db, new MutableClock(t.plusSeconds(30)), Ingested.SOURCE, lines);
            Instant later = t.plus(Duration.ofHours(1));
            maintain(later);
            if (askedAlong != null) {
                evaluate(askedAlong, recorded(), later);
            }
        }
        maintain(AT);
    }

    private void maintain(Instant at) throws SQLException {
        assertThat(new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS)
                        .run(at)
                        .complete())
                .isTrue();
    }

    private Instant minutesKeptFrom() throws SQLException {
        try (Connection c = db.connections().open()) {
            return OldestPartition.start(c, MetricTable.MINUTE);
        }
    }

    private SliData recorded() {
        return new DatabaseSliData(new ConnectionFactoryDataSource(db.connections()));
    }

    private SliData unrecorded() {
        return DatabaseSliData.unrecorded(
                db.connections(),
                new MetricQueryService(db.connections(), MetricStoreSettings.DEFAULTS.intervalSeconds()),
                MetricStoreSettings.DEFAULTS.intervalSeconds());
    }

    private static Entry evaluate(Slo slo, SliData data) {
        return evaluate(slo, data, AT);
    }

    private static Entry evaluate(Slo slo, SliData data, Instant at) {
        return new SloEvaluator(data, ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), at);
    }

    private static Slo slo(String window, String method, String objective, boolean prodOnly) {
        String yaml = SPEC.replace("%WINDOW%", window)
                .replace("%METHOD%", method)
                .replace("%OBJECTIVE%", objective)
                .replace("%TAGS%", prodOnly ? ", env: prod" : "")
                .replace("%TOTALTAGS%", prodOnly ? ", tags: {env: prod}" : "");
        return SloSpecs.parse(Map.of("api.yaml", yaml)).slos().get(0);
    }
}
