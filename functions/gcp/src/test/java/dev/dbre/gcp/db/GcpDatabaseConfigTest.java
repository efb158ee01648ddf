package dev.dbre.gcp.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.testing.TestRuntimes;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The database part of every Google Cloud function's configuration, read at start. */
class GcpDatabaseConfigTest {
    @Test
    void iamAuth_withoutCloudSqlInstance_failsNamingIt() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.put("DBRE_DB_AUTH", "iam");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        env.put("DBRE_DB_SSLROOTCERT", "system");
        assertThatThrownBy(() -> GcpDatabaseConfig.fromEnv(new Env(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_CLOUD_SQL_INSTANCE"))
                .hasMessageContaining("Cloud SQL");
    }

    @Test
    void directVerifyFull_withoutRootCert_failsNamingIt() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.put("DBRE_DB_AUTH", "secret");
        env.put("DBRE_DB_SECRET_ID", "projects/p/secrets/db");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        assertThatThrownBy(() -> GcpDatabaseConfig.fromEnv(new Env(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SSLROOTCERT"));
    }

    @Test
    void missingHost_isNamed() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.remove("DBRE_DB_HOST");
        assertThatThrownBy(() -> GcpDatabaseConfig.fromEnv(new Env(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_HOST"));
    }

    @Test
    void throughTheConnector_noHostIsNeeded_andTheDefaultPoolIsOne() {
        GcpDatabaseConfig config = GcpDatabaseConfig.fromEnv(new Env(Map.of(
                "DBRE_CLOUD_SQL_INSTANCE",
                "dbre-prod:europe-west1:metrics",
                "DBRE_DB_USER",
                "dbre-ingest@dbre-prod.iam")));

        assertThat(config.connector().instance()).isEqualTo("dbre-prod:europe-west1:metrics");
        assertThat(config.direct()).isNull();
        assertThat(config.poolSize()).isEqualTo(1);
    }

    @Test
    void poolSizeOutOfRange_isNamed() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.put("DBRE_DB_POOL_SIZE", "0");
        assertThatThrownBy(() -> GcpDatabaseConfig.fromEnv(new Env(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_POOL_SIZE"));
    }

    @Test
    void secretManagerGraceHours_areCheckedAtStart() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.put("DBRE_SECRET_MANAGER_GRACE_HOURS", "a day");
        assertThatThrownBy(() -> GcpDatabaseConfig.fromEnv(new Env(env)))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("DBRE_SECRET_MANAGER_GRACE_HOURS"));
    }
}
