package dev.dbre.azure.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import dev.dbre.db.DbSettings;
import dev.dbre.db.SecretConnectionFactory;
import dev.dbre.db.TlsRoots;
import dev.dbre.testing.TlsPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * DBRE_DB_AUTH=secret on Azure's side: the password is read through the real Key Vault SDK from the
 * fake vault and logs in, over verify-full TLS, to a PostgreSQL that checks it.
 */
class KeyVaultSecretLoginTest {
    @Test
    void secretAuth_logsInWithThePasswordFromKeyVault() throws Exception {
        String role = TlsPostgres.newRole("from-key-vault");
        try (FakeKeyVault vault = new FakeKeyVault()) {
            vault.create("app-db", "{\"username\":\"" + role + "\",\"password\":\"from-key-vault\"}", null);
            DbSettings settings = TlsRoots.resolve(
                    DbSettings.fromEnv(new Env(Map.of(
                            "DBRE_DB_HOST", "127.0.0.1",
                            "DBRE_DB_PORT",
                                    Integer.toString(TlsPostgres.server().port()),
                            "DBRE_DB_AUTH", "secret",
                            "DBRE_DB_SECRET_ID", "app-db",
                            "DBRE_DB_SSLROOTCERT", TlsPostgres.rootCert().toString()))),
                    DbSettings.SYSTEM_ROOTS);
            var factory = new SecretConnectionFactory(
                    settings, new KeyVaultSecretStore(vault.client(), Duration.ofDays(90), Clock.systemUTC()));

            try (Connection c = factory.open();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select current_user")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(role);
            }
        }
    }
}
