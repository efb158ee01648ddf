package dev.dbre.gcp.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class GcpEnvTest {
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
}
