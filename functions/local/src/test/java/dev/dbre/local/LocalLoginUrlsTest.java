package dev.dbre.local;

import static dev.dbre.testing.DriverView.effective;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.testing.PostgresExtension;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The local runtime's logins, parsed as PgJDBC parses them: a database name that tries to add URL
 * parameters is refused at start, and in the embedded server's URLs (restored servers, the state
 * database) it stays a name.
 */
class LocalLoginUrlsTest {
    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void hostileDbreDbName_isRefusedAtStart(String name) {
        Env env = new Env(Map.of(
                "DBRE_DB_HOST",
                "127.0.0.1",
                "DBRE_DB_AUTH",
                "none",
                "DBRE_DB_USER",
                "postgres",
                "DBRE_DB_SSLMODE",
                "disable",
                "DBRE_DB_NAME",
                name));

        assertThatThrownBy(() -> LocalConnections.fromEnv(env))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"));
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void embeddedServerUrl_hostileName_staysAName(String name) {
        String url = PostgresExtension.server().jdbcUrl(name);

        assertThat(effective(url, new Properties()))
                .containsOnlyKeys("PGHOST", "PGPORT", "PGDBNAME")
                .containsEntry("PGHOST", "127.0.0.1")
                .containsEntry("PGDBNAME", name);
    }
}
