package dev.dbre.gcp.db;

import static dev.dbre.testing.DriverView.effective;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.backup.CloudSqlCloneLogin;
import dev.dbre.port.RestoreProgress;
import dev.dbre.rotation.MemorySecretStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every Google Cloud login, parsed as PgJDBC parses it: through the Cloud SQL connector (IAM or a
 * Secret Manager password; the socket factory and the instance come from the settings) or straight
 * over PgJDBC's TLS, for the function's own database and for a clone. A database name that tries to
 * add URL parameters ({@code cloudSqlInstance=}, {@code socketFactory=}, {@code sslmode=}) is refused
 * at start, and in a clone's URL it stays a name.
 */
class GcpLoginUrlsTest {
    private static final String OWN = "dbre-prod:europe-west1:metrics";
    private static final String CLONE = "dbre-prod:europe-west1:orders-drill-20261123";
    private static final String SOCKET_FACTORY = "com.google.cloud.sql.postgres.SocketFactory";
    private static final String ROOT_PEM = Path.of("../../shared/src/test/resources/tls/localhost.pem")
            .toAbsolutePath()
            .normalize()
            .toString();
    private static final RestoreProgress AVAILABLE =
            new RestoreProgress(RestoreProgress.State.AVAILABLE, "10.20.0.9", 5432, "RUNNABLE");

    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_DB_NAME", "metrics");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    private static MemorySecretStore secret(String id, String user, String password) {
        MemorySecretStore store = new MemorySecretStore();
        store.create(id, "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}", true);
        return store;
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void ownDatabase_hostileDbreDbName_isRefusedAtStart_throughTheConnectorOrNot(String name) {
        assertThatThrownBy(() -> connections(
                        env("DBRE_DB_NAME", name, "DBRE_CLOUD_SQL_INSTANCE", OWN, "DBRE_DB_USER", "dbre@p.iam"),
                        Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"));
        assertThatThrownBy(() -> connections(
                        env("DBRE_DB_NAME", name, "DBRE_DB_HOST", "10.0.0.3", "DBRE_DB_AUTH", "none"),
                        Clock.systemUTC()))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"));
    }

    @Test
    void ownDatabase_connectorIam_socketFactoryAndInstanceFromTheSettings() throws Exception {
        assertThat(effective(connections(
                        env("DBRE_CLOUD_SQL_INSTANCE", OWN, "DBRE_DB_USER", "dbre-ingest@dbre-prod.iam"),
                        Clock.systemUTC())))
                .containsEntry("PGDBNAME", "metrics")
                .containsEntry("socketFactory", SOCKET_FACTORY)
                .containsEntry("cloudSqlInstance", OWN)
                .containsEntry("enableIamAuth", "true")
                .containsEntry("sslmode", "disable") // the connector's socket is TLS itself
                .containsEntry("user", "dbre-ingest@dbre-prod.iam")
                .doesNotContainKeys("password", "sslfactory");
    }

    @Test
    void ownDatabase_connectorSecret_passwordFromSecretManager() throws Exception {
        CloudSqlConnector connector = CloudSqlConnector.fromEnv(env(
                "DBRE_CLOUD_SQL_INSTANCE", OWN,
                "DBRE_DB_AUTH", "secret",
                "DBRE_DB_SECRET_ID", "projects/dbre-prod/secrets/app-db"));

        assertThat(effective(connector.connectionFactory(
                        () -> secret("projects/dbre-prod/secrets/app-db", "app", "from-secret-manager"))))
                .containsEntry("PGDBNAME", "metrics")
                .containsEntry("socketFactory", SOCKET_FACTORY)
                .containsEntry("cloudSqlInstance", OWN)
                .containsEntry("user", "app")
                .containsEntry("password", "from-secret-manager")
                .doesNotContainKeys("enableIamAuth", "sslfactory");
    }

    @Test
    void ownDatabase_directTls_verifyFullWithTheInstancesCa() throws Exception {
        assertThat(effective(connections(
                        env(
                                "DBRE_DB_HOST", "10.0.0.3",
                                "DBRE_DB_AUTH", "none",
                                "DBRE_DB_USER", "verifier",
                                "DBRE_DB_SSLROOTCERT", ROOT_PEM),
                        Clock.systemUTC())))
                .containsEntry("PGHOST", "10.0.0.3")
                .containsEntry("PGDBNAME", "metrics")
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ROOT_PEM)
                .doesNotContainKeys("password", "socketFactory", "cloudSqlInstance", "sslfactory");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void clone_connectorIam_hostileName_staysAName_andTheInstanceIsTheClone(String name) throws Exception {
        CloudSqlCloneLogin login =
                CloudSqlCloneLogin.fromEnv(env("DBRE_RESTORE_DB_USER", "dbre-drill@dbre-prod.iam"), () -> {
                    throw new AssertionError("no secret store with iam");
                });

        assertThat(effective(login.connect("orders-drill-20261123", CLONE, AVAILABLE, name)))
                .containsEntry("PGDBNAME", name)
                .containsEntry("socketFactory", SOCKET_FACTORY)
                .containsEntry("cloudSqlInstance", CLONE)
                .containsEntry("enableIamAuth", "true")
                .containsEntry("user", "dbre-drill@dbre-prod.iam")
                .doesNotContainKeys("password", "sslfactory");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void clone_connectorSecret_hostileName_staysAName_andThePasswordIsTheSecrets(String name) throws Exception {
        CloudSqlCloneLogin login = CloudSqlCloneLogin.fromEnv(
                env(
                        "DBRE_CLOUD_SQL_INSTANCE", OWN,
                        "DBRE_RESTORE_DB_AUTH", "secret",
                        "DBRE_RESTORE_DB_SECRET_ID", "projects/dbre-prod/secrets/orders-db"),
                () -> secret("projects/dbre-prod/secrets/orders-db", "app", "source-password"));

        assertThat(effective(login.connect("orders-drill-20261123", CLONE, AVAILABLE, name)))
                .containsEntry("PGDBNAME", name)
                .containsEntry("socketFactory", SOCKET_FACTORY)
                .containsEntry("cloudSqlInstance", CLONE)
                .containsEntry("user", "app")
                .containsEntry("password", "source-password")
                .doesNotContainKeys("enableIamAuth", "sslfactory");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void clone_directTlsSecret_hostileName_staysAName_andTlsIsVerifyFull(String name) throws Exception {
        CloudSqlCloneLogin login = CloudSqlCloneLogin.fromEnv(
                env(
                        "DBRE_RESTORE_DB_AUTH", "secret",
                        "DBRE_RESTORE_DB_SECRET_ID", "projects/dbre-prod/secrets/orders-db",
                        "DBRE_RESTORE_DB_SSLROOTCERT", ROOT_PEM),
                () -> secret("projects/dbre-prod/secrets/orders-db", "app", "source-password"));

        assertThat(effective(login.connect("orders-drill-20261123", CLONE, AVAILABLE, name)))
                .containsEntry("PGHOST", "10.20.0.9")
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ROOT_PEM)
                .containsEntry("user", "app")
                .containsEntry("password", "source-password")
                .doesNotContainKeys("socketFactory", "cloudSqlInstance", "sslfactory");
    }

    /** The function's own connections, as a function builds them at start. */
    private static dev.dbre.db.PooledConnectionFactory connections(Env env, java.time.Clock clock) {
        return GcpConnections.pooled(GcpDatabaseConfig.fromEnv(env), clock);
    }
}
