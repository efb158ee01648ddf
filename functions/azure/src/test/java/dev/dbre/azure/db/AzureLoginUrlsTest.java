package dev.dbre.azure.db;

import static dev.dbre.testing.DriverView.effective;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import dev.dbre.azure.backup.RestoredServerLogin;
import dev.dbre.azure.ingest.TestRuntimes;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProgress;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.DriverView;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import reactor.core.publisher.Mono;

/**
 * Every Azure login, parsed as PgJDBC parses it: the Entra token or the Key Vault password over
 * verify-full with the Java trust store, for the function's own database and for a restored server.
 * A database name that tries to add URL parameters is refused at start, and in a restored server's
 * URL it stays a name.
 */
class AzureLoginUrlsTest {
    private static final String FQDN = "orders-drill.postgres.database.azure.com";
    private static final RestoreProgress AVAILABLE =
            new RestoreProgress(RestoreProgress.State.AVAILABLE, FQDN, 5432, "Ready");
    private static final TokenCredential ENTRA = new TokenCredential() {
        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            return Mono.just(getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(TokenRequestContext request) {
            return new AccessToken("entra-token-for-" + String.join(",", request.getScopes()), OffsetDateTime.MAX);
        }
    };

    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_DB_HOST", "metrics.postgres.database.azure.com");
        m.put("DBRE_DB_USER", "dbre-func");
        m.put("DBRE_DB_NAME", "metrics");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void ownDatabase_hostileDbreDbName_isRefusedAtStart(String name) {
        assertThatThrownBy(() -> AzureConnections.fromEnv(env("DBRE_DB_NAME", name), TestRuntimes.CLOCK))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"));
    }

    @Test
    void ownDatabase_iam_urlAddsNothingToTheDriverProperties() {
        // The Entra credential is the platform's (DefaultAzureCredential): its token is not asked
        // for here; the restored-server test below shows the token in the properties.
        ConnectionFactory f = AzureConnections.fromEnv(env(), TestRuntimes.CLOCK);

        assertThat(effective(DriverView.target(f).url(), new Properties()))
                .containsOnlyKeys("PGHOST", "PGPORT", "PGDBNAME")
                .containsEntry("PGDBNAME", "metrics");
    }

    @Test
    void ownDatabase_none_usesTheJavaTrustStore() throws Exception {
        ConnectionFactory f = AzureConnections.fromEnv(
                env("DBRE_DB_AUTH", "none", "DBRE_DB_SSLMODE", "verify-full"), TestRuntimes.CLOCK);

        assertThat(effective(f))
                .containsEntry("PGDBNAME", "metrics")
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
                .containsEntry("user", "dbre-func")
                .doesNotContainKeys("password", "socketFactory", "cloudSqlInstance");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void restoredServer_entra_hostileName_staysAName_andTheTokenGoesOverVerifyFull(String name) throws Exception {
        RestoredServerLogin login = new RestoredServerLogin(
                new RestoredDbLogin("dbre-verify", DbAuth.IAM, "verify-full", DbSettings.SYSTEM_ROOTS),
                () -> ENTRA,
                () -> {
                    throw new AssertionError("no secret store with iam");
                },
                TestRuntimes.CLOCK);

        assertThat(effective(login.connect("orders-drill", AVAILABLE, name)))
                .containsEntry("PGHOST", FQDN)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
                .containsEntry("user", "dbre-verify")
                .containsEntry("password", "entra-token-for-https://ossrdbms-aad.database.windows.net/.default")
                .doesNotContainKeys("sslrootcert", "socketFactory", "cloudSqlInstance");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void restoredServer_keyVaultSecret_hostileName_staysAName_andThePasswordGoesOverVerifyFull(String name)
            throws Exception {
        MemorySecretStore vault = new MemorySecretStore();
        vault.create("orders-app", "{\"username\":\"app\",\"password\":\"source-password\"}", true);
        RestoredServerLogin login = new RestoredServerLogin(
                new RestoredDbLogin(null, DbAuth.SECRET, "orders-app", "verify-full", DbSettings.SYSTEM_ROOTS),
                () -> {
                    throw new AssertionError("no Entra credential with secret");
                },
                () -> vault,
                TestRuntimes.CLOCK);

        assertThat(effective(login.connect("orders-drill", AVAILABLE, name)))
                .containsEntry("PGHOST", FQDN)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
                .containsEntry("user", "app")
                .containsEntry("password", "source-password")
                .doesNotContainKeys("socketFactory", "cloudSqlInstance");
    }
}
