package dev.dbre.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.db.DbAuth;
import dev.dbre.db.DbSettings;
import dev.dbre.port.ProviderException;
import dev.dbre.port.RestoreProgress;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.PasswordLogins;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The restored-database login, against the embedded PostgreSQL with real password checks. */
@ExtendWith(PostgresExtension.class)
class RestoredDbLoginTest {
    private final TestDatabase db;

    RestoredDbLoginTest(TestDatabase db) {
        this.db = db;
    }

    private RestoreProgress available() {
        return new RestoreProgress(
                RestoreProgress.State.AVAILABLE, "127.0.0.1", db.server().port(), "available");
    }

    private static String whoAmI(Connection c) throws SQLException {
        try (c;
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private String role(String password) throws SQLException {
        PasswordLogins.enable();
        String role = PasswordLogins.newRoleName();
        db.execute("create role " + role + " login password '" + password + "'");
        return role;
    }

    private static String secret(String role, String password) {
        return "{\"engine\":\"postgres\",\"username\":\"" + role + "\",\"password\":\"" + password + "\"}";
    }

    @Test
    void iamIsTheDefault_andNeedsAUser() {
        RestoredDbLogin login = RestoredDbLogin.fromEnv(
                new Env(Map.of("DBRE_DB_USER", "verifier", "DBRE_DB_SSLROOTCERT", DbSettings.SYSTEM_ROOTS)), null);
        assertThat(login.auth()).isEqualTo(DbAuth.IAM);
        assertThat(login.user()).isEqualTo("verifier");

        assertThatThrownBy(() -> RestoredDbLogin.fromEnv(new Env(Map.of()), DbSettings.SYSTEM_ROOTS))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_RESTORE_DB_USER: is required");
    }

    @Test
    void secret_needsTheSourceSecretId_butNoUser() {
        Env env = new Env(Map.of("DBRE_RESTORE_DB_AUTH", "secret"));
        assertThatThrownBy(() -> RestoredDbLogin.fromEnv(env, DbSettings.SYSTEM_ROOTS))
                .hasMessageStartingWith("DBRE_RESTORE_DB_SECRET_ID: is required when DBRE_RESTORE_DB_AUTH=secret");

        RestoredDbLogin login = RestoredDbLogin.fromEnv(
                env.with("DBRE_RESTORE_DB_SECRET_ID", "orders/master"), DbSettings.SYSTEM_ROOTS);
        assertThat(login.auth()).isEqualTo(DbAuth.SECRET);
        assertThat(login.user()).isNull();
        assertThat(login.settings("h", 5432, "app").secretId()).isEqualTo("orders/master");
    }

    @Test
    void verifiedTlsWithoutARoot_failsAtStartNamingTheVariable() {
        Env env = new Env(Map.of("DBRE_RESTORE_DB_USER", "verifier"));
        assertThatThrownBy(() -> RestoredDbLogin.fromEnv(env, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_RESTORE_DB_SSLROOTCERT: (or DBRE_DB_SSLROOTCERT)");
        assertThat(RestoredDbLogin.fromEnv(env, DbSettings.SYSTEM_ROOTS).sslRootCert())
                .isEqualTo(DbSettings.SYSTEM_ROOTS);
    }

    @Test
    void badValues_areRefusedNamingTheVariable() {
        Env env = new Env(Map.of("DBRE_RESTORE_DB_USER", "v", "DBRE_RESTORE_DB_SSLROOTCERT", "system"));
        assertThatThrownBy(() -> RestoredDbLogin.fromEnv(env.with("DBRE_RESTORE_DB_AUTH", "kerberos"), null))
                .hasMessageStartingWith("DBRE_RESTORE_DB_AUTH: must be iam, secret or none");
        assertThatThrownBy(() -> RestoredDbLogin.fromEnv(env.with("DBRE_RESTORE_DB_SSLMODE", "disable"), null))
                .hasMessageStartingWith("DBRE_RESTORE_DB_SSLMODE: disable is allowed only with");
    }

    @Test
    void secretLogin_usesThePreviousVersion_whenThePasswordWasRotatedAfterTheTargetTime() throws SQLException {
        String role = role("as-of-target-time");
        MemorySecretStore store = new MemorySecretStore();
        store.create("orders/master", secret(role, "as-of-target-time"), true);
        store.rotate("orders/master", secret(role, "rotated-since"));
        RestoredDbLogin login = new RestoredDbLogin(null, DbAuth.SECRET, "orders/master", "disable", null);

        Connection c = login.connect("orders-restored", available(), db.name(), null, () -> store)
                .open();

        assertThat(whoAmI(c)).isEqualTo(role);
    }

    @Test
    void iamLogin_sendsTheTokenForTheRestoredHostAsThePassword() throws SQLException {
        String role = role("token-abc");
        List<DbSettings> askedFor = new ArrayList<>();
        // The shared test server has no TLS (fromEnv would refuse disable with iam; TlsPostgres tests TLS).
        RestoredDbLogin login = new RestoredDbLogin(role, DbAuth.IAM, "disable", null);

        Connection c = login.connect(
                        "orders-restored",
                        available(),
                        db.name(),
                        s -> {
                            askedFor.add(s);
                            Supplier<String> token = () -> "token-abc";
                            return token;
                        },
                        () -> {
                            throw new AssertionError("no secret store for iam");
                        })
                .open();

        assertThat(whoAmI(c)).isEqualTo(role);
        assertThat(askedFor).singleElement().satisfies(s -> {
            assertThat(s.host()).isEqualTo("127.0.0.1");
            assertThat(s.database()).isEqualTo(db.name());
        });
    }

    @Test
    void aWrongPassword_isRefusedByTheServer() throws SQLException {
        String role = role("right");
        MemorySecretStore store = new MemorySecretStore();
        store.create("s", secret(role, "wrong"), true);
        RestoredDbLogin login = new RestoredDbLogin(null, DbAuth.SECRET, "s", "disable", null);

        assertThatThrownBy(() -> login.connect("r", available(), db.name(), null, () -> store)
                        .open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"))
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aRestoreNotYetAvailable_isRetryable_andIamWithoutATokenSourceIsAConfigError() {
        RestoredDbLogin login = new RestoredDbLogin("v", DbAuth.IAM, "require", null);
        RestoreProgress restoring = new RestoreProgress(RestoreProgress.State.RESTORING, null, 0, "creating");

        assertThatThrownBy(() -> login.connect("r", restoring, "app", s -> () -> "t", null))
                .isInstanceOfSatisfying(
                        ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("r is not available yet (creating)");
        assertThatThrownBy(() -> login.connect("r", available(), "app", null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DBRE_RESTORE_DB_AUTH");
    }
}
