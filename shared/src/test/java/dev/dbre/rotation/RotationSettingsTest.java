package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RotationSettingsTest {
    @Test
    void defaults_areAwsDefaults_plusTheAlwaysExcludedCharacters() {
        RotationSettings s = RotationSettings.fromEnv(new Env(Map.of()));

        assertThat(s.strategy()).isEqualTo(RotationStrategy.SINGLE);
        assertThat(s.passwordPolicy().length()).isEqualTo(32);
        assertThat(s.passwordPolicy().requireEachIncludedType()).isTrue();
        assertThat(s.passwordPolicy().excludeCharacters()).contains(":", "/", "@", "\"", "'", "\\", ";", " ");
        assertThat(s.sslRootCert()).isNull();
    }

    @Test
    void awsNamedVariables_areRead() {
        RotationSettings s = RotationSettings.fromEnv(new Env(Map.of(
                "DBRE_ROTATION_STRATEGY", "alternating",
                "PASSWORD_LENGTH", "48",
                "EXCLUDE_CHARACTERS", "xyz",
                "EXCLUDE_PUNCTUATION", "true",
                "REQUIRE_EACH_INCLUDED_TYPE", "false",
                "DBRE_DB_SSLROOTCERT", "/opt/rds-ca.pem")));

        assertThat(s.strategy()).isEqualTo(RotationStrategy.ALTERNATING);
        assertThat(s.passwordPolicy().length()).isEqualTo(48);
        assertThat(s.passwordPolicy().excludeCharacters()).contains("x", "y", "z", "@");
        assertThat(s.passwordPolicy().excludePunctuation()).isTrue();
        assertThat(s.passwordPolicy().requireEachIncludedType()).isFalse();
        assertThat(s.sslRootCert()).isEqualTo("/opt/rds-ca.pem");
    }

    @Test
    void badValues_nameTheVariable() {
        assertThatThrownBy(() -> RotationSettings.fromEnv(new Env(Map.of("PASSWORD_LENGTH", "8"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("PASSWORD_LENGTH"));
        assertThatThrownBy(() -> RotationSettings.fromEnv(new Env(Map.of("DBRE_ROTATION_STRATEGY", "triple"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("DBRE_ROTATION_STRATEGY"));
        assertThatThrownBy(() -> RotationSettings.fromEnv(new Env(Map.of(
                        "EXCLUDE_UPPERCASE", "true",
                        "EXCLUDE_LOWERCASE", "true",
                        "EXCLUDE_NUMBERS", "true",
                        "EXCLUDE_PUNCTUATION", "true"))))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.variable()).isEqualTo("EXCLUDE_CHARACTERS"));
    }
}
