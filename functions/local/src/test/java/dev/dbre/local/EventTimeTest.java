package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dbre.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The delivery time of each cloud's ingest event, read from the sample events as delivered. */
class EventTimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode sample(String cloud, String file) throws Exception {
        return JSON.readTree(
                InvokeCommandTest.EVENTS.resolve(cloud).resolve(file).toFile());
    }

    @Test
    void kinesis_isTheNewestRecordsApproximateArrival_withItsFraction() throws Exception {
        assertThat(EventTime.deliveredAt(sample("aws", "kinesis-batch.json")))
                .contains(Instant.parse("2023-11-14T22:13:23.123Z"));
    }

    @Test
    void apiGateway_isTheRequestContextsTimeEpoch() throws Exception {
        assertThat(EventTime.deliveredAt(sample("aws", "apigw-http-v2-text.json")))
                .contains(Instant.ofEpochMilli(1_700_000_100_000L));
    }

    @Test
    void eventHubs_isTheNewestEnqueuedTime() throws Exception {
        assertThat(EventTime.deliveredAt(sample("azure", "eventhubs-batch.json")))
                .contains(Instant.parse("2026-11-23T10:00:03.123Z"));
    }

    @Test
    void pubSub_isThePublishTime_inACloudEventOrABareMessage() throws Exception {
        JsonNode cloudEvent = sample("gcp", "pubsub-cloudevent.json");
        assertThat(EventTime.deliveredAt(cloudEvent)).contains(Instant.parse("2026-11-23T10:00:00.512Z"));
        assertThat(EventTime.deliveredAt(cloudEvent.get("data"))).contains(Instant.parse("2026-11-23T10:00:00.512Z"));
    }

    @Test
    void anHttpRequestWithoutATime_orAnUnreadableOne_hasNone() throws Exception {
        assertThat(EventTime.deliveredAt(sample("azure", "http-text.json"))).isEmpty();
        assertThat(EventTime.deliveredAt(sample("gcp", "http-text.json"))).isEmpty();
        assertThat(EventTime.deliveredAt(JSON.readTree("{\"message\":{\"publishTime\":\"last tuesday\"}}")))
                .isEmpty();
    }

    @Test
    void theReplayClock_startsAtTheDeliveryTime_andMovesWithTheWallClock() {
        MutableClock wall = new MutableClock(Instant.parse("2026-12-05T14:00:00Z"));
        Instant delivered = Instant.parse("2023-11-14T22:13:23.123Z");
        Clock replay = EventTime.startingAt(delivered, wall);
        assertThat(replay.instant()).isEqualTo(delivered);
        wall.advance(Duration.ofSeconds(90));
        assertThat(replay.instant()).isEqualTo(delivered.plusSeconds(90));
    }
}
