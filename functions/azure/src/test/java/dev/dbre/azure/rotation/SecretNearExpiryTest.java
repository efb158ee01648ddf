package dev.dbre.azure.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.azure.trigger.EventGridEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretNearExpiryTest {
    private static EventGridEvent event(String id, String type, String data) {
        return EventGridEvent.parse("{" + (id == null ? "" : "\"id\":\"" + id + "\",") + "\"eventType\":\"" + type
                + "\",\"data\":" + data + "}");
    }

    @Test
    void nearExpiryOfASecret_namesTheSecretAndTheVault() {
        SecretNearExpiry e = SecretNearExpiry.of(event(
                        "e-1",
                        SecretNearExpiry.TYPE,
                        "{\"ObjectType\":\"Secret\",\"ObjectName\":\"app-db\",\"VaultName\":\"dbre-kv\"}"))
                .orElseThrow();

        assertThat(e).isEqualTo(new SecretNearExpiry("e-1", "dbre-kv", "app-db"));
        e.requireVault("https://dbre-kv.vault.azure.net");
        e.requireVault("https://DBRE-KV.vault.azure.net");
        e.requireVault("https://127.0.0.1:8443"); // a local test vault has no name in its host
    }

    @Test
    void otherEventType_isNotANearExpiry() {
        assertThat(SecretNearExpiry.of(event("e-2", "Microsoft.KeyVault.SecretNewVersionCreated", "{}")))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "{\"ObjectType\":\"Key\",\"ObjectName\":\"k\",\"VaultName\":\"v\"} => data.ObjectType is Key",
                "{\"ObjectType\":\"Secret\",\"VaultName\":\"v\"} => data.ObjectName",
                "{\"ObjectType\":\"Secret\",\"ObjectName\":\"app-db\"} => data.VaultName",
            })
    void badData_isRefusedNamingTheField(String data, String named) {
        assertThatThrownBy(() -> SecretNearExpiry.of(event("e-3", SecretNearExpiry.TYPE, data)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named);
    }

    @Test
    void withoutAnId_isRefusedNamingIt() {
        assertThatThrownBy(() -> SecretNearExpiry.of(event(null, SecretNearExpiry.TYPE, "{}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no id");
    }

    @Test
    void eventAboutAnotherVault_isRefusedNamingBoth() {
        SecretNearExpiry e = new SecretNearExpiry("e-4", "dbre-kv", "app-db");

        assertThatThrownBy(() -> e.requireVault("https://other-kv.vault.azure.net"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dbre-kv")
                .hasMessageContaining("other-kv")
                .hasMessageContaining("DBRE_KEY_VAULT_URL");
    }
}
