package dev.dbre.gcp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbTimeouts;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The Cloud SQL connector cannot be exercised without Google (it fetches an ephemeral certificate
 * from the Cloud SQL Admin API); these tests check the driver properties it is given, and that the
 * socket factory class those properties name is on the class path.
 */
class CloudSqlConnectorTest {
    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_CLOUD_SQL_INSTANCE", "dbre-prod:europe-west1:metrics");
        m.put("DBRE_DB_NAME", "metrics");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    @Test
    void iam_buildsTheSocketFactoryPropertiesWithIamAuth() {
        CloudSqlConnector c = CloudSqlConnector.fromEnv(env("DBRE_DB_USER", "dbre-ingest@dbre-prod.iam"));
        Properties p = c.properties();

        assertThat(c.auth()).isEqualTo(DbAuth.IAM);
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql:///metrics");
        assertThat(p)
                .containsEntry("socketFactory", "com.google.cloud.sql.postgres.SocketFactory")
                .containsEntry("cloudSqlInstance", "dbre-prod:europe-west1:metrics")
                .containsEntry("enableIamAuth", "true")
                .containsEntry("user", "dbre-ingest@dbre-prod.iam")
                .containsEntry("sslmode", "disable")
                .doesNotContainKey("password");
    }

    @Test
    void connectorLogins_boundEveryWait() {
        CloudSqlConnector c = CloudSqlConnector.fromEnv(env("DBRE_DB_USER", "dbre-ingest@dbre-prod.iam"));

        assertThat(c.properties(new DbTimeouts(2, 7, 3, 11)))
                .containsEntry("connectTimeout", "2")
                .containsEntry("loginTimeout", "2")
                .containsEntry("socketTimeout", "11")
                .containsEntry("options", "-c statement_timeout=7000 -c lock_timeout=3000");
        assertThat(c.properties())
                .containsEntry("socketTimeout", Integer.toString(DbTimeouts.DEFAULTS.socketSeconds()))
                .containsEntry("options", DbTimeouts.DEFAULTS.serverOptions());
    }

    @Test
    void theSocketFactoryNamedIsOnTheClassPath() throws Exception {
        Class<?> factory = Class.forName(CloudSqlConnector.SOCKET_FACTORY);

        assertThat(javax.net.SocketFactory.class).isAssignableFrom(factory);
    }

    @Test
    void secret_sendsNoIamFlagAndNeedsTheSecretId() {
        assertThatThrownBy(() -> CloudSqlConnector.fromEnv(env("DBRE_DB_AUTH", "secret")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SECRET_ID"));

        CloudSqlConnector c = CloudSqlConnector.fromEnv(
                env("DBRE_DB_AUTH", "secret", "DBRE_DB_SECRET_ID", "projects/dbre-prod/secrets/app-db"));
        assertThat(c.properties()).doesNotContainKey("enableIamAuth").doesNotContainKey("user");
    }

    @Test
    void ipTypes_arePassedOn() {
        CloudSqlConnector c =
                CloudSqlConnector.fromEnv(env("DBRE_DB_USER", "app@p.iam", "DBRE_CLOUD_SQL_IP_TYPES", "private, psc"));

        assertThat(c.properties()).containsEntry("ipTypes", "PRIVATE,PSC");
    }

    @Test
    void badConnectionName_isNamed() {
        assertThatThrownBy(
                        () -> CloudSqlConnector.fromEnv(env("DBRE_CLOUD_SQL_INSTANCE", "metrics", "DBRE_DB_USER", "a")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_CLOUD_SQL_INSTANCE"));
    }

    @Test
    void serviceAccountEmail_asIamUser_isRefusedWithTheRule() {
        assertThatThrownBy(() ->
                        CloudSqlConnector.fromEnv(env("DBRE_DB_USER", "dbre-ingest@dbre-prod.iam.gserviceaccount.com")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_USER"))
                .hasMessageContaining(".gserviceaccount.com");
    }

    @Test
    void authNone_isRefusedWithTheConnector() {
        assertThatThrownBy(() -> CloudSqlConnector.fromEnv(env("DBRE_DB_AUTH", "none")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_AUTH"));
    }

    @Test
    void unset_meansNoConnector() {
        assertThat(CloudSqlConnector.fromEnv(new Env(Map.of()))).isNull();
    }

    @Test
    void iam_buildsAConnectionFactoryWithoutContactingGoogle() {
        assertThat(connections(env("DBRE_DB_USER", "app@p.iam"), java.time.Clock.systemUTC())
                        .toString())
                .contains("jdbc:postgresql:///metrics");
    }

    /** The function's own connections, as a function builds them at start. */
    private static dev.dbre.db.PooledConnectionFactory connections(Env env, java.time.Clock clock) {
        return GcpConnections.pooled(GcpDatabaseConfig.fromEnv(env), clock);
    }
}
