package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DbSecretTest {
    private static final String BASE = "\"host\":\"db.example.com\",\"username\":\"app\",\"password\":\"s3cr3t-Value\"";

    private static DbSecret parse(String extra) {
        return DbSecret.parse("{" + BASE + extra + "}", "the test value");
    }

    @Test
    void defaults_port5432_dbPostgres_verifyFull() {
        DbSecret s = parse("");
        assertThat(s.port()).isEqualTo(5432);
        assertThat(s.dbname()).isEqualTo("postgres");
        assertThat(s.sslMode()).isEqualTo("verify-full");
    }

    @Test
    void ssl_falseOrSslmodeDisable_turnTlsOff_onlyThen() {
        assertThat(parse(",\"ssl\":false").sslMode()).isEqualTo("disable");
        assertThat(parse(",\"ssl\":\"false\"").sslMode()).isEqualTo("disable");
        assertThat(parse(",\"sslmode\":\"disable\"").sslMode()).isEqualTo("disable");
        assertThat(parse(",\"ssl\":true").sslMode()).isEqualTo("verify-full");
        assertThat(parse(",\"sslmode\":\"verify-ca\"").sslMode()).isEqualTo("verify-ca");
    }

    @Test
    void sslmodesThatFallBack_orDisagreeing_areRefused() {
        assertThatThrownBy(() -> parse(",\"sslmode\":\"prefer\"")).hasMessageContaining("fall back");
        assertThatThrownBy(() -> parse(",\"sslmode\":\"allow\"")).hasMessageContaining("fall back");
        assertThatThrownBy(() -> parse(",\"ssl\":false,\"sslmode\":\"verify-full\""))
                .hasMessageContaining("disagree");
    }

    @Test
    void hostThatWouldAddUrlSettings_isRefused() {
        assertThatThrownBy(() -> DbSecret.parse(
                        "{\"host\":\"db/x?sslmode=disable\",\"username\":\"a\",\"password\":\"b\"}", "v"))
                .isInstanceOfSatisfying(
                        RotationException.class, e -> assertThat(e.error()).isEqualTo(RotationError.SECRET_INVALID));
        assertThat(DbSecret.parse("{\"host\":\"[::1]\",\"username\":\"a\",\"password\":\"b\"}", "v")
                        .host())
                .isEqualTo("[::1]");
    }

    @Test
    void missingField_orBadJson_isNamed_neverQuoted() {
        assertThatThrownBy(() -> DbSecret.parse("{\"host\":\"h\",\"password\":\"s3cr3t-Value\"}", "CURRENT of x"))
                .hasMessageContaining("CURRENT of x has no 'username'")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> DbSecret.parse("{\"password\":\"s3cr3t-Value\",", "CURRENT of x"))
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void toString_andUrl_neverShowThePassword() {
        DbSecret s = parse(",\"dbname\":\"my db\"");
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("password=***");
        assertThat(PgSecretConnector.url(s)).isEqualTo("jdbc:postgresql://db.example.com:5432/my%20db");
    }

    @Test
    void with_keepsUnknownFields() {
        DbSecret s = parse(",\"masterarn\":\"arn:admin\",\"custom\":42").with("app_clone", "new-Password-1");
        assertThat(s.toJson()).contains("\"custom\":42").contains("app_clone").contains("arn:admin");
        assertThat(s.masterArn()).isEqualTo("arn:admin");
    }
}
