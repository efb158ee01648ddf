package dev.dbre.local.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.Env;
import dev.dbre.db.CloudLogin;
import dev.dbre.db.DatabaseConnections;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.db.TlsRoots;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.rotation.RotationService;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.rotation.RotationStrategy;
import dev.dbre.testing.TlsPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The local file store behind the one connection switch ({@link DatabaseConnections} over {@link
 * CloudLogin#secretsOnly}): a real rotation of the store, and a TLS PostgreSQL that checks passwords.
 */
class LocalSecretLoginTest {
    private static String whoAmI(ConnectionFactory f) throws SQLException {
        try (Connection c = f.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void secretAuth_followsARotationOfTheLocalStore() throws Exception {
        Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        Path dir = Files.createTempDirectory(tmp, "local-secrets");
        String role = TlsPostgres.newRole("local-first-0001");
        LocalSecretStore store = new LocalSecretStore(dir, Clock.systemUTC());
        store.create("app/db", TlsPostgres.secretJson(role, "local-first-0001"), true);
        Env env = new Env(Map.of(
                "DBRE_DB_HOST",
                "127.0.0.1",
                "DBRE_DB_PORT",
                Integer.toString(TlsPostgres.server().port()),
                "DBRE_DB_AUTH",
                "secret",
                "DBRE_DB_SECRET_ID",
                "app/db",
                "DBRE_DB_SSLROOTCERT",
                TlsPostgres.rootCert().toString()));
        ConnectionFactory connections = DatabaseConnections.physical(
                TlsRoots.resolve(DbSettings.fromEnv(env), null),
                DbTimeouts.fromEnv(env),
                CloudLogin.secretsOnly(() -> store, "no cloud identity locally"));
        assertThat(whoAmI(connections)).isEqualTo(role);

        new RotationService(
                        store,
                        new RotationSettings(
                                RotationStrategy.SINGLE,
                                RotationSettings.DEFAULTS.passwordPolicy(),
                                TlsPostgres.rootCert().toString()))
                .rotateNow("app/db", UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});

        // The cached password is refused now; the factory reads CURRENT again and logs in.
        assertThat(whoAmI(connections)).isEqualTo(role);
    }
}
