package dev.dbre.gcp.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.gcp.db.CloudSqlConnector;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.rotation.MemorySecretStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which way verification logs in to a clone, and the connector settings it is given. The connector
 * itself needs Google (it fetches the clone's ephemeral certificate from the Cloud SQL Admin API),
 * so these check its JDBC URL and driver properties; the direct logins are proven against a real
 * PostgreSQL in BackupFunctionsTest.
 */
class CloudSqlCloneLoginTest {
    private static final String CLONE = "dbre-prod:europe-west1:orders-drill-20261123";
    private static final RestoreProgress AVAILABLE =
            new RestoreProgress(RestoreProgress.State.AVAILABLE, "10.20.0.9", 5432, "RUNNABLE");

    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    private static CloudSqlCloneLogin login(String... kv) {
        return CloudSqlCloneLogin.fromEnv(env(kv), () -> fail("no secret store expected"));
    }

    @Test
    void iam_goesThroughTheConnectorToTheClonesConnectionName_withIamAuthAndTheIpTypes() {
        CloudSqlCloneLogin login =
                login("DBRE_RESTORE_DB_USER", "dbre-drill@dbre-prod.iam", "DBRE_CLOUD_SQL_IP_TYPES", "private");

        CloudSqlConnector c = login.connector(CLONE, "orders");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:postgresql:///orders");
        assertThat(c.properties())
                .containsEntry("socketFactory", "com.google.cloud.sql.postgres.SocketFactory")
                .containsEntry("cloudSqlInstance", CLONE)
                .containsEntry("enableIamAuth", "true")
                .containsEntry("ipTypes", "PRIVATE")
                .containsEntry("user", "dbre-drill@dbre-prod.iam")
                .containsEntry("sslmode", "disable")
                .doesNotContainKey("password");
        assertThat(login.connect("orders-drill-20261123", CLONE, AVAILABLE, "orders")
                        .toString())
                .contains("jdbc:postgresql:///orders");
    }

    @Test
    void iam_isTheDefault_andNeedsNoRootCertificate() {
        CloudSqlCloneLogin login = login("DBRE_DB_USER", "dbre-drill@dbre-prod.iam");

        assertThat(login.login().auth()).isEqualTo(DbAuth.IAM);
        assertThat(login.connector(CLONE, "orders")).isNotNull();
    }

    @Test
    void iam_withAFullServiceAccountEmail_isRefusedNamingTheVariable() {
        assertThatThrownBy(() -> login("DBRE_RESTORE_DB_USER", "dbre-drill@dbre-prod.iam.gserviceaccount.com"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_RESTORE_DB_USER"));
    }

    @Test
    void iam_whileTheCloneIsNotAvailable_isRetryable() {
        CloudSqlCloneLogin login = login("DBRE_RESTORE_DB_USER", "dbre-drill@dbre-prod.iam");
        RestoreProgress restoring = new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "PENDING_CREATE");

        assertThatThrownBy(() -> login.connect("orders-drill-20261123", CLONE, restoring, "orders"))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void secret_whenTheFunctionUsesTheConnector_goesThroughItWithoutIamAuth() {
        AtomicInteger built = new AtomicInteger();
        CloudSqlCloneLogin login = CloudSqlCloneLogin.fromEnv(
                env(
                        "DBRE_CLOUD_SQL_INSTANCE", "dbre-prod:europe-west1:metrics",
                        "DBRE_RESTORE_DB_AUTH", "secret",
                        "DBRE_RESTORE_DB_SECRET_ID", "projects/dbre-prod/secrets/orders-db"),
                () -> {
                    built.incrementAndGet();
                    return new MemorySecretStore();
                });

        CloudSqlConnector c = login.connector(CLONE, "orders");
        assertThat(built.get()).as("not built before a login").isZero();
        String factory = login.connect("orders-drill-20261123", CLONE, AVAILABLE, "orders")
                .toString();

        assertThat(c.properties())
                .containsEntry("cloudSqlInstance", CLONE)
                .doesNotContainKey("enableIamAuth")
                .doesNotContainKey("password");
        assertThat(factory)
                .startsWith("SecretConnectionFactory[jdbc:postgresql:///orders")
                .contains("projects/dbre-prod/secrets/orders-db");
        assertThat(built.get()).isEqualTo(1);
    }

    @Test
    void secret_withoutTheConnector_goesStraightToTheIp_andNeedsTheClonesCa() {
        assertThatThrownBy(() -> login(
                        "DBRE_RESTORE_DB_AUTH", "secret",
                        "DBRE_RESTORE_DB_SECRET_ID", "projects/dbre-prod/secrets/orders-db"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_RESTORE_DB_SSLROOTCERT"));

        CloudSqlCloneLogin login = login(
                "DBRE_RESTORE_DB_AUTH", "secret",
                "DBRE_RESTORE_DB_SECRET_ID", "projects/dbre-prod/secrets/orders-db",
                "DBRE_RESTORE_DB_SSLMODE", "require");
        assertThat(login.connector(CLONE, "orders")).isNull();
    }

    @Test
    void none_goesStraightToTheIp_withoutAPassword() {
        CloudSqlCloneLogin login = login(
                "DBRE_RESTORE_DB_AUTH",
                "none",
                "DBRE_RESTORE_DB_USER",
                "verifier",
                "DBRE_RESTORE_DB_SSLMODE",
                "require");

        assertThat(login.connector(CLONE, "orders")).isNull();
        assertThat(login.connect("orders-drill-20261123", CLONE, AVAILABLE, "orders")
                        .toString())
                .contains("jdbc:postgresql://10.20.0.9:5432/orders")
                .contains("auth=NONE");
    }
}
