package dev.dbre.azure.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.SecretMetadata;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * events/azure/keyvault-secret-near-expiry.json through the function, against the Key Vault fake
 * (real SDK over TLS) and a PostgreSQL with TLS and password checks.
 */
class KeyVaultRotationFunctionTest {
    private static final Path EVENT = Path.of("../../events/azure/keyvault-secret-near-expiry.json");
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutionContext CONTEXT = new ExecutionContext() {
        @Override
        public Logger getLogger() {
            return Logger.getLogger("test");
        }

        @Override
        public String getInvocationId() {
            return "inv-1";
        }

        @Override
        public String getFunctionName() {
            return KeyVaultRotationFunction.NAME;
        }
    };

    private FakeKeyVault vault;
    private String role;
    private KeyVaultRotationFunction function;

    @BeforeEach
    void setUp() throws Exception {
        vault = new FakeKeyVault();
        role = TlsPostgres.newRole("first-password-0001");
        vault.create(
                "app-db",
                secret("first-password-0001"),
                NOW.plus(Duration.ofDays(20)).getEpochSecond());
        KeyVaultSecretStore store =
                new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
        function = new KeyVaultRotationFunction(KeyVaultRotationRuntime.fromEnv(env(vault.vaultUrl()), store));
    }

    @AfterEach
    void tearDown() {
        vault.close();
    }

    private static Env env(String vaultUrl) {
        return new Env(Map.of(
                "DBRE_KEY_VAULT_URL",
                vaultUrl,
                "DBRE_DB_SSLROOTCERT",
                TlsPostgres.rootCert().toString()));
    }

    private String secret(String password) {
        return TlsPostgres.secretJson(role, password);
    }

    private boolean logsIn(String password) {
        return TlsPostgres.logsIn(role, password);
    }

    private FakeKeyVault.Version newest() {
        var versions = vault.versions("app-db");
        return versions.get(versions.size() - 1);
    }

    @Test
    void nearExpiryEvent_rotatesThePasswordAndTheNewVersionExpiresLater() throws Exception {
        function.run(Files.readString(EVENT), CONTEXT);

        FakeKeyVault.Version current = newest();
        assertThat(vault.versions("app-db")).hasSize(2);
        assertThat(current.tags.get(KeyVaultSecretStore.STAGE_TAG)).isEqualTo(SecretMetadata.CURRENT);
        assertThat(vault.versions("app-db").get(0).tags.get(KeyVaultSecretStore.STAGE_TAG))
                .isEqualTo(SecretMetadata.PREVIOUS);
        assertThat(current.exp).isEqualTo(NOW.plus(Duration.ofDays(90)).getEpochSecond());
        String password = JSON.readTree(current.value).get("password").asText();
        assertThat(logsIn(password)).isTrue();
        assertThat(logsIn("first-password-0001")).isFalse();
    }

    @Test
    void withTheProductsDatabase_eachStepIsRecordedInRotationRuns() throws Exception {
        TestDatabase product = PostgresExtension.newDatabase();
        Env env = env(vault.vaultUrl())
                .with("DBRE_DB_HOST", "127.0.0.1")
                .with("DBRE_DB_PORT", Integer.toString(product.server().port()))
                .with("DBRE_DB_NAME", product.name())
                .with("DBRE_DB_USER", "postgres")
                .with("DBRE_DB_AUTH", "none")
                .with("DBRE_DB_SSLMODE", "disable");
        KeyVaultSecretStore store =
                new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
        KeyVaultRotationFunction recording = new KeyVaultRotationFunction(KeyVaultRotationRuntime.fromEnv(env, store));

        recording.run(Files.readString(EVENT), CONTEXT);

        String password = JSON.readTree(newest().value).get("password").asText();
        assertThat(logsIn(password)).isTrue();
        assertThat(product.queryLong("select count(*) from rotation_runs where outcome = 'COMPLETED'"
                        + " and cloud = 'azure' and function_name = 'rotate-keyvault'"))
                .isEqualTo(4);
        assertThat(product.queryLong("select count(*) from rotation_runs r where strpos(row_to_json(r)::text, '"
                        + password.replace("'", "''") + "') > 0"))
                .isZero();
    }

    @Test
    void sameEventDeliveredTwice_rotatesOnce() throws Exception {
        function.run(Files.readString(EVENT), CONTEXT);
        String password = JSON.readTree(newest().value).get("password").asText();

        function.run(Files.readString(EVENT), CONTEXT);

        assertThat(vault.versions("app-db")).hasSize(2);
        assertThat(logsIn(password)).isTrue();
    }

    @Test
    void otherEventType_isIgnored() throws Exception {
        String created = Files.readString(EVENT)
                .replace("Microsoft.KeyVault.SecretNearExpiry", "Microsoft.KeyVault.SecretNewVersionCreated");

        function.run(created, CONTEXT);

        assertThat(vault.versions("app-db")).hasSize(1);
    }

    @Test
    void eventForAnotherVault_isRefusedNamingBoth() throws Exception {
        KeyVaultSecretStore store =
                new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.fixed(NOW, ZoneOffset.UTC));
        var other = new KeyVaultRotationFunction(
                KeyVaultRotationRuntime.fromEnv(env("https://other-kv.vault.azure.net"), store));

        assertThatThrownBy(() -> other.run(Files.readString(EVENT), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dbre-kv")
                .hasMessageContaining("other-kv");
        assertThat(vault.versions("app-db")).hasSize(1);
    }

    @Test
    void notJson_isRefused() {
        assertThatThrownBy(() -> function.run("not json", CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void missingVaultUrl_failsAtStartNamingIt() {
        assertThatThrownBy(() -> KeyVaultRotationRuntime.fromEnv(new Env(Map.of()), null))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_KEY_VAULT_URL"));
    }
}
