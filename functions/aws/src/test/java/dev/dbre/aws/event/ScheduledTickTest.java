package dev.dbre.aws.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScheduledTickTest {
    private static final Path EVENTS = Path.of("../../events/aws");

    private static ScheduledTick decode(String json) {
        return ScheduledTick.decode(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static ScheduledTick decodeFile(String file) throws IOException {
        try (InputStream in = Files.newInputStream(EVENTS.resolve(file))) {
            return ScheduledTick.decode(in);
        }
    }

    @Test
    void schedulerInput_givesItsScheduledTimeAndDryRun() throws Exception {
        assertThat(decodeFile("scheduler-snapshot.json"))
                .isEqualTo(new ScheduledTick(Instant.parse("2026-11-23T23:00:00Z"), false));
        assertThat(decodeFile("scheduler-snapshot-dry-run.json").dryRun()).isTrue();
    }

    @Test
    void ruleScheduledEvent_givesItsTime() {
        ScheduledTick tick = decode("{\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\","
                + "\"time\":\"2026-11-23T22:00:00Z\",\"detail\":{}}");

        assertThat(tick).isEqualTo(new ScheduledTick(Instant.parse("2026-11-23T22:00:00Z"), false));
    }

    @Test
    void scheduledTime_winsOverTime() {
        assertThat(decode("{\"scheduledTime\":\"2026-11-23T23:00:00Z\",\"time\":\"2026-11-23T22:00:00Z\"}")
                        .scheduledTime())
                .isEqualTo(Instant.parse("2026-11-23T23:00:00Z"));
    }

    @Test
    void inputThatIsNotAJsonObject_isATickWithNeither_soTheScheduleStillRuns() {
        ScheduledTick none = new ScheduledTick(null, false);
        assertThat(decode("")).isEqualTo(none);
        assertThat(decode("run the snapshots")).isEqualTo(none);
        assertThat(decode("[1,2]")).isEqualTo(none);
        assertThat(decode("{\"scheduledTime\":null,\"other\":1}")).isEqualTo(none);
    }

    @Test
    void dryRunAsTheStringTrue_isADryRun() {
        assertThat(decode("{\"dryRun\":\"true\"}").dryRun()).isTrue();
    }

    @Test
    void malformedScheduledTime_isRefusedNamingTheField() {
        assertThatThrownBy(() -> decode("{\"scheduledTime\":\"23:00 tomorrow\"}"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("scheduledTime"))
                .hasMessageContaining("'scheduledTime'")
                .hasMessageContaining("23:00 tomorrow");
        assertThatThrownBy(() -> decode("{\"scheduledTime\":1764111600}"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("scheduledTime"))
                .hasMessageContaining("NUMBER");
    }

    @Test
    void malformedRuleTime_isRefusedNamingTheField() {
        assertThatThrownBy(() -> decode("{\"time\":\"yesterday\"}"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("time"));
    }

    @Test
    void dryRunThatIsNotABoolean_isRefusedNamingTheField_ratherThanReallySnapshotting() {
        assertThatThrownBy(() -> decode("{\"dryRun\":\"yes\"}"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("dryRun"))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> decode("{\"dryRun\":1}"))
                .isInstanceOfSatisfying(
                        BadEventException.class, e -> assertThat(e.field()).isEqualTo("dryRun"));
    }
}
