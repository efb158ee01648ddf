package dev.dbre.azure.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.azure.testing.AzureEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventGridEventTest {
    private static String sample() throws Exception {
        return Files.readString(
                AzureEvents.eventsDir().resolve("keyvault-secret-near-expiry.json"), StandardCharsets.UTF_8);
    }

    @Test
    void eventGridSchema_givesIdTypeAndData() throws Exception {
        EventGridEvent e = EventGridEvent.parse(sample());

        assertThat(e.id()).contains("2b9c8c2b-6c3c-4b1e-9d0a-0f5c3a7e9b11");
        assertThat(e.type()).contains("Microsoft.KeyVault.SecretNearExpiry");
        assertThat(e.data("ObjectName")).contains("app-db");
        assertThat(e.requireData("VaultName")).isEqualTo("dbre-kv");
        assertThat(e.data("Missing")).isEmpty();
    }

    @Test
    void cloudEventsSchema_andTheWebhookArrayOfOne_areRead() {
        EventGridEvent e = EventGridEvent.parse("[{\"specversion\":\"1.0\",\"id\":\"ce-1\","
                + "\"type\":\"Microsoft.KeyVault.SecretNearExpiry\",\"data\":{\"ObjectName\":\"app-db\"}}]");

        assertThat(e.id()).contains("ce-1");
        assertThat(e.type()).contains("Microsoft.KeyVault.SecretNearExpiry");
        assertThat(e.data("ObjectName")).contains("app-db");
    }

    @Test
    void missingDataField_isRefusedNamingIt() {
        EventGridEvent e = EventGridEvent.parse("{\"id\":\"e-7\",\"eventType\":\"x\",\"data\":{\"ObjectName\":\"\"}}");

        assertThatThrownBy(() -> e.requireData("ObjectName"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("e-7")
                .hasMessageContaining("data.ObjectName");
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "not json => not JSON",
                "[{},{}] => not a JSON object",
                "42 => not a JSON object",
                "{\"id\":\"e\",\"data\":\"text\"} => data is not an object"
            })
    void badShape_isRefusedSayingWhat(String event, String message) {
        assertThatThrownBy(() -> EventGridEvent.parse(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
