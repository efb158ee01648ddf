package dev.dbre.gcp.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.GcpEvents;
import dev.dbre.gcp.testing.TestRuntimes;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestNotStoredException;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sends {@code events/gcp/pubsub-cloudevent.json} through the Pub/Sub function into PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PubSubIngestFunctionTest {
    private static final String SOURCE = "pubsub:projects/dbre-prod/topics/dbre-metrics";
    private static final String SUBSCRIPTION =
            "projects/dbre-prod/subscriptions/eventarc-europe-west1-dbre-ingest-pubsub-412";

    private TestDatabase db;
    private PubSubIngestFunction function;
    private ObjectNode sample;

    @BeforeEach
    void setUp() throws Exception {
        db = PostgresExtension.newDatabase();
        function = new PubSubIngestFunction(TestRuntimes.forDatabase(db));
        sample = (ObjectNode) GcpEvents.json("pubsub-cloudevent.json");
    }

    private ObjectNode message() {
        return (ObjectNode) sample.get("data").get("message");
    }

    @Test
    void sampleMessage_isStoredKeyedByTopicAndMessageId_withItsBadLineKept() throws Exception {
        function.accept(GcpEvents.cloudEvent(sample));

        assertThat(db.queryLong("select count(*) from ingest_records where source = '" + SOURCE
                        + "' and shard = '' and sequence = '11863428911432541'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from service_checks where name = 'orders.db' and status = 1"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects where line = 4 and reason = 'BAD_VALUE'"))
                .isEqualTo(1);
        // Points without a timestamp get the message's publishTime.
        assertThat(db.queryLong("select count(*) from metric_points where ts = '2026-11-23T10:00:00.512Z'"))
                .isEqualTo(2);
    }

    @Test
    void redeliveredMessage_storesNothingTwice() throws Exception {
        function.accept(GcpEvents.cloudEvent(sample));
        function.accept(GcpEvents.cloudEvent(sample));

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(1);
    }

    @Test
    void twoSubscriptionsOfOneTopicIntoOneDatabase_storeEachMessageOnce() throws Exception {
        function.accept(GcpEvents.cloudEvent(sample));
        ((ObjectNode) sample.get("data")).put("subscription", "projects/dbre-prod/subscriptions/audit");
        sample.put("id", "11863428911432541-audit"); // each push delivery is its own CloudEvent
        function.accept(GcpEvents.cloudEvent(sample));

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(1);
    }

    @Test
    void messageStoredUnderTheSubscriptionKeyOfAnEarlierRelease_isADuplicate() throws Exception {
        // Releases before schema V7 keyed by the subscription, which V7 cannot map to its topic.
        new IngestService(db.connections(), ParseLimits.DEFAULTS, TestRuntimes.CLOCK)
                .ingest(new IngestBatch(
                        "pubsub:" + SUBSCRIPTION,
                        PubSubMessages.of(GcpEvents.cloudEvent(sample), TestRuntimes.CLOCK)
                                .records()));
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);

        function.accept(GcpEvents.cloudEvent(sample)); // redelivered after the upgrade

        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
    }

    @Test
    void badBase64_isKeptAsBadRecord_andAcknowledged() throws Exception {
        message().put("data", "not*base64!");
        message().put("messageId", "m-bad");

        function.accept(GcpEvents.cloudEvent(sample)); // no exception: Pub/Sub acks it

        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where sequence = 'm-bad'"
                        + " and reason = 'BAD_RECORD' and raw = convert_to('not*base64!', 'UTF8')"))
                .isEqualTo(1);
    }

    @Test
    void jsonFormatAttribute_parsesTheDataAsJson() throws Exception {
        message().put("messageId", "m-json");
        message()
                .put(
                        "data",
                        Base64.getEncoder()
                                .encodeToString("{\"name\":\"q.depth\",\"value\":3,\"type\":\"g\"}"
                                        .getBytes(StandardCharsets.UTF_8)));
        ((ObjectNode) message().get("attributes")).put("content-type", "application/json");

        function.accept(GcpEvents.cloudEvent(sample));

        assertThat(db.queryLong("select count(*) from metric_points where name = 'q.depth' and value = 3"))
                .isEqualTo(1);
    }

    @Test
    void notAMessagePublishedData_isKeptByEventId_andAcknowledged() throws Exception {
        JsonNode id = sample.get("id");
        sample.put("data", "plain text, not the Pub/Sub envelope");

        function.accept(GcpEvents.cloudEvent(sample));

        assertThat(db.queryLong("select count(*) from ingest_rejects_by_source where sequence = '" + id.asText()
                        + "' and reason = 'BAD_RECORD'"))
                .isEqualTo(1);
    }

    @Test
    void databaseDown_throws_soPubSubRedelivers() throws Exception {
        PubSubIngestFunction down = new PubSubIngestFunction(TestRuntimes.forDatabaseDown());
        assertThatThrownBy(() -> down.accept(GcpEvents.cloudEvent(sample)))
                .isInstanceOf(IngestNotStoredException.class)
                .hasMessageContaining("11863428911432541")
                .hasMessageContaining("delivers it again");
    }

    @Test
    void messageTheDatabaseRefuses_isKeptAsBadRecord_andAcknowledged() throws Exception {
        // Today the message is redelivered until the subscription gives up on it.
        db.execute("alter table service_checks add constraint no_poison check (name <> 'orders.db')");

        function.accept(GcpEvents.cloudEvent(sample)); // no exception: Pub/Sub acks it

        assertThat(
                        db.queryLong(
                                "select count(*) from ingest_rejects where reason = 'BAD_RECORD'"
                                        + " and detail like '%23514%no_poison%' and convert_from(raw, 'UTF8') like 'orders.created:5|c%'"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from metric_points")).isZero();
    }

    @Test
    void faultThatIsNotTheMessages_throwsABugNotATransientFault() throws Exception {
        Map<String, String> settings =
                new HashMap<>(TestRuntimes.settings(db.server().port(), "postgres"));
        PubSubIngestFunction noSchema =
                new PubSubIngestFunction(IngestComponents.fromEnv(new Env(settings), TestRuntimes.CLOCK));

        assertThatThrownBy(() -> noSchema.accept(GcpEvents.cloudEvent(sample)))
                .isInstanceOf(IngestBugException.class)
                .hasMessageContaining("SQLSTATE 42P01")
                .hasMessageContaining("dead-letter");
    }
}
