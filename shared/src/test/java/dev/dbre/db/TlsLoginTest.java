package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * verify-full against a real PostgreSQL with TLS: the settings built from the environment, the
 * root resolved by {@link TlsRoots}, a password from the secret store, and PgJDBC doing the checks.
 */
class TlsLoginTest {
    private static String role;

    @BeforeAll
    static void role() throws SQLException {
        role = TlsPostgres.newRole("tls-pw");
    }

    private static DbSettings settings(String host, String root) {
        return TlsRoots.resolve(
                DbSettings.fromEnv(new Env(Map.of(
                        DbSettings.HOST,
                        host,
                        DbSettings.PORT,
                        Integer.toString(TlsPostgres.server().port()),
                        DbSettings.AUTH,
                        "secret",
                        DbSettings.SECRET_ID,
                        "app/db"))),
                root);
    }

    private static MemorySecretStore store(String password) {
        MemorySecretStore store = new MemorySecretStore();
        store.create("app/db", "{\"username\":\"" + role + "\",\"password\":\"" + password + "\"}", true);
        return store;
    }

    @Test
    void verifyFull_withTheServersRoot_logsInOverTls() throws SQLException {
        DbSettings s = settings("127.0.0.1", TlsPostgres.rootCert().toString());

        try (Connection c = new SecretConnectionFactory(s, store("tls-pw")).open();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(s.sslMode()).isEqualTo("verify-full");
            rs.next();
            assertThat(rs.getBoolean(1)).isTrue();
        }
    }

    @Test
    void verifyFull_hostNameNotInTheCertificate_isRefused() {
        // "127.1" is 127.0.0.1 to the resolver, but not a name the certificate holds.
        DbSettings s = settings("127.1", TlsPostgres.rootCert().toString());

        assertThatThrownBy(() -> new SecretConnectionFactory(s, store("tls-pw")).open())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("127.1")
                .hasMessageContaining("could not be verified");
    }

    @Test
    void verifyFull_withTheJavaTrustStore_refusesASelfSignedServer() {
        DbSettings s = settings("127.0.0.1", DbSettings.SYSTEM_ROOTS);

        assertThatThrownBy(() -> new SecretConnectionFactory(s, store("tls-pw")).open())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL");
    }

    @Test
    void verifyFull_noRoot_failsAtStartNotAtConnect() {
        assertThatThrownBy(() -> settings("127.0.0.1", null))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbSettings.SSLROOTCERT));
    }
}
