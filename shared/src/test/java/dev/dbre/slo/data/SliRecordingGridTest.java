package dev.dbre.slo.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.slo.StepGrid;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which grids the recorded SLIs answer, and how a step sums its minutes (no database). */
class SliRecordingGridTest {
    static final Instant T = Instant.parse("2026-11-20T10:07:00Z");

    @Test
    void servesGridsTheStoreReadsFromItsMinutes_only() {
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofMinutes(1), 10)))
                .isTrue();
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofMinutes(5), 10)))
                .isTrue();
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofMinutes(90), 10)))
                .isTrue();
        // hours and days: the store reads its hour and day rollups
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofHours(1), 10)))
                .isFalse();
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofDays(30), 1))).isFalse();
        // not whole minutes
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofSeconds(30), 10)))
                .isFalse();
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofSeconds(90), 10)))
                .isFalse();
        assertThat(SliRecording.serves(new StepGrid(T.plusSeconds(10), Duration.ofMinutes(1), 10)))
                .isFalse();
        assertThat(SliRecording.serves(new StepGrid(T.plusMillis(1), Duration.ofMinutes(1), 10)))
                .isFalse();
        assertThat(SliRecording.serves(new StepGrid(T, Duration.ofMinutes(1).plusMillis(1), 10)))
                .isFalse();
    }

    @Test
    void aStepSumsItsMinutes_skippingNaN_andIsNaNOnlyWhenEveryMinuteIs() {
        double n = Double.NaN;
        double[] minutes = {1, n, 2, n, n, n, 0, n, n};
        double[] steps = SliRecording.fold(minutes, new StepGrid(T, Duration.ofMinutes(3), 3));
        assertThat(steps).containsExactly(3, n, 0);
        assertThat(SliRecording.fold(minutes, new StepGrid(T, Duration.ofMinutes(1), 9)))
                .containsExactly(minutes);
    }
}
