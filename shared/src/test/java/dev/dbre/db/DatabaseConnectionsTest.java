package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.SecretStore;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.PasswordLogins;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The one none/iam/secret switch, logging in to the embedded PostgreSQL with real passwords. */
@ExtendWith(PostgresExtension.class)
class DatabaseConnectionsTest {
    private final TestDatabase db;
    private final MemorySecretStore store = new MemorySecretStore();
    private final AtomicInteger tokensAsked = new AtomicInteger();
    private final AtomicInteger storesAsked = new AtomicInteger();
    private String role;

    DatabaseConnectionsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void role() throws SQLException {
        PasswordLogins.enable();
        role = PasswordLogins.newRoleName();
        db.execute("create role " + role + " login password 'token-1'");
    }

    private CloudLogin login() {
        return new CloudLogin() {
            @Override
            public Supplier<String> iamTokens(DbSettings settings) {
                return () -> "token-" + tokensAsked.incrementAndGet();
            }

            @Override
            public SecretStore secrets() {
                storesAsked.incrementAndGet();
                return store;
            }
        };
    }

    private DbSettings settings(DbAuth auth, String user) {
        return new DbSettings("127.0.0.1", db.server().port(), db.name(), user, auth, "app/db", "disable", null);
    }

    private static String whoAmI(ConnectionFactory factory) throws SQLException {
        try (Connection c = factory.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void iam_logsInWithTheCloudsToken_andNeverAsksForTheSecretStore() throws SQLException {
        try (PooledConnectionFactory pool =
                DatabaseConnections.pooled(settings(DbAuth.IAM, role), DbTimeouts.DEFAULTS, 2, login())) {
            assertThat(whoAmI(pool)).isEqualTo(role);
            assertThat(whoAmI(pool)).isEqualTo(role);
        }
        assertThat(tokensAsked).hasValue(1);
        assertThat(storesAsked).hasValue(0);
    }

    @Test
    void secret_logsInWithTheStoresSecret_andNeverSignsAToken() throws SQLException {
        store.create("app/db", "{\"username\":\"" + role + "\",\"password\":\"token-1\"}", true);
        try (PooledConnectionFactory pool =
                DatabaseConnections.pooled(settings(DbAuth.SECRET, null), DbTimeouts.DEFAULTS, 1, login())) {
            assertThat(whoAmI(pool)).isEqualTo(role);
        }
        assertThat(storesAsked).hasValue(1);
        assertThat(tokensAsked).hasValue(0);
    }

    @Test
    void none_asksTheCloudForNothing() {
        ConnectionFactory physical =
                DatabaseConnections.physical(settings(DbAuth.NONE, "postgres"), DbTimeouts.DEFAULTS, login());
        assertThat(physical).isInstanceOf(PasswordConnectionFactory.class);
        assertThat(tokensAsked).hasValue(0);
        assertThat(storesAsked).hasValue(0);
    }

    @Test
    void secretsOnly_refusesIamAtStart_namingTheVariableAndWhy() {
        CloudLogin local = CloudLogin.secretsOnly(() -> store, "iam needs a cloud identity");
        assertThatThrownBy(() -> DatabaseConnections.pooled(settings(DbAuth.IAM, role), DbTimeouts.DEFAULTS, 1, local))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(DbSettings.AUTH)
                .hasMessageContaining("iam needs a cloud identity");
        assertThat(DatabaseConnections.physical(settings(DbAuth.SECRET, null), DbTimeouts.DEFAULTS, local))
                .isInstanceOf(SecretConnectionFactory.class);
    }
}
