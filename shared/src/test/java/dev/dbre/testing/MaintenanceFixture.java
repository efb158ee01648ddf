package dev.dbre.testing;

import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the maintenance functions' tests of every cloud start from: a few points ingested through the
 * core into the test database, in two minutes of the hour that starts at {@link #T0}, and a clock
 * that has moved past that hour (so both minutes and the hour are closed).
 */
public final class MaintenanceFixture {
    /** The hour the points fall in. */
    public static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    /** Where the clock stands at the tick: 65 minutes after {@link #T0}. */
    public static final Instant TICK = T0.plusSeconds(65 * 60);

    /** The interval partition {@link #TICK}'s run creates furthest ahead (3 days, the default). */
    public static final String LAST_PARTITION_AHEAD = "metric_agg_p20261126";

    private MaintenanceFixture() {}

    /** Stores {@code hits:1|c} in the first minute of {@link #T0} and {@code hits:2|c} in the second. */
    public static void ingestTwoMinutes(TestDatabase db) {
        long t = T0.getEpochSecond();
        String payload = "hits:1|c|T" + (t + 5) + "\nhits:2|c|T" + (t + 65) + "\n";
        new IngestService(
                        db.connections(),
                        ParseLimits.DEFAULTS,
                        MetricStoreSettings.DEFAULTS,
                        Clock.fixed(T0, java.time.ZoneOffset.UTC))
                .ingest(new IngestBatch(
                        "test:maintenance",
                        List.of(new SourceRecord(
                                "shard-1",
                                "1",
                                T0,
                                payload.getBytes(StandardCharsets.UTF_8),
                                PayloadFormat.DOGSTATSD))));
    }

    /** Rows of the 1-minute and 1-hour rollups, as {@code "<minutes>/<hours>"}. */
    public static String rollupRows(TestDatabase db) throws SQLException {
        return db.queryLong("select count(*) from metric_agg_1m") + "/"
                + db.queryLong("select count(*) from metric_agg_1h");
    }

    /** Whether the partition {@code name} exists. */
    public static boolean partitionExists(TestDatabase db, String name) throws SQLException {
        return db.queryLong("select count(*) from pg_class where relname = '" + name + "'") == 1;
    }
}
