package dev.dbre.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotNamesTest {
    static final Instant SLOT = Instant.parse("2026-11-23T22:00:00Z");

    @Test
    void name_isDbAndUtcSlotStart() {
        assertThat(SnapshotNames.name("orders-prod", SLOT)).isEqualTo("dbre-orders-prod-20261123-2200");
    }

    @Test
    void slotStart_floorsToTheSlot_inUtc() {
        Instant t = Instant.parse("2026-11-23T22:44:59Z");
        assertThat(SnapshotNames.slotStart(t, Duration.ofHours(1))).isEqualTo(SLOT);
        assertThat(SnapshotNames.slotStart(t, Duration.ofMinutes(15))).isEqualTo(Instant.parse("2026-11-23T22:30:00Z"));
        assertThat(SnapshotNames.slotStart(t, Duration.ofDays(1))).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    }

    @ParameterizedTest
    @CsvSource({
        "Orders, orders",
        "a, a",
        "my_db, my-db-",
        "my.db, my-db-",
        "--x--y--, x-y-",
        "__, db-",
        "'', db-",
    })
    void sanitise_keepsValidIdsAndHashesChangedOnes(String id, String expectedPrefix) {
        String s = SnapshotNames.sanitise(id);

        assertThat(s).startsWith(expectedPrefix);
        assertThat(SnapshotNames.isValidIdentifier(SnapshotNames.name(id, SLOT)))
                .isTrue();
        if (!expectedPrefix.endsWith("-")) {
            assertThat(s).isEqualTo(expectedPrefix);
        } else {
            assertThat(s).matches(java.util.regex.Pattern.quote(expectedPrefix) + "[0-9a-f]{8}");
        }
    }

    @Test
    void idsThatSanitiseAlike_getDifferentNames() {
        assertThat(SnapshotNames.name("my_db", SLOT)).isNotEqualTo(SnapshotNames.name("my.db", SLOT));
    }

    @Test
    void longIds_areCutTo255Characters() {
        String name = SnapshotNames.name("d".repeat(400), SLOT);

        assertThat(name).hasSize(255).endsWith("-20261123-2200");
        assertThat(SnapshotNames.isValidIdentifier(name)).isTrue();
        assertThat(SnapshotNames.name("d".repeat(401), SLOT)).isNotEqualTo(name);
    }

    @Test
    void identifierRules_matchRds() {
        assertThat(SnapshotNames.isValidIdentifier("dbre-a-20261123-2200")).isTrue();
        assertThat(SnapshotNames.isValidIdentifier("1abc")).isFalse();
        assertThat(SnapshotNames.isValidIdentifier("a--b")).isFalse();
        assertThat(SnapshotNames.isValidIdentifier("ab-")).isFalse();
        assertThat(SnapshotNames.isValidIdentifier("a_b")).isFalse();
        assertThat(SnapshotNames.isValidIdentifier("a".repeat(256))).isFalse();
    }
}
