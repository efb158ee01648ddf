package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metric store's settings as the functions read them from their environment. */
class MetricStoreSettingsTest {
    @Test
    void noVariables_areTheDocumentedDefaults() {
        assertThat(MetricStoreSettings.fromEnv(new Env(Map.of()))).isEqualTo(MetricStoreSettings.DEFAULTS);
        assertThat(MetricStoreSettings.DEFAULTS.rawPoints()).isFalse();
        assertThat(MetricStoreSettings.WITH_RAW_POINTS)
                .isEqualTo(MetricStoreSettings.DEFAULTS.withRawPoints(true))
                .extracting(MetricStoreSettings::rawPoints)
                .isEqualTo(true);
    }

    @Test
    void everyVariable_setsItsField() {
        MetricStoreSettings s = MetricStoreSettings.fromEnv(new Env(Map.of(
                "DBRE_INGEST_RAW", " On ",
                "DBRE_METRICS_INTERVAL_SECONDS", "30",
                "DBRE_METRICS_MAX_NEW_SERIES_PER_MINUTE", "7",
                "DBRE_METRICS_SERIES_CACHE", "9",
                "DBRE_METRICS_RETENTION_INTERVAL_DAYS", "3",
                "DBRE_METRICS_RETENTION_1M_DAYS", "4",
                "DBRE_METRICS_RETENTION_1H_DAYS", "5",
                "DBRE_METRICS_RETENTION_1D_DAYS", "6",
                "DBRE_INGEST_RAW_RETENTION_DAYS", "8",
                "DBRE_METRICS_PARTITIONS_AHEAD_DAYS", "10")));
        assertThat(s).isEqualTo(new MetricStoreSettings(true, 30, 7, 9, 3, 4, 5, 6, 8, 10));
        assertThat(s.withMaxNewSeriesPerMinute(11))
                .isEqualTo(new MetricStoreSettings(true, 30, 11, 9, 3, 4, 5, 6, 8, 10));
        assertThat(s.withRawPoints(false)).isEqualTo(new MetricStoreSettings(false, 30, 7, 9, 3, 4, 5, 6, 8, 10));
    }

    @Test
    void rawTakesOnOffAndTheirUsualSpellings_blankIsTheDefault_anythingElseNamesTheVariable() {
        for (String on : new String[] {"on", "true", "1", "YES"}) {
            assertThat(raw(on)).as(on).isTrue();
        }
        for (String off : new String[] {"off", "False", "0", "no", " "}) {
            assertThat(raw(off)).as(off).isFalse();
        }
        assertThatThrownBy(() -> raw("sometimes"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_INGEST_RAW")
                .hasMessageContaining("must be on or off, was 'sometimes'");
    }

    @Test
    void anIntervalThatDoesNotDivide60_isRefusedNamingTheVariable() {
        for (String ok : new String[] {"1", "2", "5", "10", "15", "20", "30", "60"}) {
            assertThat(MetricStoreSettings.fromEnv(new Env(Map.of("DBRE_METRICS_INTERVAL_SECONDS", ok)))
                            .intervalSeconds())
                    .isEqualTo(Integer.parseInt(ok));
        }
        assertThatThrownBy(() -> MetricStoreSettings.fromEnv(new Env(Map.of("DBRE_METRICS_INTERVAL_SECONDS", "7"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_METRICS_INTERVAL_SECONDS")
                .hasMessageContaining("must divide 60 (1, 2, 5, 10, 15, 20, 30 or 60), was 7");
    }

    @Test
    void theRecordRefusesWhatNoVariableCouldGive_atEachBoundary() {
        assertThatThrownBy(() -> new MetricStoreSettings(false, 0, 1, 1, 1, 1, 1, 1, 1, 1))
                .hasMessage("intervalSeconds must divide 60, was 0");
        assertThatThrownBy(() -> new MetricStoreSettings(false, 7, 1, 1, 1, 1, 1, 1, 1, 1))
                .hasMessage("intervalSeconds must divide 60, was 7");
        assertThatThrownBy(() -> new MetricStoreSettings(false, 10, 0, 1, 1, 1, 1, 1, 1, 1))
                .hasMessage("series limits must be positive");
        assertThatThrownBy(() -> new MetricStoreSettings(false, 10, 1, 0, 1, 1, 1, 1, 1, 1))
                .hasMessage("series limits must be positive");
        for (int field = 0; field < 5; field++) {
            int[] days = {1, 1, 1, 1, 1};
            days[field] = 0;
            assertThatThrownBy(() ->
                            new MetricStoreSettings(false, 10, 1, 1, days[0], days[1], days[2], days[3], days[4], 1))
                    .hasMessage("retention days must be positive");
        }
        // The smallest values each check lets through.
        assertThat(new MetricStoreSettings(false, 1, 1, 1, 1, 1, 1, 1, 1, 1).intervalSeconds())
                .isEqualTo(1);
    }

    private static boolean raw(String value) {
        return MetricStoreSettings.fromEnv(new Env(Map.of("DBRE_INGEST_RAW", value)))
                .rawPoints();
    }
}
