package dev.dbre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.Periods.Period;
import dev.dbre.slo.spec.SpecDuration;
import dev.dbre.slo.spec.TimeWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * Calendar periods in their time zone. A month across a DST change, evaluated over data, is one of
 * {@link SloEvaluatorTest}'s scenarios (run in memory and through the metric store).
 */
class CalendarWindowTest {
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
}
