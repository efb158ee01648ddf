package dev.dbre.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.azure.testing.AzureEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimerTickTest {
    @Test
    void sampleTimerInfo_givesTheScheduleStatus() throws Exception {
        TimerTick tick = TimerTick.parse(
                Files.readString(AzureEvents.eventsDir().resolve("timer-snapshot.json"), StandardCharsets.UTF_8));

        assertThat(tick.pastDue()).isFalse();
        assertThat(tick.last()).contains(Instant.parse("2026-11-23T22:00:00.0012345Z"));
        assertThat(tick.next()).contains(Instant.parse("2026-11-24T00:00:00Z"));
    }

    @Test
    void unmonitoredSchedule_orNoTimerInfo_isATickWithoutDetails() {
        TimerTick unmonitored = TimerTick.parse("{\"Schedule\":{},\"ScheduleStatus\":null,\"IsPastDue\":true}");

        assertThat(unmonitored.pastDue()).isTrue();
        assertThat(unmonitored.last()).isEmpty();
        assertThat(unmonitored.next()).isEmpty();
        assertThat(TimerTick.parse(null).pastDue()).isFalse();
        assertThat(TimerTick.parse("{}").next()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "{\"IsPastDue\":\"no\"} => TimerInfo.IsPastDue",
                "{\"ScheduleStatus\":[]} => TimerInfo.ScheduleStatus",
                "{\"ScheduleStatus\":{\"Last\":\"yesterday\"}} => TimerInfo.ScheduleStatus.Last",
                "{\"ScheduleStatus\":{\"Next\":\"2026-11-24T00:00:00\"}} => TimerInfo.ScheduleStatus.Next",
                "[1] => not a JSON object",
                "tick => not JSON"
            })
    void badShape_isRefusedNamingTheField(String timerInfo, String named) {
        assertThatThrownBy(() -> TimerTick.parse(timerInfo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named);
    }
}
