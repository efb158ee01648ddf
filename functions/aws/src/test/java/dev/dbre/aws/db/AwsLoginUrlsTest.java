package dev.dbre.aws.db;

import static dev.dbre.aws.backup.FakeRds.action;
import static dev.dbre.aws.backup.FakeRds.error;
import static dev.dbre.aws.backup.FakeRds.ok;
import static dev.dbre.testing.DriverView.effective;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.aws.backup.FakeRds;
import dev.dbre.aws.backup.RdsBackupProvider;
import dev.dbre.aws.rotation.FakeSecretsManager;
import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.MemorySecretStore;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every AWS login, parsed as PgJDBC parses it: the RDS IAM token or the Secrets Manager password,
 * verify-full with the RDS CA bundle, for the function's own database and for a restored one. A
 * database name that tries to add URL parameters ({@code postgres?sslmode=disable}, ...) is
 * refused at start, and in a restored database's URL it stays a name.
 */
class AwsLoginUrlsTest {
    private static final String ENDPOINT = "orders-drill.abcdefghijkl.us-east-1.rds.amazonaws.com";
    private final FakeRds rds = new FakeRds();

    @AfterEach
    void close() {
        rds.close();
    }

    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_DB_HOST", "db.internal");
        m.put("DBRE_DB_USER", "dbre_ingest");
        m.put("DBRE_DB_NAME", "metrics");
        m.put("DBRE_DB_SSLROOTCERT", AwsDatabaseTest.ROOT_PEM);
        m.put("AWS_REGION", "us-east-1");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    private RdsBackupProvider provider(RestoredDbLogin login, MemorySecretStore store) {
        rds.http.always(
                action("DescribeDBClusters", "DBClusterIdentifier", "orders-drill"),
                error(404, "error-db-cluster-not-found"));
        rds.http.always(
                action("DescribeDBInstances", "DBInstanceIdentifier", "orders-drill"),
                ok("describe-db-instance-restored-available"));
        return new RdsBackupProvider(rds.clients, "us-east-1", FakeRds.CLOCK, login, FakeRds.CREDENTIALS, () -> store);
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void ownDatabase_hostileDbreDbName_isRefusedAtStart(String name) {
        assertThatThrownBy(() -> AwsDatabase.fromEnv(
                        env("DBRE_DB_NAME", name), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"));
    }

    @Test
    void ownDatabase_iam_sendsTheTokenOverVerifyFull() throws Exception {
        try (AwsDatabase db = AwsDatabase.fromEnv(env(), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS)) {
            assertThat(effective(db.connections()))
                    .containsEntry("PGHOST", "db.internal")
                    .containsEntry("PGDBNAME", "metrics")
                    .containsEntry("sslmode", "verify-full")
                    .containsEntry("sslrootcert", AwsDatabaseTest.ROOT_PEM)
                    .containsEntry("user", "dbre_ingest")
                    .hasEntrySatisfying("password", t -> assertThat(t).startsWith("db.internal:5432/?"))
                    .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
        }
    }

    @Test
    void ownDatabase_secret_sendsThePasswordOverVerifyFull() throws Exception {
        try (FakeSecretsManager fake = new FakeSecretsManager();
                AwsDatabase db = AwsDatabase.fromEnv(
                        env(
                                "DBRE_DB_AUTH", "secret",
                                "DBRE_DB_SECRET_ID", "prod/app-db",
                                "DBRE_SECRETS_ENDPOINT", fake.endpoint().toString()),
                        Clock.systemUTC(),
                        RdsIamTokenCacheTest.CREDENTIALS)) {
            fake.create("prod/app-db", "{\"username\":\"app\",\"password\":\"from-secrets-manager\"}", true);

            assertThat(effective(db.connections()))
                    .containsEntry("PGDBNAME", "metrics")
                    .containsEntry("sslmode", "verify-full")
                    .containsEntry("sslrootcert", AwsDatabaseTest.ROOT_PEM)
                    .containsEntry("user", "app")
                    .containsEntry("password", "from-secrets-manager")
                    .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
        }
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void restoredDatabase_iam_hostileName_staysAName_andTheTokenGoesOverVerifyFull(String name) throws Exception {
        RestoredDbLogin iam = new RestoredDbLogin("verifier", DbAuth.IAM, "verify-full", AwsDatabaseTest.ROOT_PEM);

        assertThat(effective(provider(iam, null).connect("orders-drill", name)))
                .containsEntry("PGHOST", ENDPOINT)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", AwsDatabaseTest.ROOT_PEM)
                .containsEntry("user", "verifier")
                .hasEntrySatisfying(
                        "password",
                        t -> assertThat(t).startsWith(ENDPOINT + ":5432/?").contains("DBUser=verifier"))
                .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void restoredDatabase_secret_hostileName_staysAName_andThePasswordGoesOverVerifyFull(String name) throws Exception {
        MemorySecretStore store = new MemorySecretStore();
        store.create("prod/orders/app", "{\"username\":\"app\",\"password\":\"source-password\"}", true);
        RestoredDbLogin secret =
                new RestoredDbLogin(null, DbAuth.SECRET, "prod/orders/app", "verify-full", AwsDatabaseTest.ROOT_PEM);

        assertThat(effective(provider(secret, store).connect("orders-drill", name)))
                .containsEntry("PGHOST", ENDPOINT)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", AwsDatabaseTest.ROOT_PEM)
                .containsEntry("user", "app")
                .containsEntry("password", "source-password")
                .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
    }
}
