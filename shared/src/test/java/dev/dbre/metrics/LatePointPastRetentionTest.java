package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A late point (a {@code |T} in a bucket already rolled up) with a moving clock: inside the
 * retention of the data its rollups are recomputed from, it is counted by the next run; past it
 * (the partition it would land in is expired, and maybe dropped), it is a {@code TOO_OLD} reject
 * and the stored minute and hour keep their numbers, where a re-roll would have replaced them with
 * the late point alone. A point timed after the partitions made ahead is a {@code TOO_NEW}
 * reject.
 */
@ExtendWith(PostgresExtension.class)
class LatePointPastRetentionTest {
    /** A minute of the day before the clock starts; its interval partition is that day's. */
    private static final Instant MINUTE = Instant.parse("2026-11-22T10:07:00Z");

    private static final MetricStoreSettings SETTINGS = MetricStoreSettings.DEFAULTS;
    private static final String SOURCE = "test:late-points";

    private final TestDatabase db;
    private final MetricQueryService queries;
    private final MaintenanceService maintenance;
    private MutableClock clock;
    private IngestService ingest;
    private int sequence;

    LatePointPastRetentionTest(TestDatabase db) {
        this.db = db;
        this.queries = new MetricQueryService(db.connections(), SETTINGS.intervalSeconds());
        this.maintenance = new MaintenanceService(db.connections(), SETTINGS);
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects, metric_agg, metric_agg_1m, metric_agg_1h, metric_agg_1d, metric_rollup_queue,"
                + " metric_series, metric_rollup_state, metric_minute_changes");
        clock = new MutableClock(MINUTE.plusSeconds(90));
        ingest = new IngestService(db.connections(), ParseLimits.DEFAULTS, SETTINGS, clock);
    }

    @Test
    void aLatePointAfterItsIntervalPartitionWasDropped_isTooOld_andTheMinuteAndHourKeepTheirCount() throws Exception {
        assertThat(store("late.hits:5|c|T" + MINUTE.getEpochSecond()).outcome()).isEqualTo(RecordOutcome.STORED);
        maintain();
        assertThat(sum("late.hits", MINUTE, Duration.ofMinutes(1))).isEqualTo(5);

        // Three days on, the day's 10 s partition is past its 2-day retention: dropped.
        clock.advance(Duration.ofDays(3));
        MaintenanceService.Report dropping = maintain();
        String intervalPartition =
                MetricTable.INTERVAL.partition(MetricTable.epochDay(MINUTE)).name();
        assertThat(dropping.droppedByTable().get(MetricTable.INTERVAL)).contains(intervalPartition);

        String late = "late.hits:1|c|T" + MINUTE.plusSeconds(20).getEpochSecond();
        String lateCheck = "_sc|late.up|2|d:" + MINUTE.plusSeconds(25).getEpochSecond();
        Instant arrival = clock.instant();
        RecordResult result = store(late + "\n" + lateCheck + "\nfresh.hits:1|c");
        clock.advance(Duration.ofMinutes(5));
        maintain();

        // The old code stored it and re-rolled the minute from it alone: 1, not 5 (nor 6).
        assertThat(sum("late.hits", MINUTE, Duration.ofMinutes(1))).isEqualTo(5);
        assertThat(sum("late.hits", MINUTE.minusSeconds(7 * 60), Duration.ofHours(1)))
                .isEqualTo(5);
        assertThat(result.outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(result.rejected()).isEqualTo(2);
        String why = " is before 2026-11-23T00:00:00Z, where the kept metric_agg partitions begin"
                + " (DBRE_METRICS_RETENTION_INTERVAL_DAYS=2 days): its re-roll would replace the stored rollups";
        assertThat(rejects())
                .containsExactly(
                        "1|TOO_OLD|" + late + "|timestamp " + MINUTE.plusSeconds(20) + why,
                        "2|TOO_OLD|" + lateCheck + "|timestamp " + MINUTE.plusSeconds(25) + why);
        assertThat(partitions()).as("no expired partition re-created").doesNotContain(intervalPartition);
        assertThat(sum("fresh.hits", arrival.truncatedTo(ChronoUnit.MINUTES), Duration.ofMinutes(1)))
                .as("the batch went on: its fresh line is stored")
                .isEqualTo(1);
    }

    @Test
    void aLatePointAfterTheMinutesOfItsHourWereDropped_isTooOld_andTheHourKeepsItsCount() throws Exception {
        Instant hour = MINUTE.minusSeconds(7 * 60);
        store("late.hits:7|c|T" + MINUTE.getEpochSecond() + "\nlate.hits:5|c|T"
                + MINUTE.plusSeconds(60).getEpochSecond());
        clock.advance(Duration.ofHours(1));
        maintain();
        assertThat(sum("late.hits", hour, Duration.ofHours(1))).isEqualTo(12);

        // Forty days on, the minutes of that day are past their 35-day retention: dropped.
        clock.advance(Duration.ofDays(40));
        MaintenanceService.Report dropping = maintain();
        assertThat(dropping.droppedByTable().get(MetricTable.MINUTE))
                .contains(MetricTable.MINUTE
                        .partition(MetricTable.epochDay(MINUTE))
                        .name());

        String late = "late.hits:1|c|T" + MINUTE.plusSeconds(20).getEpochSecond();
        RecordResult result = store(late);
        clock.advance(Duration.ofMinutes(5));
        maintain();

        // The old code re-rolled the hour from the late point's minute alone: 1, not 12.
        assertThat(sum("late.hits", hour, Duration.ofHours(1))).isEqualTo(12);
        assertThat(result.outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(rejects()).singleElement().asString().startsWith("1|TOO_OLD|" + late + "|timestamp ");
    }

    @Test
    void aLatePointJustInsideTheRetention_isCountedByTheNextRun_aSecondLaterItIsTooOld() throws Exception {
        store("late.hits:5|c|T" + MINUTE.getEpochSecond());
        maintain();
        // The last second before the day's 10 s partition expires: it is kept, the point counts.
        Instant expiry = MetricTable.INTERVAL
                .partition(MetricTable.epochDay(MINUTE))
                .upper()
                .plus(Duration.ofDays(SETTINGS.intervalRetentionDays()));
        clock.advance(Duration.between(clock.instant(), expiry.minusSeconds(1)));
        assertThat(store("late.hits:1|c|T" + MINUTE.plusSeconds(20).getEpochSecond())
                        .outcome())
                .isEqualTo(RecordOutcome.STORED);
        maintain();
        assertThat(sum("late.hits", MINUTE, Duration.ofMinutes(1))).isEqualTo(6);

        clock.advance(Duration.ofSeconds(1));
        assertThat(store("late.hits:1|c|T" + MINUTE.plusSeconds(30).getEpochSecond())
                        .outcome())
                .isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        maintain();
        assertThat(sum("late.hits", MINUTE, Duration.ofMinutes(1))).isEqualTo(6);
    }

    @Test
    void aPointPastThePartitionsMadeAhead_isTooNew_andCreatesNoPartition_theSecondBeforeIsStored() throws Exception {
        // The clock is on 2026-11-22: maintenance makes partitions up to 3 days ahead, to the 25th.
        Instant limit = Instant.parse("2026-11-26T00:00:00Z");
        assertThat(SETTINGS.acceptedUntil(clock.instant()).until()).isEqualTo(limit);
        String lastSecond = "early.hits:2|c|T" + limit.minusSeconds(1).getEpochSecond();
        String atLimit = "early.hits:3|c|T" + limit.getEpochSecond();
        String farAhead =
                "_sc|early.up|0|d:" + Instant.parse("9999-12-31T00:00:00Z").getEpochSecond();

        String checkLastSecond = "_sc|early.up|1|d:" + limit.minusSeconds(1).getEpochSecond();
        String checkAtLimit = "_sc|early.up|2|d:" + limit.getEpochSecond();

        RecordResult result =
                store(lastSecond + "\n" + atLimit + "\n" + farAhead + "\n" + checkLastSecond + "\n" + checkAtLimit);

        assertThat(result.outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(result.rejected()).isEqualTo(3);
        String why = ", the end of the partitions made ahead (DBRE_METRICS_PARTITIONS_AHEAD_DAYS=3 days):"
                + " a sender's clock or |T is wrong";
        assertThat(rejects())
                .containsExactly(
                        "2|TOO_NEW|" + atLimit + "|timestamp " + limit + " is at or after " + limit + why,
                        "3|TOO_NEW|" + farAhead + "|timestamp 9999-12-31T00:00:00Z is at or after " + limit + why,
                        "5|TOO_NEW|" + checkAtLimit + "|timestamp " + limit + " is at or after " + limit + why);
        assertThat(sum("early.hits", limit.minusSeconds(60), Duration.ofMinutes(1)))
                .isEqualTo(2);
        assertThat(partitions())
                .as("the last accepted day's partition, none after it")
                .contains(MetricTable.INTERVAL
                        .partition(MetricTable.epochDay(limit) - 1)
                        .name())
                .doesNotContain(
                        MetricTable.INTERVAL
                                .partition(MetricTable.epochDay(limit))
                                .name(),
                        MetricTable.INTERVAL
                                .partition(MetricTable.epochDay(Instant.parse("9999-12-31T00:00:00Z")))
                                .name());
    }

    @Test
    void theFirstAcceptedSecondIsStored_theOneBeforeIsTooOld_andALineWithoutTUsesItsRecordsArrival() throws Exception {
        clock.advance(Duration.ofDays(3));
        Instant from = SETTINGS.acceptedFrom(clock.instant()).from();
        assertThat(from).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        String atFrom = "edge.hits:4|c|T" + from.getEpochSecond();
        String before = "edge.hits:9|c|T" + from.minusSeconds(1).getEpochSecond();
        String checkAtFrom = "_sc|edge.up|0|d:" + from.getEpochSecond();
        assertThat(store(atFrom + "\n" + before + "\n" + checkAtFrom).rejected())
                .isEqualTo(1);
        assertThat(sum("edge.hits", from, Duration.ofMinutes(1))).isEqualTo(4);

        // No |T: the record's arrival (a consumer days behind its stream) is the point's time.
        Instant arrival = MINUTE.plusMillis(250);
        SourceRecord late = new SourceRecord(
                "shard-1",
                String.valueOf(++sequence),
                arrival,
                "edge.hits:1|c".getBytes(StandardCharsets.UTF_8),
                PayloadFormat.DOGSTATSD);
        assertThat(ingest.ingest(new IngestBatch(SOURCE, List.of(late)))
                        .records()
                        .get(0)
                        .rejected())
                .isEqualTo(1);
        assertThat(rejects())
                .extracting(r -> r.substring(0, r.indexOf(" is before ")))
                .containsExactly(
                        "1|TOO_OLD|edge.hits:1|c|timestamp 2026-11-22T10:07:00.250Z",
                        "2|TOO_OLD|" + before + "|timestamp 2026-11-22T23:59:59Z");
    }

    private RecordResult store(String payload) throws Exception {
        SourceRecord r = new SourceRecord(
                "shard-1",
                String.valueOf(++sequence),
                clock.instant(),
                payload.getBytes(StandardCharsets.UTF_8),
                PayloadFormat.DOGSTATSD);
        return ingest.ingest(new IngestBatch(SOURCE, List.of(r))).records().get(0);
    }

    private MaintenanceService.Report maintain() throws SQLException {
        return maintenance.run(clock.instant());
    }

    /** The count of {@code name} in one step from {@code from}. */
    private double sum(String name, Instant from, Duration step) throws SQLException {
        QueryResult r = queries.query(new MetricQuery(MetricSelector.parse(name), from, from.plus(step), step));
        assertThat(r.steps()).hasSize(1);
        return r.steps().get(0).sum();
    }

    /** {@code line|reason|raw|detail} of every reject, by line. */
    private List<String> rejects() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("select line, reason, convert_from(raw, 'UTF8'), detail"
                        + " from ingest_rejects order by line");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return out;
    }

    private List<String> partitions() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.open();
                PreparedStatement ps = c.prepareStatement("select c.relname from pg_inherits i"
                        + " join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent"
                        + " where p.relname = 'metric_agg'");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
