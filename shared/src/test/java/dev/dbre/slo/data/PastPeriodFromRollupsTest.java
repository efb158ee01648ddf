package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.SloEvaluator;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SloSpecs;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A past calendar period of an Occurrences SLO over metric store counts is read as one step, from
 * the hour and day rollups: its answer survives the minutes' retention (35 days by default), and the
 * report reads a few rollup rows per series instead of every minute of the month.
 */
@ExtendWith(PostgresExtension.class)
class PastPeriodFromRollupsTest {
    /** A Berlin month: October 2026 runs from 30 Sep 22:00 UTC to 31 Oct 23:00 UTC (clocks go back on the 25th). */
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
                    bad: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests, tags: {status: 5xx}}}}
                    total: {metricSource: {type: dbre, spec: {source: metric, metric: api.requests}}}
              timeWindow:
                - duration: 1M
                  isRolling: false
                  calendar: {startTime: "2026-01-01 00:00:00", timeZone: Europe/Berlin}
              budgetingMethod: Occurrences
              objectives:
                - target: 0.99
            """;

    private final TestDatabase db;

    PastPeriodFromRollupsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        Ingested.clean(db);
    }

    @Test
    void pastMonthOfCounts_isReadFromTheRollups_afterItsMinutesWereDropped() throws Exception {
        // September in Berlin (23:30 on 30 Sep): not October.
        requests("2026-09-30T21:30:00Z", 1_000, 500);
        // October in Berlin: 00:30 on 1 Oct, the day the clocks go back, and 23:59 on 31 Oct.
        requests("2026-09-30T22:30:00Z", 100, 3);
        requests("2026-10-25T01:30:00Z", 300, 1);
        requests("2026-10-31T22:59:00Z", 96, 0);
        // November, after the month: not October either.
        requests("2026-10-31T23:00:00Z", 50, 50);
        Instant at = Instant.parse("2026-12-10T00:00:00Z");
        new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS).run(at);
        assertThat(exists("metric_agg_1m_p20261025"))
                .as("October's minutes are past their 35 days")
                .isFalse();

        Slo slo = SloSpecs.parse(Map.of("api.yaml", SPEC)).slos().get(0);
        Entry e = new SloEvaluator(Ingested.data(db), ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), at);

        List<PastPeriod> history = e.history();
        assertThat(history)
                .extracting(PastPeriod::from)
                .containsExactly(
                        Instant.parse("2026-10-31T23:00:00Z"),
                        Instant.parse("2026-09-30T22:00:00Z"),
                        Instant.parse("2026-08-31T22:00:00Z"));
        // November: 50 of 100 requests failed.
        assertThat(history.get(0).sli()).isCloseTo(50 / 100.0, within(1e-12));
        // October: 4 of 500 requests failed (100 + 3, 300 + 1, 96); the budget is 1% of 500 = 5.
        assertThat(history.get(1).sli()).isCloseTo(496 / 500.0, within(1e-12));
        assertThat(history.get(1).budgetConsumed()).isCloseTo(4 / 5.0, within(1e-12));
        assertThat(history.get(1).enoughData()).isTrue();
        // September: the one minute before October, 500 of 1,500 failed.
        assertThat(history.get(2).sli()).isCloseTo(1_000 / 1_500.0, within(1e-12));

        // The same data by UTC months, whose whole days the daily rows answer: October UTC holds
        // 300 + 1, 96 and 50 + 50 (22:30 on 30 Sep is September here): 51 of 497 failed.
        Slo utc = SloSpecs.parse(Map.of("api.yaml", SPEC.replace("Europe/Berlin", "UTC")))
                .slos()
                .get(0);
        List<PastPeriod> utcHistory = new SloEvaluator(Ingested.data(db), ReportSettings.DEFAULTS)
                .evaluate(utc, utc.objectives().get(0), at)
                .history();
        assertThat(utcHistory.get(1).from()).isEqualTo(Instant.parse("2026-10-01T00:00:00Z"));
        assertThat(utcHistory.get(1).sli()).isCloseTo(446 / 497.0, within(1e-12));
        assertThat(utcHistory.get(2).sli()).isCloseTo(1_100 / 1_603.0, within(1e-12));
    }

    /** {@code ok} 2xx and {@code failed} 5xx requests at {@code minute}, ingested then. */
    private void requests(String minute, int ok, int failed) {
        Instant t = Instant.parse(minute);
        String ts = "|T" + t.plusSeconds(15).getEpochSecond();
        String lines = "api.requests:" + ok + "|c|#status:2xx" + ts
                + (failed > 0 ? "\napi.requests:" + failed + "|c|#status:5xx" + ts : "");
        Ingested.store(db, new MutableClock(t.plusSeconds(30)), Ingested.SOURCE, lines);
    }

    private boolean exists(String table) throws SQLException {
        try (var c = db.connections().open();
                var ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
