package dev.dbre.gcp.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.gcp.testing.GcpEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Pub/Sub envelope every Pub/Sub-triggered function reads, from the samples in events/gcp/. */
class PubSubEnvelopeTest {
    private static ObjectNode sample() throws Exception {
        return (ObjectNode) GcpEvents.json("pubsub-cloudevent.json");
    }

    private static ObjectNode message(ObjectNode ce) {
        return (ObjectNode) ce.path("data").path("message");
    }

    @Test
    void sample_decodesIdTimeBodyAttributesAndSubscription() throws Exception {
        PubSubEnvelope m = PubSubEnvelope.decode(GcpEvents.cloudEvent(sample()));

        assertThat(m.messageId()).isEqualTo("11863428911432541");
        assertThat(m.publishTime()).isEqualTo(Instant.parse("2026-11-23T10:00:00.512Z"));
        assertThat(new String(m.payload(), StandardCharsets.UTF_8)).contains("orders.created:5|c");
        assertThat(m.subscription()).startsWith("projects/dbre-prod/subscriptions/");
        assertThat(m.attributes()).isNotNull();
    }

    @Test
    void snakeCaseSpellings_ofTheLegacyConversion_areRead() throws Exception {
        ObjectNode ce = sample();
        message(ce).remove("messageId");
        message(ce).remove("publishTime");
        message(ce).put("message_id", "legacy-1");
        message(ce).put("publish_time", "2026-11-23T10:00:01Z");

        PubSubEnvelope m = PubSubEnvelope.decode(GcpEvents.cloudEvent(ce));

        assertThat(m.messageId()).isEqualTo("legacy-1");
        assertThat(m.publishTime()).isEqualTo(Instant.parse("2026-11-23T10:00:01Z"));
    }

    @Test
    void attributesOnly_hasNoBody_andTheEventIdStandsForAMissingMessageId() throws Exception {
        ObjectNode ce = sample();
        message(ce).remove("data");
        message(ce).remove("messageId");
        message(ce).remove("message_id");
        message(ce).remove("publishTime");
        message(ce).remove("publish_time");

        PubSubEnvelope m = PubSubEnvelope.decode(GcpEvents.cloudEvent(ce));

        assertThat(m.data()).isNull();
        assertThat(m.payload()).isEmpty();
        assertThat(m.messageId()).isEqualTo(ce.get("id").asText());
        assertThat(m.publishTime()).isNull();
    }

    @Test
    void dataWithoutAMessageObject_isRefused() throws Exception {
        ObjectNode ce = sample();
        ce.put("data", "plain text"); // a JSON string: JSON, but no message object
        CloudEvent event = GcpEvents.cloudEvent(ce);

        assertThatThrownBy(() -> PubSubEnvelope.decode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the CloudEvent data is not a Pub/Sub MessagePublishedData (no message object)");
    }

    @Test
    void dataThatIsNotJson_isRefused() throws Exception {
        CloudEvent event = CloudEventBuilder.v1(GcpEvents.cloudEvent(sample()))
                .withData("application/json", "{not json".getBytes(StandardCharsets.UTF_8))
                .build();

        assertThatThrownBy(() -> PubSubEnvelope.decode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MessagePublishedData (the data is not JSON)");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "messageId   | 42                | message.messageId is not a string",
                "publishTime | \"yesterday\"     | message.publishTime is not an RFC 3339 time",
                "publishTime | true              | message.publishTime is not a string",
                "data        | {\"a\":1}         | message.data is not a string",
                "attributes  | [\"a\"]           | message.attributes is not an object",
                "attributes  | {\"format\":1}    | message.attributes.format is not a string",
            })
    void badShape_isRefusedNamingTheField(String field, String json, String error) throws Exception {
        ObjectNode ce = sample();
        message(ce)
                .remove(field.equals("messageId") ? "message_id" : field.equals("publishTime") ? "publish_time" : "");
        message(ce).set(field, GcpEvents.JSON.readTree(json));
        CloudEvent event = GcpEvents.cloudEvent(ce);

        assertThatThrownBy(() -> PubSubEnvelope.decode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(error);
    }

    @Test
    void subscriptionThatIsNotAString_isRefusedNamingIt() throws Exception {
        ObjectNode ce = sample();
        ((ObjectNode) ce.get("data")).put("subscription", 7);
        CloudEvent event = GcpEvents.cloudEvent(ce);

        assertThatThrownBy(() -> PubSubEnvelope.decode(event)).hasMessage("subscription is not a string");
    }

    @Test
    void bodyThatIsNotBase64_isRefusedNamingTheField_whenRead() throws Exception {
        ObjectNode ce = sample();
        message(ce).put("data", "not*base64!");
        PubSubEnvelope m = PubSubEnvelope.decode(GcpEvents.cloudEvent(ce));

        assertThat(m.data()).isEqualTo("not*base64!");
        assertThatThrownBy(m::payload)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("message.data is not valid base64");
    }
}
