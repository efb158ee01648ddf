package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Polling through the port: the waits are recorded, never slept (the archiver wait uses this). */
class SleeperTest {
    private final List<Duration> waits = new ArrayList<>();
    private final Sleeper recording = waits::add;

    @Test
    void until_waitsBetweenChecks_andStopsWhenDone() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        boolean done =
                recording.until(() -> checks.incrementAndGet() == 3, Duration.ofSeconds(60), Duration.ofMillis(50));
        assertThat(done).isTrue();
        assertThat(checks).hasValue(3);
        assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(50));
    }

    @Test
    void until_givesUpAfterWaitingTheLimit_withoutRealSleep() throws InterruptedException {
        // The local provider's archiver wait: 60 s in 50 ms polls, here over in no time.
        boolean done = recording.until(() -> false, Duration.ofSeconds(60), Duration.ofMillis(50));
        assertThat(done).isFalse();
        assertThat(waits).hasSize(1200).containsOnly(Duration.ofMillis(50));
    }

    @Test
    void until_alreadyDone_neverWaits() throws InterruptedException {
        assertThat(recording.until(() -> true, Duration.ZERO, Duration.ofMillis(50)))
                .isTrue();
        assertThat(waits).isEmpty();
    }

    @Test
    void until_refusesAnIntervalThatNeverAdvances() {
        assertThatThrownBy(() -> recording.until(() -> false, Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
