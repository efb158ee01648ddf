package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.StepGrid;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How the part of a minute-grain grid older than the kept minutes is laid out from hourly totals
 * ({@link MetricStoreReads#countsWithOlderHours}): which steps it covers, which hours are read, and
 * where each hour's total lands.
 */
class OlderHoursTest {
    private static final Instant T = Instant.parse("2026-10-01T00:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration FIVE = Duration.ofMinutes(5);

    @Test
    void hourGrainSteps_areTheStepsStartingBeforeTheKeptMinutes() {
        StepGrid grid = new StepGrid(T, FIVE, 48); // 4 hours
        assertThat(MetricStoreReads.hourGrainSteps(grid, T)).isZero();
        assertThat(MetricStoreReads.hourGrainSteps(grid, T.minusSeconds(3600))).isZero();
        assertThat(MetricStoreReads.hourGrainSteps(grid, T.plus(Duration.ofHours(1))))
                .isEqualTo(12);
        // A step that straddles the edge is read at hour grain too.
        assertThat(MetricStoreReads.hourGrainSteps(grid, T.plus(Duration.ofMinutes(61))))
                .isEqualTo(13);
        assertThat(MetricStoreReads.hourGrainSteps(grid, T.plus(Duration.ofHours(4))))
                .isEqualTo(48);
        assertThat(MetricStoreReads.hourGrainSteps(grid, T.plus(Duration.ofDays(4))))
                .isEqualTo(48);
    }

    @Test
    void olderHours_runFromTheHourHoldingTheStart_toTheKeptMinutesOrTheGridsEnd() {
        StepGrid grid = new StepGrid(T.plus(Duration.ofMinutes(30)), MINUTE, 300); // 00:30 to 05:30
        assertThat(MetricStoreReads.olderHours(grid, T.plus(Duration.ofHours(3))))
                .isEqualTo(new StepGrid(T, Duration.ofHours(1), 3));
        assertThat(MetricStoreReads.olderHours(grid, T.plus(Duration.ofDays(1))))
                .isEqualTo(new StepGrid(T, Duration.ofHours(1), 6));
    }

    @Test
    void eachHoursTotal_landsInTheStepHoldingItsStart_addedToWhatIsThere_NaNAddsNothing() {
        StepGrid grid = new StepGrid(T.plus(Duration.ofMinutes(30)), Duration.ofMinutes(20), 9); // 00:30-03:30
        StepGrid hours = new StepGrid(T, Duration.ofHours(1), 4);
        double[] into = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, 2, Double.NaN, Double.NaN, 5, Double.NaN};
        // The 00:00 hour starts before the grid: it counts in no step.
        MetricStoreReads.addHours(new double[] {100, 7, Double.NaN, 3}, hours, grid, into);
        // 01:00 is step 1 (00:50-01:10); 03:00 is step 7 (02:50-03:10), which had 5.
        assertThat(into)
                .containsExactly(Double.NaN, 7, Double.NaN, Double.NaN, 2, Double.NaN, Double.NaN, 8, Double.NaN);

        // An hour that starts with the grid lands in its first step.
        double[] first = {Double.NaN, Double.NaN};
        MetricStoreReads.addHours(
                new double[] {4}, new StepGrid(T, Duration.ofHours(1), 1), new StepGrid(T, FIVE, 2), first);
        assertThat(first).containsExactly(4, Double.NaN);
    }
}
