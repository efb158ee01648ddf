package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Ingest's limit for late points ({@link MetricStoreSettings#acceptedFrom}) is maintenance's
 * retention rule ({@link MetricStoreSettings#expired}), seen from the other side.
 */
class AcceptedFromTest {
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void aPointIsAcceptedExactlyWhenNoPartitionARollupRecomputesItFromIsExpired() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            MetricStoreSettings settings = new MetricStoreSettings(
                    false,
                    10,
                    10_000,
                    1000,
                    1 + random.nextInt(5),
                    1 + random.nextInt(60),
                    1 + random.nextInt(500),
                    800,
                    2,
                    3);
            Instant now = START.plusSeconds(random.nextInt(40 * 86_400));
            Instant ts = now.minusSeconds(random.nextLong(600L * 86_400));
            boolean inExpiredPartition = MetricStoreSettings.ROLLUP_SOURCES.stream()
                    .anyMatch(t -> settings.expired(
                            t,
                            t.partition(t.partitionStartDay(MetricTable.epochDay(ts)))
                                    .upper(),
                            now));
            assertThat(ts.isBefore(settings.acceptedFrom(now).from()))
                    .as("%s at %s with %s", ts, now, settings)
                    .isEqualTo(inExpiredPartition);
        }
    }

    @Test
    void theLimitNamesTheTableWhoseRetentionSetsIt() {
        MetricStoreSettings defaults = MetricStoreSettings.DEFAULTS;
        MetricStoreSettings.AcceptedFrom limit = defaults.acceptedFrom(START);
        assertThat(limit.table()).isEqualTo(MetricTable.INTERVAL);
        assertThat(limit.from()).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(limit.tooOld(Instant.parse("2026-11-20T23:59:59Z")))
                .isEqualTo("timestamp 2026-11-20T23:59:59Z is before 2026-11-21T00:00:00Z, where the kept metric_agg"
                        + " partitions begin (DBRE_METRICS_RETENTION_INTERVAL_DAYS=2 days): its re-roll would replace"
                        + " the stored rollups");

        // Minutes kept for a shorter time than the 10 s data: the minutes' retention binds.
        MetricStoreSettings shortMinutes = new MetricStoreSettings(false, 10, 10_000, 1000, 5, 1, 400, 800, 2, 3);
        assertThat(shortMinutes.acceptedFrom(START).table()).isEqualTo(MetricTable.MINUTE);
        assertThat(shortMinutes.acceptedFrom(START).from()).isEqualTo(Instant.parse("2026-11-22T00:00:00Z"));
        assertThat(shortMinutes.acceptedFrom(START).from())
                .isEqualTo(START.minus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.DAYS));
    }

    @Test
    void aPointIsAcceptedUntilTheEndOfTheLastDayMaintenanceMakesPartitionsFor() {
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            int ahead = 1 + random.nextInt(366);
            MetricStoreSettings settings = new MetricStoreSettings(false, 10, 10_000, 1000, 2, 35, 400, 800, 2, ahead);
            Instant now = START.plusSeconds(random.nextInt(40 * 86_400));
            Instant ts = now.plusSeconds(random.nextLong(400L * 86_400));
            long lastDayMadeAhead = MetricTable.epochDay(now) + ahead;
            assertThat(ts.isBefore(settings.acceptedUntil(now).until()))
                    .as("%s at %s, %d days ahead", ts, now, ahead)
                    .isEqualTo(MetricTable.epochDay(ts) <= lastDayMadeAhead);
        }
        MetricStoreSettings.AcceptedUntil limit = MetricStoreSettings.DEFAULTS.acceptedUntil(START);
        assertThat(limit.until()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(limit.tooNew(Instant.parse("2026-11-27T00:00:00Z")))
                .isEqualTo("timestamp 2026-11-27T00:00:00Z is at or after 2026-11-27T00:00:00Z, the end of the"
                        + " partitions made ahead (DBRE_METRICS_PARTITIONS_AHEAD_DAYS=3 days): a sender's clock or |T"
                        + " is wrong");
    }

    @Test
    void theRollupSourcesAreTheTablesMaintenanceRecomputesFrom() {
        assertThat(Arrays.stream(MaintenanceService.Rollup.values()).map(r -> r.source))
                .containsExactlyElementsOf(MetricStoreSettings.ROLLUP_SOURCES);
    }
}
