package dev.dbre.aws.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbTimeouts;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsDatabaseTest {
    /** Any PEM bundle will do for building; the RDS one is deployed with the function. */
    static final String ROOT_PEM = Path.of("../../shared/src/test/resources/tls/localhost.pem")
            .toAbsolutePath()
            .normalize()
            .toString();

    private static Env env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("DBRE_DB_HOST", "db.internal");
        m.put("DBRE_DB_USER", "dbre_ingest");
        m.put("DBRE_DB_SSLROOTCERT", ROOT_PEM);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    @Test
    void iamByDefault_needsAwsRegion() {
        assertThatThrownBy(() -> AwsDatabase.fromEnv(env(), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("AWS_REGION"));
    }

    @Test
    void iam_buildsATokenCache() {
        AwsDatabase db = AwsDatabase.fromEnv(
                env("AWS_REGION", "us-east-2"), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS);

        assertThat(db.tokens()).isNotNull();
        assertThat(db.tokens().get()).startsWith("db.internal:5432/?");
        assertThat(db.connections().toString()).contains("auth=IAM").doesNotContain("X-Amz-Signature");
    }

    @Test
    void badPoolSize_isRefusedNamingTheVariable() {
        assertThatThrownBy(() -> AwsDatabase.fromEnv(
                        env("AWS_REGION", "us-east-2", "DBRE_DB_POOL_SIZE", "0"),
                        Clock.systemUTC(),
                        RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_POOL_SIZE"));
    }

    @Test
    void verifyFull_withoutRootCert_failsAtStartNamingDbreDbSslrootcert() {
        Map<String, String> m = new HashMap<>(
                Map.of("DBRE_DB_HOST", "db.internal", "DBRE_DB_USER", "dbre_ingest", "AWS_REGION", "us-east-2"));

        assertThatThrownBy(() -> AwsDatabase.fromEnv(new Env(m), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SSLROOTCERT"));
    }

    @Test
    void secret_withoutSecretId_failsNamingIt() {
        assertThatThrownBy(() -> AwsDatabase.fromEnv(
                        env("DBRE_DB_AUTH", "SECRET"), Clock.systemUTC(), RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SECRET_ID"));
    }

    @Test
    void secret_withoutRegion_failsNamingAwsRegion() {
        assertThatThrownBy(() -> AwsDatabase.fromEnv(
                        env("DBRE_DB_AUTH", "secret", "DBRE_DB_SECRET_ID", "app/db"),
                        Clock.systemUTC(),
                        RdsIamTokenCacheTest.CREDENTIALS))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("AWS_REGION"));
    }

    @Test
    void none_connectsWithoutAPassword() throws Exception {
        TestDatabase tdb = PostgresExtension.newDatabase();
        int port = tdb.server().port();
        AwsDatabase db = AwsDatabase.fromEnv(
                new Env(Map.of(
                        "DBRE_DB_HOST", "127.0.0.1",
                        "DBRE_DB_PORT", Integer.toString(port),
                        "DBRE_DB_NAME", tdb.name(),
                        "DBRE_DB_USER", "postgres",
                        "DBRE_DB_AUTH", "none",
                        "DBRE_DB_SSLMODE", "disable",
                        "DBRE_DB_STATEMENT_TIMEOUT_SECONDS", "7",
                        "DBRE_DB_LOCK_TIMEOUT_SECONDS", "3")),
                Clock.systemUTC(),
                RdsIamTokenCacheTest.CREDENTIALS);

        try (db) {
            assertThat(db.tokens()).isNull();
            try (Connection c = db.connections().open()) {
                assertThat(c.isValid(5)).isTrue();
                assertThat(show(c, "statement_timeout")).isEqualTo("7s");
                assertThat(show(c, "lock_timeout")).isEqualTo("3s");
                assertThat(c.getNetworkTimeout()).isEqualTo(DbTimeouts.DEFAULTS.socketSeconds() * 1000);
            }
        }
    }

    private static String show(Connection c, String setting) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
