package dev.dbre.gcp.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.gcp.testing.GcpEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Cloud Scheduler ticks through Pub/Sub, from events/gcp/scheduler-snapshot-pubsub.json. */
class ScheduledTickTest {
    private static ObjectNode withBody(String body) throws Exception {
        ObjectNode ce = (ObjectNode) GcpEvents.json("scheduler-snapshot-pubsub.json");
        ((ObjectNode) ce.path("data").path("message"))
                .put("data", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        return ce;
    }

    @Test
    void sample_isScheduledAtItsPublishTime_andNotDry() throws Exception {
        ScheduledTick tick = ScheduledTick.of(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")));

        assertThat(tick).isEqualTo(new ScheduledTick(Instant.parse("2026-11-23T23:00:00.204Z"), false, null));
    }

    @Test
    void dryRunTrue_asksForADryRun() throws Exception {
        assertThat(ScheduledTick.of(GcpEvents.cloudEvent(withBody("{\"dryRun\": true}")))
                        .dryRun())
                .isTrue();
    }

    @Test
    void dryRunThatIsNotABoolean_isRefusedNamingIt_ratherThanRunForReal() throws Exception {
        CloudEvent event = GcpEvents.cloudEvent(withBody("{\"dryRun\": \"yes\"}"));

        assertThatThrownBy(() -> ScheduledTick.of(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message.data.dryRun must be true or false, was \"yes\"");
    }

    @Test
    void otherBodies_areIgnoredWithTheReason() throws Exception {
        ScheduledTick text = ScheduledTick.of(GcpEvents.cloudEvent(withBody("run the snapshots")));
        ScheduledTick array = ScheduledTick.of(GcpEvents.cloudEvent(withBody("[true]")));

        assertThat(text.dryRun()).isFalse();
        assertThat(text.ignoredBody()).startsWith("message.data is not JSON");
        assertThat(array.dryRun()).isFalse();
        assertThat(array.ignoredBody()).isEqualTo("message.data is not a JSON object");
    }

    @Test
    void withoutPublishTime_theEventTimeFixesTheSlot() throws Exception {
        ObjectNode ce = (ObjectNode) GcpEvents.json("scheduler-snapshot-pubsub.json");
        ((ObjectNode) ce.path("data").path("message")).remove(java.util.List.of("publishTime", "publish_time"));
        ce.put("time", "2026-11-23T23:00:07Z");

        assertThat(ScheduledTick.of(GcpEvents.cloudEvent(ce)).scheduledTime())
                .isEqualTo(Instant.parse("2026-11-23T23:00:07Z"));
    }

    @Test
    void notAPubSubMessage_isRefusedNamingWhatIsMissing() throws Exception {
        CloudEvent event = CloudEventBuilder.v1(GcpEvents.cloudEvent(GcpEvents.json("scheduler-snapshot-pubsub.json")))
                .withData("application/json", "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8))
                .build();

        assertThatThrownBy(() -> ScheduledTick.of(event)).hasMessageContaining("no message object");
    }
}
