package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DbSettingsSecretTest {
    @Test
    void secretAuth_needsNoUser() {
        DbSettings s = DbSettings.fromEnv(new Env(
                Map.of(DbSettings.HOST, "db.example", DbSettings.AUTH, "secret", DbSettings.SECRET_ID, "app/db")));

        assertThat(s.auth()).isEqualTo(DbAuth.SECRET);
        assertThat(s.user()).isNull();
        assertThat(s.secretId()).isEqualTo("app/db");
    }

    @Test
    void secretAuth_withoutSecretId_failsNamingIt() {
        assertThatThrownBy(() ->
                        DbSettings.fromEnv(new Env(Map.of(DbSettings.HOST, "db.example", DbSettings.AUTH, "secret"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbSettings.SECRET_ID));
    }

    @Test
    void iamAuth_stillNeedsAUser() {
        assertThatThrownBy(() -> DbSettings.fromEnv(new Env(Map.of(DbSettings.HOST, "db.example"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo(DbSettings.USER));
    }
}
