package dev.dbre.local;

import static dev.dbre.testing.DriverView.effective;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.testing.PostgresExtension;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The local runtime's logins, parsed as PgJDBC parses them: in the embedded server's URLs (restored
 * servers, the state database) a database name that tries to add URL parameters stays a name. (A
 * hostile DBRE_DB_NAME is refused where it is read: DatabaseNameInjectionTest in shared.)
 */
class LocalLoginUrlsTest {
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
