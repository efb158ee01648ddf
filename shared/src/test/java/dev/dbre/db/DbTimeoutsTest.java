package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.port.RestoreProgress;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.DbSecret;
import dev.dbre.rotation.PgSecretConnector;
import dev.dbre.rotation.RotationSettings;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class DbTimeoutsTest {
    private static final DbTimeouts SHORT = new DbTimeouts(2, 7, 3, 11);

    @Test
    void defaults_fitInsideASixtySecondFunction_andLetTheServerCancelFirst() {
        DbTimeouts d = DbTimeouts.DEFAULTS;
        assertThat(d.connectSeconds() + d.statementSeconds()).isLessThan(60);
        assertThat(d.lockSeconds()).isLessThan(d.statementSeconds());
        assertThat(d.socketSeconds()).isGreaterThan(d.statementSeconds()).isLessThan(60);
        assertThat(DbTimeouts.fromEnv(new Env(Map.of()))).isEqualTo(d);
    }

    @Test
    void fromEnv_readsEachVariable() {
        Env env = new Env(Map.of(
                DbTimeouts.CONNECT, "2",
                DbTimeouts.STATEMENT, "7",
                DbTimeouts.LOCK, "3",
                DbTimeouts.SOCKET, "11"));
        assertThat(DbTimeouts.fromEnv(env)).isEqualTo(SHORT);
        assertThat(SHORT.serverOptions()).isEqualTo("-c statement_timeout=7000 -c lock_timeout=3000");
    }

    @Test
    void socketTimeoutNotLongerThanStatementTimeout_isRefusedNamingIt() {
        Env env = new Env(Map.of(DbTimeouts.STATEMENT, "30", DbTimeouts.SOCKET, "30"));
        assertThatThrownBy(() -> DbTimeouts.fromEnv(env))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbTimeouts.SOCKET))
                .hasMessageContaining(DbTimeouts.STATEMENT);
    }

    @Test
    void notANumber_isRefusedNamingTheVariable() {
        assertThatThrownBy(() -> DbTimeouts.fromEnv(new Env(Map.of(DbTimeouts.LOCK, "5s"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbTimeouts.LOCK));
        assertThatThrownBy(() -> DbTimeouts.fromEnv(new Env(Map.of(DbTimeouts.CONNECT, "0"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbTimeouts.CONNECT));
    }

    @Test
    void functionLogin_carriesEveryTimeout(TestDatabase db) throws Exception {
        DbSettings settings = settings(db.server().port(), db.name());
        try (Connection c = new PasswordConnectionFactory(settings, null, SHORT).open()) {
            assertTimeouts(c);
        }
    }

    @Test
    void restoreVerificationLogin_carriesEveryTimeout(TestDatabase db) throws Exception {
        Env env = new Env(Map.of(
                "DBRE_DB_USER",
                "postgres",
                RestoredDbLogin.AUTH,
                "none",
                RestoredDbLogin.SSLMODE,
                "disable",
                DbTimeouts.CONNECT,
                "2",
                DbTimeouts.STATEMENT,
                "7",
                DbTimeouts.LOCK,
                "3",
                DbTimeouts.SOCKET,
                "11"));
        RestoredDbLogin login = RestoredDbLogin.fromEnv(env, null);
        RestoreProgress ready = new RestoreProgress(
                RestoreProgress.State.AVAILABLE, "127.0.0.1", db.server().port(), "available");
        try (Connection c =
                login.connect("restored", ready, db.name(), null, null).open()) {
            assertTimeouts(c);
        }
    }

    @Test
    void rotationLogin_carriesEveryTimeout(TestDatabase db) throws Exception {
        DbSecret secret = DbSecret.parse(
                "{\"engine\":\"postgres\",\"host\":\"127.0.0.1\",\"port\":"
                        + db.server().port()
                        + ",\"username\":\"postgres\",\"password\":\"unused-by-trust\",\"dbname\":\""
                        + db.name() + "\",\"sslmode\":\"disable\"}",
                "CURRENT of test");
        try (Connection c = new PgSecretConnector(null, SHORT).open(secret)) {
            assertTimeouts(c);
        }
        Env env = new Env(Map.of(DbTimeouts.LOCK, "3"));
        assertThat(RotationSettings.fromEnv(env).timeouts())
                .as("rotation defaults, with the variable read")
                .isEqualTo(new DbTimeouts(5, 20, 3, 30));
    }

    @Test
    void localCommandLogin_carriesEveryTimeout(TestDatabase db) throws Exception {
        try (Connection c =
                JdbcConnectionFactory.of(db.jdbcUrl(), "postgres", null, SHORT).open()) {
            assertTimeouts(c);
        }
    }

    @Test
    void migrationTimeouts_keepConnectAndLock_dropStatementAndSocket(TestDatabase db) throws Exception {
        try (Connection c = JdbcConnectionFactory.of(db.jdbcUrl(), "postgres", null, SHORT.forMigrations())
                .open()) {
            assertThat(show(c, "statement_timeout")).isEqualTo("0");
            assertThat(show(c, "lock_timeout")).isEqualTo("3s");
            assertThat(c.getNetworkTimeout()).isZero();
        }
    }

    @Test
    void serverThatAcceptsButNeverAnswers_endsTheLoginWithinTheConnectTimeout_asTransient() throws Exception {
        // A listening socket nobody reads from: TCP connects, the startup packet gets no reply.
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            ConnectionFactory f = new PasswordConnectionFactory(
                    settings(silent.getLocalPort(), "postgres"), null, new DbTimeouts(1, 2, 1, 3));
            SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                try (Connection c = f.open()) {
                    throw new AssertionError("a silent server cannot log anyone in");
                } catch (SQLException expected) {
                    return expected;
                }
            });
            assertThat(SqlStates.isTransient(e))
                    .as("%s (%s)", e, e.getSQLState())
                    .isTrue();
        }
    }

    private static void assertTimeouts(Connection c) throws SQLException {
        assertThat(show(c, "statement_timeout")).isEqualTo("7s");
        assertThat(show(c, "lock_timeout")).isEqualTo("3s");
        assertThat(c.getNetworkTimeout()).as("socket timeout, ms").isEqualTo(11_000);
    }

    private static DbSettings settings(int port, String database) {
        return new DbSettings("127.0.0.1", port, database, "postgres", DbAuth.NONE, null, "disable", null);
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
