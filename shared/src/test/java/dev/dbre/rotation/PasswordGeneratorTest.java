package dev.dbre.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.port.PasswordPolicy;
import java.security.SecureRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PasswordGeneratorTest {
    private final PasswordGenerator generator = new PasswordGenerator(new SecureRandom());

    @RepeatedTest(20)
    void defaults_32Chars_everyClass_noAlwaysExcludedCharacter() {
        String p = generator.generate(PasswordPolicy.DEFAULTS);

        assertThat(p).hasSize(32);
        assertThat(p).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]");
        assertThat(p.chars().anyMatch(c -> PasswordGenerator.PUNCTUATION.indexOf(c) >= 0))
                .isTrue();
        for (char c : PasswordPolicy.ALWAYS_EXCLUDED.toCharArray()) {
            assertThat(p).doesNotContain(String.valueOf(c));
        }
        PasswordGenerator.check(p, PasswordPolicy.DEFAULTS);
    }

    @Test
    void excludedClassesAndCharacters_areNeverUsed() {
        PasswordPolicy policy =
                new PasswordPolicy(64, PasswordPolicy.ALWAYS_EXCLUDED + "abc", false, false, true, true, true);
        for (int i = 0; i < 50; i++) {
            assertThat(generator.generate(policy))
                    .hasSize(64)
                    .matches("[A-Za-z]+")
                    .doesNotContain("a", "b", "c");
        }
    }

    @Test
    void everyClassExcluded_isRefused() {
        PasswordPolicy none = new PasswordPolicy(32, "", true, true, true, true, true);
        assertThatThrownBy(() -> generator.generate(none))
                .isInstanceOfSatisfying(
                        RotationException.class,
                        e -> assertThat(e.error()).isEqualTo(RotationError.PASSWORD_POLICY_VIOLATED));
    }

    @Test
    void check_refusesWrongLength_excludedCharacter_nonAscii_withoutQuotingThePassword() {
        PasswordPolicy policy = PasswordPolicy.DEFAULTS;
        assertThatThrownBy(() -> PasswordGenerator.check("short", policy)).hasMessageNotContaining("short");
        String withAt = "A".repeat(31) + "@";
        assertThatThrownBy(() -> PasswordGenerator.check(withAt, policy))
                .hasMessageContaining("position 31")
                .hasMessageNotContaining(withAt);
        assertThatThrownBy(() -> PasswordGenerator.check("A".repeat(31) + "é", policy))
                .hasMessageContaining("printable ASCII");
    }
}
