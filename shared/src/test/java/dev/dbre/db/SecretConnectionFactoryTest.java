package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.SecretMetadata;
import dev.dbre.port.SecretStore;
import dev.dbre.port.SecretStoreException;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.PasswordLogins;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** DBRE_DB_AUTH=secret against the embedded PostgreSQL with real password checks. */
@ExtendWith(PostgresExtension.class)
class SecretConnectionFactoryTest {
    private static final String SECRET = "app/db";

    private final TestDatabase db;
    private final MemorySecretStore store = new MemorySecretStore();
    private String role;
    private DbSettings settings;

    SecretConnectionFactoryTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void role() throws SQLException {
        PasswordLogins.enable();
        role = PasswordLogins.newRoleName();
        db.execute("create role " + role + " login password 'pw-one'");
        settings = new DbSettings(
                "127.0.0.1", db.server().port(), db.name(), null, DbAuth.SECRET, SECRET, "disable", null);
    }

    private String secret(String password) {
        return "{\"engine\":\"postgres\",\"username\":\"" + role + "\",\"password\":\"" + password + "\"}";
    }

    private static String whoAmI(Connection c) throws SQLException {
        try (c;
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void open_logsInWithTheCurrentUserAndPassword() throws SQLException {
        store.create(SECRET, secret("pw-one"), true);

        assertThat(whoAmI(new SecretConnectionFactory(settings, store).open())).isEqualTo(role);
    }

    @Test
    void theRealServerRefusesAWrongPassword() {
        // Guards the other tests: without PasswordLogins any password would log in.
        store.create(SECRET, secret("wrong"), true);

        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void open_cachesTheSecretBetweenConnections() throws SQLException {
        store.create(SECRET, secret("pw-one"), true);
        SecretConnectionFactory factory = new SecretConnectionFactory(settings, store);

        whoAmI(factory.open());
        whoAmI(factory.open());
        whoAmI(factory.open());

        assertThat(store.reads.get()).isEqualTo(1);
    }

    @Test
    void rotationFinishedSinceCached_rereadsCurrentOnce() throws SQLException {
        store.create(SECRET, secret("pw-one"), true);
        SecretConnectionFactory factory = new SecretConnectionFactory(settings, store);
        whoAmI(factory.open());

        db.execute("alter role " + role + " password 'pw-two'");
        store.rotate(SECRET, secret("pw-two"));

        assertThat(whoAmI(factory.open())).isEqualTo(role);
        assertThat(store.reads.get()).isEqualTo(2);
        whoAmI(factory.open());
        assertThat(store.reads.get()).as("the new password is cached").isEqualTo(2);
    }

    @Test
    void currentRefused_fallsBackToPrevious() throws SQLException {
        store.create(SECRET, secret("pw-one"), true);
        store.rotate(SECRET, secret("pw-two")); // the store moved on; the database still has pw-one

        assertThat(whoAmI(new SecretConnectionFactory(settings, store).open())).isEqualTo(role);
    }

    @Test
    void singleUserBetweenSetAndFinish_fallsBackToPending() throws SQLException {
        String v1 = store.create(SECRET, secret("pw-one"), true);
        store.putValue(SECRET, "token-2", secret("pw-two"), Set.of(SecretMetadata.PENDING));
        db.execute("alter role " + role + " password 'pw-two'"); // setSecret done, finishSecret not yet

        assertThat(whoAmI(new SecretConnectionFactory(settings, store).open())).isEqualTo(role);
        assertThat(store.describe(SECRET).versionWith(SecretMetadata.CURRENT)).isEqualTo(v1);
    }

    @Test
    void noVersionWorks_throwsTheLoginFailureWithoutAnyPassword() {
        store.create(SECRET, secret("bad-one"), true);
        store.rotate(SECRET, secret("bad-two"));

        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                .hasMessageNotContaining("bad-one")
                .hasMessageNotContaining("bad-two");
    }

    @Test
    void serverUnreachable_failsAtOnceWithoutReadingOtherVersions() {
        store.create(SECRET, secret("pw-one"), true);
        DbSettings nowhere = new DbSettings("127.0.0.1", 1, "postgres", null, DbAuth.SECRET, SECRET, "disable", null);

        assertThatThrownBy(() -> new SecretConnectionFactory(nowhere, store).open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        assertThat(store.reads.get()).isEqualTo(1);
    }

    @Test
    void secretWithoutPassword_namesTheSecretAndTheField() {
        store.create(SECRET, "{\"username\":\"" + role + "\"}", true);

        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(SECRET)
                .hasMessageContaining("\"password\"");
    }

    @Test
    void secretNotJson_saysSoWithoutQuotingIt() {
        store.create(SECRET, "user=x password=hunter2", true);

        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("is not JSON")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingSecret_isALoginError() {
        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
                .hasMessageContaining(SECRET);
    }

    @Test
    void storeThrottled_isATransientConnectionFailure() {
        SecretStore throttled = new MemorySecretStore() {
            @Override
            public Optional<String> valueByStage(String secretId, String stage) {
                throw new SecretStoreException("throttled", true, null);
            }
        };

        assertThatThrownBy(() -> new SecretConnectionFactory(settings, throttled).open())
                .isInstanceOfSatisfying(
                        SQLException.class,
                        e -> assertThat(SqlStates.isTransient(e)).isTrue());
    }

    @Test
    void userFallsBackToDbreDbUser_whenTheSecretHasNone() throws SQLException {
        store.create(SECRET, "{\"password\":\"pw-one\"}", true);
        DbSettings withUser = new DbSettings(
                "127.0.0.1", db.server().port(), db.name(), role, DbAuth.SECRET, SECRET, "disable", null);

        assertThat(whoAmI(new SecretConnectionFactory(withUser, store).open())).isEqualTo(role);
    }
}
