package dev.dbre.azure.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.dbre.azure.ingest.TestRuntimes;
import dev.dbre.azure.rotation.KeyVaultConfig;
import dev.dbre.azure.rotation.KeyVaultSecretStore;
import dev.dbre.config.ConfigException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** What Azure lends the shared connection factory: each login asks for its cloud client only when picked. */
class AzureLoginTest {
    private final List<String> scopes = new ArrayList<>();
    private final TokenCredential entra = new TokenCredential() {
        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.just(getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            scopes.addAll(request.getScopes());
            return new AccessToken("entra-token", OffsetDateTime.MAX);
        }
    };

    @Test
    void iam_tokensForThePostgresAudience_askedOnlyWhenALoginNeedsOne() {
        AzureLogin login = new AzureLogin(Optional.empty(), () -> entra, TestRuntimes.CLOCK);

        var tokens = login.iamTokens(null);
        assertThat(scopes).isEmpty();
        assertThat(tokens.get()).isEqualTo("entra-token");
        assertThat(scopes).containsExactly(EntraTokenSupplier.SCOPE);
    }

    @Test
    void secret_isTheKeyVaultStoreOfTheConfiguredVault() {
        AzureLogin login = new AzureLogin(
                Optional.of(new KeyVaultConfig("https://dbre-kv.vault.azure.net", Duration.ofDays(90))),
                () -> entra,
                TestRuntimes.CLOCK);

        assertThat(login.secrets()).isInstanceOf(KeyVaultSecretStore.class);
        assertThat(scopes).as("building the store asks Entra for nothing").isEmpty();
    }

    @Test
    void secret_withoutAVault_namesTheSettingToSet() {
        AzureLogin login = new AzureLogin(
                Optional.empty(),
                () -> {
                    throw new AssertionError("no credential without a vault");
                },
                TestRuntimes.CLOCK);

        assertThatThrownBy(login::secrets)
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_KEY_VAULT_URL"));
    }
}
