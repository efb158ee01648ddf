package dev.dbre.azure.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.AzureEvents.EventHubsInvocation;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventHubsBatchTest {
    @Test
    void sampleEvents_keyedByHubPartitionAndSequence_arrivingAtEnqueuedTime() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        IngestBatch batch =
                EventHubsBatch.of(in.events(), in.systemProperties(), in.partitionContext(), null, TestRuntimes.CLOCK);

        // The hub, not the consumer group: two readers of the hub share the keys.
        assertThat(batch.source()).isEqualTo("eventhubs:dbre-prod.servicebus.windows.net/metrics");
        // The key releases before schema V7 used, still recognised as stored.
        assertThat(batch.previousSources())
                .containsExactly("eventhubs:dbre-prod.servicebus.windows.net/metrics/$Default");
        assertThat(batch.records()).hasSize(4);
        SourceRecord first = batch.records().get(0);
        assertThat(first.shard()).isEqualTo("3");
        assertThat(first.sequence()).isEqualTo("4100");
        assertThat(first.arrival()).isEqualTo(Instant.parse("2026-11-23T10:00:00.120Z"));
        assertThat(first.format()).isEqualTo(PayloadFormat.AUTO);
        assertThat(batch.records().get(3).sequence()).isEqualTo("4103");
    }

    @Test
    void olderExtensionNames_andNamespaceFromSettings_areAccepted() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        Map<String, Object> v4 = Map.of("EventHubPath", "metrics", "ConsumerGroupName", "ingest", "PartitionId", "0");
        in.systemProperties()[0].EnqueuedTimeUtc = "2026-11-23T10:00:00.5"; // no zone: UTC
        IngestBatch batch = EventHubsBatch.of(in.events(), in.systemProperties(), v4, "ns1", TestRuntimes.CLOCK);
        assertThat(batch.source()).isEqualTo("eventhubs:ns1/metrics");
        assertThat(batch.previousSources()).containsExactly("eventhubs:ns1/metrics/ingest");
        assertThat(batch.records().get(0).arrival()).isEqualTo(Instant.parse("2026-11-23T10:00:00.500Z"));
    }

    @Test
    void noNamespaceAnywhere_isRefusedNamingTheSetting() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        Map<String, Object> v4 = Map.of("EventHubPath", "metrics", "ConsumerGroupName", "ingest", "PartitionId", "0");
        assertThatThrownBy(() -> EventHubsBatch.of(in.events(), in.systemProperties(), v4, null, TestRuntimes.CLOCK))
                .hasMessageContaining("DBRE_EVENTHUB_NAMESPACE");
    }

    @Test
    void noConsumerGroup_stillKeysTheEvents() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        Map<String, Object> context = new HashMap<>(in.partitionContext());
        context.remove("ConsumerGroup");
        IngestBatch batch = EventHubsBatch.of(in.events(), in.systemProperties(), context, null, TestRuntimes.CLOCK);
        assertThat(batch.source()).isEqualTo("eventhubs:dbre-prod.servicebus.windows.net/metrics");
        assertThat(batch.previousSources()).isEmpty();
    }

    @Test
    void mismatchedMetadata_isRefused() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        List<byte[]> fewer = new ArrayList<>(in.events().subList(0, 3));
        assertThatThrownBy(() -> EventHubsBatch.of(
                        fewer, in.systemProperties(), in.partitionContext(), null, TestRuntimes.CLOCK))
                .hasMessageContaining("SystemPropertiesArray has 4 entries for 3 events");
    }

    @Test
    void eventWithoutBody_isKeptAsUndecodable() throws Exception {
        EventHubsInvocation in = AzureEvents.eventHubs("eventhubs-batch.json");
        List<byte[]> bodies = new ArrayList<>(in.events());
        bodies.set(2, null);
        IngestBatch batch =
                EventHubsBatch.of(bodies, in.systemProperties(), in.partitionContext(), null, TestRuntimes.CLOCK);
        assertThat(batch.records().get(2).decodeError()).isEqualTo("the event has no body");
    }
}
