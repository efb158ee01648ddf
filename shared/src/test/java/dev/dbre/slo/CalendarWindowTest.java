package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.slo.Periods.Period;
import dev.dbre.slo.SloReport.Entry;
import dev.dbre.slo.SloReport.PastPeriod;
import dev.dbre.slo.spec.Slo;
import dev.dbre.slo.spec.SpecDuration;
import dev.dbre.slo.spec.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CalendarWindowTest {
    private static final String BERLIN_MONTH =
            "{duration: 1M, isRolling: false, calendar: {startTime: \"2026-01-01 00:00:00\", timeZone: Europe/Berlin}}";

    @Test
    void calendarMonthAcrossDst_isTheMonthInTheZone_withItsPastMonths() {
        Slo slo = SloEvaluatorTest.slo(BERLIN_MONTH, "Occurrences", "{target: 0.99}", SloEvaluatorTest.REQUESTS);
        InMemorySliData data = new InMemorySliData();
        add(data, slo, "2026-02-28T22:59:00Z", 1_000, 1_000); // 23:59 on 28 Feb in Berlin: February
        add(data, slo, "2026-02-28T23:00:00Z", 1_000, 10); // 00:00 on 1 March in Berlin
        add(data, slo, "2026-03-29T01:30:00Z", 1_000, 0); // just before the clocks go forward
        add(data, slo, "2026-03-29T02:30:00Z", 1_000, 0); // just after (04:30 CEST)
        add(data, slo, "2026-02-10T12:00:00Z", 500, 5); // February
        add(data, slo, "2026-01-31T22:59:59Z", 400, 1); // the last second of January in Berlin

        Entry e = new SloEvaluator(data, ReportSettings.DEFAULTS)
                .evaluate(slo, slo.objectives().get(0), Instant.parse("2026-03-31T12:00:30Z"));

        assertThat(e.window().kind()).isEqualTo("calendar");
        assertThat(e.window().timeZone()).isEqualTo("Europe/Berlin");
        assertThat(e.window().from()).isEqualTo(Instant.parse("2026-02-28T23:00:00Z"));
        assertThat(e.window().to()).isEqualTo(Instant.parse("2026-03-31T12:00:00Z"));
        assertThat(e.window().periodEnd()).isEqualTo(Instant.parse("2026-03-31T22:00:00Z"));
        assertThat(e.counts().total()).isEqualTo(3_000);
        assertThat(e.sli()).isCloseTo(2_990 / 3_000.0, within(1e-12));
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
        assertThat(history.get(0).sli()).isCloseTo(495 / 1_500.0, within(1e-12));
        assertThat(history.get(0).budgetConsumed()).isCloseTo(1_005 / 15.0, within(1e-9));
        assertThat(history.get(1).sli()).isCloseTo(399 / 400.0, within(1e-12));
        assertThat(history.get(2).sli()).isNull();
    }

    @Test
    void weekAndQuarter_followTheirCalendar() {
        TimeWindow week =
                new TimeWindow(SpecDuration.parse("1w"), false, LocalDateTime.of(2026, 1, 5, 0, 0), ZoneId.of("UTC"));
        Period w = Periods.current(week, Instant.parse("2026-03-04T10:00:00Z"), Duration.ofMinutes(1));
        assertThat(w.from()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));
        assertThat(w.end()).isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));

        TimeWindow quarter = new TimeWindow(
                SpecDuration.parse("1Q"), false, LocalDateTime.of(2026, 1, 1, 0, 0), ZoneId.of("America/New_York"));
        Period q = Periods.current(quarter, Instant.parse("2026-05-15T00:00:00Z"), Duration.ofMinutes(1));
        assertThat(q.from()).isEqualTo(Instant.parse("2026-04-01T04:00:00Z"));
        assertThat(q.end()).isEqualTo(Instant.parse("2026-07-01T04:00:00Z"));
        assertThat(Periods.past(quarter, q, 1).get(0).from()).isEqualTo(Instant.parse("2026-01-01T05:00:00Z"));
    }

    @Property(tries = 300)
    void theCurrentPeriodContainsNow_andPeriodsTileTheCalendar(
            @ForAll @LongRange(min = 1_600_000_000L, max = 1_900_000_000L) long epochSecond,
            @ForAll("windows") String duration) {
        TimeWindow window = new TimeWindow(
                SpecDuration.parse(duration), false, LocalDateTime.of(2026, 1, 31, 2, 30), ZoneId.of("Europe/Berlin"));
        Instant at = Instant.ofEpochSecond(epochSecond);

        Period p = Periods.current(window, at, Duration.ofMinutes(1));

        assertThat(p.from()).isBeforeOrEqualTo(at);
        assertThat(p.end()).isAfter(at);
        assertThat(Duration.between(p.to(), at)).isLessThan(Duration.ofMinutes(1));
        Period before = Periods.past(window, p, 1).get(0);
        assertThat(before.end()).isEqualTo(p.from());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> windows() {
        return net.jqwik.api.Arbitraries.of("1d", "1w", "1M", "1Q", "1Y", "2M");
    }

    private static void add(InMemorySliData data, Slo slo, String at, double total, double bad) {
        data.count(SloEvaluatorTest.total(slo), Instant.parse(at), total)
                .count(SloEvaluatorTest.bad(slo), Instant.parse(at), bad);
    }
}
