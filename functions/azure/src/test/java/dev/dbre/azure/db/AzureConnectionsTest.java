package dev.dbre.azure.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.dbre.azure.ingest.AzureIngestRuntime;
import dev.dbre.azure.ingest.EventHubsIngestFunction;
import dev.dbre.azure.ingest.TestRuntimes;
import dev.dbre.azure.testing.AzureEvents;
import dev.dbre.azure.testing.SimpleExecutionContext;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.PooledConnectionFactory;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import dev.dbre.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    void twoEventHubsInvocations_reuseOnePhysicalConnection() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        EventHubsIngestFunction f = new EventHubsIngestFunction(TestRuntimes.forDatabase(db));
        AzureEvents.EventHubsInvocation batch = AzureEvents.eventHubs("eventhubs-batch.json");

        f.run(batch.events(), batch.systemProperties(), batch.partitionContext(), context("inv-1"));
        List<Integer> afterFirst = functionBackends(db);
        f.run(batch.events(), batch.systemProperties(), batch.partitionContext(), context("inv-2"));
        List<Integer> afterSecond = functionBackends(db);

        assertThat(afterFirst)
                .as("one connection stays open after the invocation")
                .hasSize(1);
        assertThat(afterSecond)
                .as("the second invocation used the same backend")
                .isEqualTo(afterFirst);
    }

    @Test
    void pooledEntraLogins_aNewPhysicalConnectionAsksForANewToken_aWarmOneDoesNot() throws Exception {
        String token = "entra-token-for-the-pool-test";
        String role = TlsPostgres.newRole(token);
        Map<String, String> env = new HashMap<>();
        env.put("DBRE_DB_HOST", "127.0.0.1");
        env.put("DBRE_DB_PORT", Integer.toString(TlsPostgres.server().port()));
        env.put("DBRE_DB_NAME", "postgres");
        env.put("DBRE_DB_USER", role);
        env.put("DBRE_DB_AUTH", "iam");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        env.put("DBRE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString());
        // Tokens that expire within the supplier's 5-minute margin: every login must ask again.
        AtomicInteger asked = new AtomicInteger();
        TokenCredential credential = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(TokenRequestContext request) {
                return Mono.just(getTokenSync(request));
            }

            @Override
            public AccessToken getTokenSync(TokenRequestContext request) {
                asked.incrementAndGet();
                return new AccessToken(token, OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1));
            }
        };

        try (PooledConnectionFactory pool =
                AzureConnections.fromEnv(new Env(env), Clock.systemUTC(), () -> credential)) {
            int first = backendPid(pool);
            assertThat(backendPid(pool)).isEqualTo(first);
            assertThat(asked).as("two invocations, one login").hasValue(1);

            try (Connection admin =
                            DriverManager.getConnection(TlsPostgres.server().jdbcUrl("postgres"), "postgres", "");
                    Statement s = admin.createStatement()) {
                s.execute("select pg_terminate_backend(" + first + ")");
            }
            Thread.sleep(700); // HikariCP checks a connection idle for over 500 ms before lending it
            assertThat(backendPid(pool)).isNotEqualTo(first);
            assertThat(asked)
                    .as("the new physical connection logged in with a new token")
                    .hasValue(2);
        }
    }

    private static SimpleExecutionContext context(String invocationId) {
        return new SimpleExecutionContext(invocationId, EventHubsIngestFunction.NAME);
    }

    private static int backendPid(PooledConnectionFactory pool) throws SQLException {
        try (Connection c = pool.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The backends of the functions' connections to {@code db} (not this query's own). */
    private static List<Integer> functionBackends(TestDatabase db) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pid from pg_stat_activity where datname = '" + db.name()
                        + "' and application_name = 'dbre-functions' and pid <> pg_backend_pid() order by pid")) {
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
        }
        return pids;
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
