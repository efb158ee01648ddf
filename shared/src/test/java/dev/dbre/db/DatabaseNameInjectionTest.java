package dev.dbre.db;

import static dev.dbre.testing.DriverView.effective;
import static dev.dbre.testing.DriverView.settingsOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.port.RestoreProgress;
import dev.dbre.restore.RestoreError;
import dev.dbre.restore.RestoreRejectedException;
import dev.dbre.restore.RestoreRequest;
import dev.dbre.restore.RestoredDbLogin;
import dev.dbre.rotation.MemorySecretStore;
import dev.dbre.testing.TlsPostgres;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A database name cannot add connection parameters (issue 8): PgJDBC lets a URL parameter override
 * a driver property, so {@code "postgres?sslmode=disable"} pasted into a URL would send a password
 * or token in clear text. Names are refused where they enter, and every URL the product builds
 * encodes them; parsed as PgJDBC parses them, the URL adds nothing to what the settings say.
 */
class DatabaseNameInjectionTest {
    private static final String ROOT = "/etc/dbre/rds-ca.pem";
    private static final RestoreProgress AVAILABLE = new RestoreProgress(
            RestoreProgress.State.AVAILABLE, "orders-drill.abc.us-east-1.rds.amazonaws.com", 5432, "available");

    private static Env env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        m.put(DbSettings.HOST, "db.internal");
        m.put(DbSettings.USER, "dbre_ingest");
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return new Env(m);
    }

    // ---- at the edge ----------------------------------------------------------------------------

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void hostileDbreDbName_isRefusedAtStart_namingTheVariable(String name) {
        assertThatThrownBy(() -> DbSettings.fromEnv(env(DbSettings.NAME, name)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_NAME"))
                .hasMessageContaining("must be a PostgreSQL database name");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void hostileRequestDatabase_isRefused_namingTheField(String name) {
        String json = "{\"source\":\"orders\",\"latest\":true,\"newName\":\"orders-restore\",\"database\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(name) + "}";

        assertThatThrownBy(() -> RestoreRequest.parse(json))
                .isInstanceOfSatisfying(RestoreRejectedException.class, e -> {
                    assertThat(e.error()).isEqualTo(RestoreError.BAD_REQUEST);
                    assertThat(e.field()).isEqualTo("database");
                })
                .hasMessageContaining("must be a PostgreSQL database name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "orders", "orders-db", "Orders_2026", "_x", "a$b"})
    void ordinaryNames_areAccepted(String name) {
        assertThat(DatabaseNames.problem(name)).isNull();
        assertThat(DbSettings.fromEnv(env(DbSettings.NAME, name)).database()).isEqualTo(name);
    }

    @Test
    void nameLengths_followPostgres() {
        assertThat(DatabaseNames.problem("a".repeat(63))).isNull();
        assertThat(DatabaseNames.problem("a".repeat(64))).isNotNull();
        assertThat(DatabaseNames.problem("")).isNotNull();
        assertThat(DatabaseNames.problem("1orders")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.internal/postgres?sslmode=disable", "db.internal:5433", "db internal", "h?x=y"})
    void hostThatIsNoHostName_isRefusedAtStart_namingDbreDbHost(String host) {
        assertThatThrownBy(() -> DbSettings.fromEnv(env(DbSettings.HOST, host)))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_DB_HOST"));
    }

    // ---- in every URL built -----------------------------------------------------------------------

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void everyUrlBuilt_carriesTheNameWhole_andNoParameter(String name) {
        Properties settings = new Properties();
        settings.setProperty("sslmode", "verify-full");
        settings.setProperty("user", "dbre");

        Map<String, String> direct = effective(PgUrls.direct("db.internal", 5432, name), settings);
        Map<String, String> connector = effective(PgUrls.throughSocketFactory(name), settings);

        for (Map<String, String> p : java.util.List.of(direct, connector)) {
            assertThat(p.get("PGDBNAME")).isEqualTo(name);
            assertThat(settingsOnly(p)).isEqualTo(Map.of("sslmode", "verify-full", "user", "dbre"));
        }
        assertThat(direct.get("PGHOST")).isEqualTo("db.internal");
    }

    @ParameterizedTest
    @FieldSource("dev.dbre.testing.DriverView#HOSTILE_NAMES")
    void restoredDbLogins_withAHostileDatabase_keepTheirTlsAndLogin(String name) throws SQLException {
        RestoredDbLogin iam = new RestoredDbLogin("dbre_verify", DbAuth.IAM, "verify-full", ROOT);
        RestoredDbLogin secret = new RestoredDbLogin(null, DbAuth.SECRET, "prod/orders", "verify-ca", ROOT);
        RestoredDbLogin none = new RestoredDbLogin("postgres", DbAuth.NONE, "require", DbSettings.SYSTEM_ROOTS);
        MemorySecretStore store = new MemorySecretStore();
        store.create("prod/orders", "{\"username\":\"app\",\"password\":\"pw-from-secret\"}", true);

        Map<String, String> viaIam =
                effective(iam.connect("orders-drill", AVAILABLE, name, s -> () -> "token-for-" + s.host(), null));
        Map<String, String> viaSecret = effective(secret.connect("orders-drill", AVAILABLE, name, null, () -> store));
        Map<String, String> viaNone = effective(none.connect("orders-drill", AVAILABLE, name, null, null));

        assertThat(viaIam)
                .containsEntry("PGDBNAME", name)
                .containsEntry("PGHOST", AVAILABLE.endpointHost())
                .containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", ROOT)
                .containsEntry("user", "dbre_verify")
                .containsEntry("password", "token-for-" + AVAILABLE.endpointHost())
                .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
        assertThat(viaSecret)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "verify-ca")
                .containsEntry("sslrootcert", ROOT)
                .containsEntry("user", "app")
                .containsEntry("password", "pw-from-secret")
                .doesNotContainKeys("sslfactory", "socketFactory", "cloudSqlInstance");
        assertThat(viaNone)
                .containsEntry("PGDBNAME", name)
                .containsEntry("sslmode", "require")
                .containsEntry("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory")
                .doesNotContainKeys("password", "socketFactory", "cloudSqlInstance");
        // Nothing but the database differs from a login to "postgres".
        assertThat(settingsOnly(viaIam))
                .isEqualTo(settingsOnly(effective(
                        iam.connect("orders-drill", AVAILABLE, "postgres", s -> () -> "token-for-" + s.host(), null))));
    }

    @Test
    void hostileNameOverVerifyFull_reachesTheServerWhole_asAnUnknownDatabase() throws SQLException {
        String role = TlsPostgres.newRole("tls-pw-8");
        MemorySecretStore store = new MemorySecretStore();
        store.create("app/db", TlsPostgres.secretJson(role, "tls-pw-8"), true);
        DbSettings settings = new DbSettings(
                "127.0.0.1",
                TlsPostgres.server().port(),
                "postgres?sslmode=disable",
                null,
                DbAuth.SECRET,
                "app/db",
                "verify-full",
                TlsPostgres.rootCert().toString());

        // 3D000 invalid_catalog_name: the server was asked, over verified TLS, for that very name.
        assertThatThrownBy(() -> new SecretConnectionFactory(settings, store).open())
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"))
                .hasMessageContaining("postgres?sslmode=disable");
    }
}
