package dev.dbre.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class AzureConnectionsTest {
    @Test
    void secretAuth_withoutVaultUrl_failsNamingIt() {
        Map<String, String> env = new HashMap<>(TestRuntimes.settings(5432, "dbre"));
        env.put("DBRE_DB_AUTH", "secret");
        env.put("DBRE_DB_SECRET_ID", "app-db");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        assertThatThrownBy(() -> AzureIngestRuntime.fromEnv(new Env(env), TestRuntimes.CLOCK))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_KEY_VAULT_URL"));
    }

    @Test
    void secretAuth_plainHttpVault_isRefusedNamingIt() {
        Map<String, String> env = new HashMap<>(TestRuntimes.settings(5432, "dbre"));
        env.put("DBRE_DB_AUTH", "secret");
        env.put("DBRE_DB_SECRET_ID", "app-db");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        env.put("DBRE_KEY_VAULT_URL", "http://kv.vault.azure.net");
        assertThatThrownBy(() -> AzureIngestRuntime.fromEnv(new Env(env), TestRuntimes.CLOCK))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_KEY_VAULT_URL"));
    }

    @Test
    void iamAuth_buildsWithoutContactingEntra() {
        // DefaultAzureCredential asks for a token only when a connection is opened.
        Map<String, String> env = new HashMap<>(TestRuntimes.settings(5432, "dbre"));
        env.put("DBRE_DB_AUTH", "iam");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        assertThat(AzureIngestRuntime.fromEnv(new Env(env), TestRuntimes.CLOCK)).isNotNull();
    }

    /** A credential (the SDK's interface) that counts requests and hands out numbered tokens. */
    private static final class CountingCredential implements TokenCredential {
        final AtomicInteger calls = new AtomicInteger();
        final List<String> scopes = new ArrayList<>();
        final Duration lifetime;
        final Clock clock;

        CountingCredential(Duration lifetime, Clock clock) {
            this.lifetime = lifetime;
            this.clock = clock;
        }

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.just(getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            scopes.addAll(request.getScopes());
            return new AccessToken(
                    "token-" + calls.incrementAndGet(),
                    OffsetDateTime.ofInstant(clock.instant().plus(lifetime), ZoneOffset.UTC));
        }
    }

    @Test
    void entraToken_isCachedUntilFiveMinutesBeforeExpiry_forThePostgresScope() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
        CountingCredential credential = new CountingCredential(Duration.ofMinutes(60), clock);
        EntraTokenSupplier tokens = new EntraTokenSupplier(credential, clock);

        assertThat(tokens.get()).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(54));
        assertThat(tokens.get()).isEqualTo("token-1");
        clock.advance(Duration.ofMinutes(2)); // 4 minutes left: refresh
        assertThat(tokens.get()).isEqualTo("token-2");
        assertThat(credential.scopes).containsOnly("https://ossrdbms-aad.database.windows.net/.default");
        assertThat(tokens.toString()).doesNotContain("token-");
    }

    @Test
    void entraFailure_isReportedWithTheScope() {
        TokenCredential broken = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.error(new IllegalStateException("no managed identity"));
            }

            @Override
            public AccessToken getTokenSync(TokenRequestContext request) {
                throw new IllegalStateException("no managed identity");
            }
        };
        assertThatThrownBy(() -> new EntraTokenSupplier(broken, TestRuntimes.CLOCK).get())
                .hasMessageContaining("ossrdbms-aad")
                .hasRootCauseMessage("no managed identity");
    }
}
