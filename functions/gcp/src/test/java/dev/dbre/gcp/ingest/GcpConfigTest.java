package dev.dbre.gcp.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.gcp.config.GcpEnv;
import dev.dbre.gcp.obs.CloudTrace;
import dev.dbre.gcp.testing.TestRuntimes;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class GcpConfigTest {
    @Test
    void iamAuth_withoutCloudSqlInstance_failsNamingIt() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.put("DBRE_DB_AUTH", "iam");
        env.put("DBRE_DB_SSLMODE", "verify-full");
        env.put("DBRE_DB_SSLROOTCERT", "system");
        assertThatThrownBy(() -> IngestComponents.fromEnv(new Env(env), TestRuntimes.CLOCK))
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
        assertThatThrownBy(() -> IngestComponents.fromEnv(new Env(env), TestRuntimes.CLOCK))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_SSLROOTCERT"));
    }

    @Test
    void missingHost_isNamed() {
        Map<String, String> env = TestRuntimes.settings(5432, "dbre");
        env.remove("DBRE_DB_HOST");
        assertThatThrownBy(() -> IngestComponents.fromEnv(new Env(env), TestRuntimes.CLOCK))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_HOST"));
    }

    @Test
    void systemProperties_fillOnlyDbreVariablesTheEnvironmentLacks() {
        Properties props = new Properties();
        props.setProperty("DBRE_DB_HOST", "from-property");
        props.setProperty("DBRE_DB_NAME", "from-property");
        props.setProperty("user.home", "/not/config");
        Env env = GcpEnv.of(Map.of("DBRE_DB_HOST", "from-env"), props);
        assertThat(env.optional("DBRE_DB_HOST")).isEqualTo("from-env");
        assertThat(env.optional("DBRE_DB_NAME")).isEqualTo("from-property");
        assertThat(env.optional("user.home")).isNull();
    }

    @Test
    void traceId_fromCloudTraceContextOrTraceparent() {
        assertThat(CloudTrace.traceId("105445aa7843bc8bf206b12000100000/1;o=1", null))
                .isEqualTo("105445aa7843bc8bf206b12000100000");
        assertThat(CloudTrace.traceId(null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(CloudTrace.traceId(null, "garbage")).isNull();
        assertThat(CloudTrace.traceId(null, null)).isNull();
    }
}
