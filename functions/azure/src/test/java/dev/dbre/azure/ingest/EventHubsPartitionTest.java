package dev.dbre.azure.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventHubsPartitionTest {
    private static Map<String, Object> context() {
        Map<String, Object> c = new HashMap<>();
        c.put("FullyQualifiedNamespace", "dbre-prod.servicebus.windows.net");
        c.put("EventHubName", "metrics");
        c.put("ConsumerGroup", "$Default");
        c.put("PartitionId", "3");
        return c;
    }

    @Test
    void extension5Names_keyTheHub_andRememberTheConsumerGroupOfEarlierKeys() {
        EventHubsPartition p = EventHubsPartition.of(context(), Optional.empty());

        assertThat(p.partitionId()).isEqualTo("3");
        assertThat(p.source()).isEqualTo("eventhubs:dbre-prod.servicebus.windows.net/metrics");
        assertThat(p.sourceBeforeV7()).contains("eventhubs:dbre-prod.servicebus.windows.net/metrics/$Default");
    }

    @Test
    void extension4Names_withTheNamespaceFromSettings_areAccepted() {
        Map<String, Object> c = new HashMap<>();
        c.put("EventHubPath", "metrics");
        c.put("ConsumerGroupName", "audit");
        c.put("PartitionId", " 0 ");

        EventHubsPartition p = EventHubsPartition.of(c, Optional.of("ns.servicebus.windows.net"));

        assertThat(p)
                .isEqualTo(new EventHubsPartition("ns.servicebus.windows.net", "metrics", Optional.of("audit"), "0"));
    }

    @Test
    void noContext_isRefused() {
        assertThatThrownBy(() -> EventHubsPartition.of(null, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PartitionContext");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FullyQualifiedNamespace", "EventHubName", "PartitionId"})
    void missingOrBlankField_isRefusedNamingIt(String field) {
        Map<String, Object> c = context();
        c.put(field, "  ");

        assertThatThrownBy(() -> EventHubsPartition.of(c, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PartitionContext has no " + field);
    }

    @Test
    void noNamespaceAnywhere_namesTheSettingToSet() {
        Map<String, Object> c = context();
        c.remove("FullyQualifiedNamespace");

        assertThatThrownBy(() -> EventHubsPartition.of(c, Optional.empty()))
                .hasMessageContaining("DBRE_EVENTHUB_NAMESPACE");
    }
}
