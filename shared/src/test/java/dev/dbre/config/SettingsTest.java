package dev.dbre.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.backup.RetryPolicy;
import dev.dbre.config.Settings.Setting;
import dev.dbre.db.DbSettings;
import dev.dbre.db.DbTimeouts;
import dev.dbre.ingest.http.HttpIngestLimits;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.restore.RestoreService;
import dev.dbre.rotation.RotationSettings;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalogue is well formed, and its defaults are the ones the shared code applies. */
class SettingsTest {
    private static final Env EMPTY = new Env(Map.of());

    private static String defaultOf(String name) {
        return Settings.find(name)
                .orElseThrow(() -> new AssertionError(name + " is not in Settings.ALL"))
                .defaultValue();
    }

    @Test
    void everyNameOnce_withAMeaningAndAllowedValues() {
        Set<String> seen = new HashSet<>();
        for (Setting s : Settings.ALL) {
            assertThat(seen.add(s.name())).as("%s is declared twice", s.name()).isTrue();
            assertThat(s.meaning()).as("meaning of %s", s.name()).isNotBlank();
            assertThat(s.allowed()).as("allowed values of %s", s.name()).isNotBlank();
            assertThat(s.readBy()).as("modules that read %s", s.name()).isNotEmpty();
        }
    }

    @Test
    void catalogueDefaults_areTheDefaultsTheSharedCodeApplies() {
        DbSettings db = DbSettings.fromEnv(new Env(Map.of(DbSettings.HOST, "db", DbSettings.USER, "app")));
        assertThat(defaultOf(DbSettings.PORT)).isEqualTo(String.valueOf(db.port()));
        assertThat(defaultOf(DbSettings.NAME)).isEqualTo(db.database());
        assertThat(defaultOf(DbSettings.AUTH)).isEqualTo(db.auth().name().toLowerCase(Locale.ROOT));
        assertThat(defaultOf(DbSettings.SSLMODE)).isEqualTo(db.sslMode());

        DbTimeouts t = DbTimeouts.fromEnv(EMPTY);
        assertThat(defaultOf(DbTimeouts.CONNECT)).isEqualTo(String.valueOf(t.connectSeconds()));
        assertThat(defaultOf(DbTimeouts.STATEMENT)).isEqualTo(String.valueOf(t.statementSeconds()));
        assertThat(defaultOf(DbTimeouts.LOCK)).isEqualTo(String.valueOf(t.lockSeconds()));
        assertThat(defaultOf(DbTimeouts.SOCKET)).isEqualTo(String.valueOf(t.socketSeconds()));

        ParseLimits p = ParseLimits.fromEnv(EMPTY);
        assertThat(defaultOf(ParseLimits.ENV_MAX_LINE_BYTES)).isEqualTo(String.valueOf(p.maxLineBytes()));
        assertThat(defaultOf(ParseLimits.ENV_MAX_NAME_BYTES)).isEqualTo(String.valueOf(p.maxNameBytes()));
        assertThat(defaultOf(ParseLimits.ENV_MAX_TAGS)).isEqualTo(String.valueOf(p.maxTags()));
        assertThat(defaultOf(ParseLimits.ENV_MAX_PACKED_VALUES)).isEqualTo(String.valueOf(p.maxPackedValues()));

        HttpIngestLimits h = HttpIngestLimits.fromEnv(EMPTY);
        assertThat(defaultOf(HttpIngestLimits.ENV_MAX_BODY_BYTES)).isEqualTo(String.valueOf(h.maxBodyBytes()));
        assertThat(defaultOf(HttpIngestLimits.ENV_MAX_DECODED_BYTES)).isEqualTo(String.valueOf(h.maxDecodedBytes()));

        RetryPolicy r = RetryPolicy.fromEnv(EMPTY);
        assertThat(defaultOf(RetryPolicy.ENV_MAX_ATTEMPTS)).isEqualTo(String.valueOf(r.maxAttempts()));
        assertThat(defaultOf(RetryPolicy.ENV_BASE_DELAY_MS))
                .isEqualTo(String.valueOf(r.baseDelay().toMillis()));
        assertThat(defaultOf(RetryPolicy.ENV_MAX_DELAY_MS))
                .isEqualTo(String.valueOf(r.maxDelay().toMillis()));

        assertThat(defaultOf(RestoreService.TIMEOUT)).isEqualTo(RestoreService.DEFAULT_TIMEOUT.toString());
        assertThat(defaultOf(RotationSettings.STRATEGY))
                .isEqualTo(RotationSettings.fromEnv(EMPTY).strategy().name().toLowerCase(Locale.ROOT));
    }
}
