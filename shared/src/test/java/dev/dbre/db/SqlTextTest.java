package dev.dbre.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTextTest {
    @Test
    void identifier_doublesQuotes_andKeepsSpacesSemicolonsAndCase() {
        assertThat(SqlText.identifier("app")).isEqualTo("\"app\"");
        assertThat(SqlText.identifier("We\"ird; DROP TABLE x; --")).isEqualTo("\"We\"\"ird; DROP TABLE x; --\"");
    }

    @Test
    void identifier_emptyOrNul_isRefused() {
        assertThatThrownBy(() -> SqlText.identifier("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SqlText.identifier("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void literal_doublesSingleQuotes() {
        assertThat(SqlText.literal("it's")).isEqualTo("'it''s'");
    }

    @Test
    void literal_backslash_isRefusedWithoutRepeatingTheValue() {
        assertThatThrownBy(() -> SqlText.literal("se\\cret'"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("se\\cret");
    }
}
