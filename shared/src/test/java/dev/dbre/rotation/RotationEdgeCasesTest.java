package dev.dbre.rotation;

import static dev.dbre.port.SecretMetadata.CURRENT;
import static dev.dbre.port.SecretMetadata.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dbre.port.PasswordPolicy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile names and TLS settings, against the password-checking PostgreSQL. */
class RotationEdgeCasesTest {
    private static LogCapture logs;
    private static final List<String> PASSWORDS = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        PasswordPostgres.server();
        logs = new LogCapture();
    }

    @AfterAll
    static void noPasswordLogged() {
        logs.close();
        assertThat(logs.lines()).isNotEmpty();
        assertThat(logs.linesContainingAny(PASSWORDS)).isEmpty();
    }

    private static final String HOSTILE_USER = "we\"ird; user'); DROP TABLE canary; --";
    private static final String HOSTILE_OWNER = "own\"er; role";

    @Test
    void alternatingUsers_hostileNames_rotateAndInjectNothing() throws Exception {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, HOSTILE_USER, HOSTILE_OWNER);
        PasswordPostgres.superuser(f.database, "CREATE TABLE canary (id int)");
        for (int i = 0; i < 3; i++) {
            f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {});
            assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
            assertThat(f.logsIn(f.byStage(PREVIOUS))).isTrue();
        }
        PASSWORDS.addAll(f.passwords());
        assertThat(f.byStage(CURRENT).username()).isEqualTo(HOSTILE_USER + "_clone");
        try (Connection c =
                        DriverManager.getConnection(PasswordPostgres.server().jdbcUrl(f.database), "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('canary') IS NOT NULL,"
                        + " (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'we%'),"
                        + " pg_has_role('" + HOSTILE_USER.replace("'", "''") + "_clone', '"
                        + HOSTILE_OWNER.replace("'", "''") + "', 'MEMBER')")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("canary table still there").isTrue();
            assertThat(rs.getInt(2)).as("exactly the user and its clone").isEqualTo(2);
            assertThat(rs.getBoolean(3)).isTrue();
        }
    }

    @Test
    void singleUser_hostileName_rotates() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, HOSTILE_USER + " s", null);
        String old = f.byStage(CURRENT).password();
        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});
        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});
        PASSWORDS.addAll(f.passwords());
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
        assertThat(f.logsIn(HOSTILE_USER + " s", old)).isFalse();
    }

    @Test
    void noSslKey_meansVerifyFull_andAServerWithoutTlsIsRefused_neverPlaintext() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_tls", null);
        ObjectNode v = (ObjectNode) read(f.byStage(CURRENT).toJson());
        v.remove("ssl");
        String password = v.get("password").asText();
        f.store.delegate.putValue(f.secretId, "v-no-ssl", v.toString(), java.util.Set.of(CURRENT));
        PASSWORDS.addAll(f.passwords());
        String token = UUID.randomUUID().toString();

        assertThatThrownBy(() -> f.service.rotateNow(f.secretId, token, RotationStrategy.SINGLE, r -> {}))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.DATABASE_UNREACHABLE);
                    assertThat(e.getMessage()).contains("SSL").contains("\"ssl\": false");
                });

        // Nothing changed in the database: the old password still logs in, CURRENT is unchanged.
        assertThat(f.logsIn("app_tls", password)).isTrue();
        assertThat(f.meta().versionWith(CURRENT)).isEqualTo("v-no-ssl");
    }

    @Test
    void sslPrefer_isRefused_becauseItFallsBackToPlaintext() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_prefer", null);
        ObjectNode v = (ObjectNode) read(f.byStage(CURRENT).toJson());
        v.remove("ssl");
        v.put("sslmode", "prefer");
        f.store.delegate.putValue(f.secretId, "v-prefer", v.toString(), java.util.Set.of(CURRENT));
        PASSWORDS.addAll(f.passwords());

        assertThatThrownBy(() ->
                        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {}))
                .isInstanceOfSatisfying(RotationException.class, e -> {
                    assertThat(e.error()).isEqualTo(RotationError.SECRET_INVALID);
                    assertThat(e.getMessage())
                            .contains("sslmode")
                            .doesNotContain(v.get("password").asText());
                });
    }

    @Test
    void singleUser_currentBroken_fallsBackToPrevious() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.SINGLE, "app_prev", null);
        String token = UUID.randomUUID().toString();
        f.service.rotateNow(f.secretId, token, RotationStrategy.SINGLE, r -> {});
        // Someone puts a CURRENT whose password the database never got; PREVIOUS is the old CURRENT.
        DbSecret good = f.byStage(CURRENT);
        DbSecret wrong = good.with(good.username(), new PasswordGenerator().generate(PasswordPolicy.DEFAULTS));
        f.store.putValue(f.secretId, "v-wrong", wrong.toJson(), java.util.Set.of(CURRENT));
        assertThat(f.logsIn(f.byStage(PREVIOUS))).isTrue();

        f.service.rotateNow(f.secretId, UUID.randomUUID().toString(), RotationStrategy.SINGLE, r -> {});

        PASSWORDS.addAll(f.passwords());
        assertThat(f.logsIn(f.byStage(CURRENT))).isTrue();
    }

    @Test
    void alternatingUsers_currentCannotLogIn_isRefusedBeforeTheAdministratorActs() {
        RotationFixture f = new RotationFixture(dir, RotationStrategy.ALTERNATING, "app_deputy", null);
        DbSecret good = f.byStage(CURRENT);
        DbSecret wrong = good.with(good.username(), new PasswordGenerator().generate(PasswordPolicy.DEFAULTS));
        f.store.putValue(f.secretId, "v-wrong", wrong.toJson(), java.util.Set.of(CURRENT));
        PASSWORDS.addAll(f.passwords());

        assertThatThrownBy(() -> f.service.rotateNow(
                        f.secretId, UUID.randomUUID().toString(), RotationStrategy.ALTERNATING, r -> {}))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.CANNOT_LOG_IN));
        PASSWORDS.addAll(f.passwords());
        assertThat(PasswordPostgres.logsIn(f.database, "app_deputy_clone", "x")).isFalse();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
