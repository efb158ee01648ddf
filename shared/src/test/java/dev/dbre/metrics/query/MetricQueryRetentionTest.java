package dev.dbre.metrics.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.testing.IngestedMetrics;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query API past retention, on the embedded PostgreSQL with a moving clock: points written
 * through the real ingest at known ages, rolled up and dropped by the real maintenance at the
 * default retention (10 s: 2 days, 1 min: 35 days, 1 h: 400 days, 1 d: 800 days); a range inside a
 * resolution's retention is read from it, a longer one from a coarser step or refused, never
 * answered with the zeros of dropped partitions.
 */
@ExtendWith(PostgresExtension.class)
class MetricQueryRetentionTest {
    /** Not on a minute: the kept 1-minute data begins at the minute holding now − 35 days. */
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:30Z");

    private final TestDatabase db;
    private final MutableClock clock = new MutableClock(NOW);
    private final IngestService ingest;
    private final MaintenanceService maintenance;
    private final MetricQueryService queries;

    MetricQueryRetentionTest(TestDatabase db) {
        this.db = db;
        MetricStoreSettings settings = MetricStoreSettings.DEFAULTS;
        this.ingest = new IngestService(db.connections(), ParseLimits.DEFAULTS, settings, clock);
        this.maintenance = new MaintenanceService(db.connections(), settings);
        this.queries = new MetricQueryService(db.connections(), settings, clock);
    }

    @BeforeEach
    void clean() throws SQLException {
        IngestedMetrics.clean(db);
    }

    /** One count of 1 at each age; maintenance at NOW rolls them up and drops what is past retention. */
    private void storeAtAgesAndMaintain() throws SQLException {
        for (Duration age : List.of(
                Duration.ofDays(1),
                Duration.ofDays(3),
                Duration.ofDays(34),
                Duration.ofDays(35).minusSeconds(10),
                Duration.ofDays(38),
                Duration.ofDays(500))) {
            // Each stored when it was fresh (older points are TOO_OLD), with no maintenance since.
            storeAt(NOW.minus(age), "age-" + age, "hits:1|c|T" + NOW.minus(age).getEpochSecond());
        }
        maintenance.run(NOW);
    }

    @Test
    void aRangeInsideEachRetention_isReadFromTheResolutionItsStepAsksFor() throws Exception {
        storeAtAgesAndMaintain();

        QueryResult tenSeconds = sum(NOW.minus(Duration.ofDays(1).plusMinutes(1)), Duration.ofSeconds(10));
        assertThat(tenSeconds.resolution()).isEqualTo(Resolution.INTERVAL);
        assertThat(total(tenSeconds)).isEqualTo(1);

        QueryResult minutes = sum(NOW.minus(Duration.ofDays(34).plusHours(1)), Duration.ofMinutes(1));
        assertThat(minutes.resolution()).isEqualTo(Resolution.MINUTE);
        assertThat(total(minutes)).isEqualTo(3);

        QueryResult hours = sum(NOW.minus(Duration.ofDays(399)), Duration.ofHours(1));
        assertThat(hours.resolution()).isEqualTo(Resolution.HOUR);
        assertThat(total(hours)).isEqualTo(5);

        Instant midnight = Instant.parse("2025-07-01T00:00:00Z"); // 510 days before NOW
        QueryResult days = sum(midnight, Duration.ofDays(1));
        assertThat(days.resolution()).isEqualTo(Resolution.DAY);
        assertThat(total(days)).isEqualTo(6);
    }

    @Test
    void aRangePastTheStepsRetention_isRefusedNamingTheRetentionAndTheCoarserStep() throws Exception {
        storeAtAgesAndMaintain();

        assertThatThrownBy(() -> sum(NOW.minus(Duration.ofDays(3)), Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(BeyondRetentionException.class, e -> {
                    assertThat(e.resolution()).isEqualTo(Resolution.INTERVAL);
                    assertThat(e.coarserStep()).isEqualTo("1m");
                    assertThat(e.rollupBehind()).isFalse();
                })
                .hasMessageContaining("10-second data is kept 2 days (from 2026-11-21T10:00:30Z)")
                .hasMessageContaining("needs a step of 1m");

        assertThatThrownBy(() -> sum(NOW.minus(Duration.ofDays(40)), Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(
                        BeyondRetentionException.class,
                        e -> assertThat(e.coarserStep()).isEqualTo("1h"))
                .hasMessageContaining("1-minute data is kept 35 days (from 2026-10-19T10:00:00Z)")
                .hasMessageContaining("a range from 2026-10-14T10:00:00Z needs a step of 1h")
                .hasMessageContaining("or a start within 35 days");

        assertThatThrownBy(() -> sum(NOW.minus(Duration.ofDays(450)), Duration.ofHours(1)))
                .isInstanceOfSatisfying(
                        BeyondRetentionException.class,
                        e -> assertThat(e.coarserStep()).isEqualTo("1d"))
                .hasMessageContaining("1-hour data is kept 400 days");

        assertThatThrownBy(() -> sum(Instant.parse("2024-06-01T00:00:00Z"), Duration.ofDays(1)))
                .isInstanceOfSatisfying(
                        BeyondRetentionException.class,
                        e -> assertThat(e.coarserStep()).isNull())
                .hasMessageContaining("1-day data is kept 800 days")
                .hasMessageContaining("older than any data kept");
    }

    @Test
    void pastTheMinutesRetention_anHourStepReadsWhatTheMinutesNoLongerHave() throws Exception {
        storeAtAgesAndMaintain();
        Instant from = NOW.minus(Duration.ofDays(40));
        // What the query answered before retention was checked, and what a reader that knows no
        // retention still gets: the point 38 days ago is gone from the minutes, silently.
        QueryResult unchecked = new MetricQueryService(db.connections(), 10)
                .query(new MetricQuery(MetricSelector.parse("hits"), from, NOW, Duration.ofMinutes(1)));
        assertThat(total(unchecked)).isEqualTo(4);

        QueryResult hours = sum(from, Duration.ofHours(1));
        assertThat(hours.resolution()).isEqualTo(Resolution.HOUR);
        assertThat(total(hours)).isEqualTo(5);
    }

    @Test
    void theBoundaryMinute_isReadUntilTheClockMovesPastIt() throws Exception {
        storeAtAgesAndMaintain();
        Instant edge = NOW.minus(Duration.ofDays(35));

        QueryResult atTheEdge = sum(edge, Duration.ofMinutes(1));
        assertThat(atTheEdge.steps().get(0).start()).isEqualTo(Instant.parse("2026-10-19T10:00:00Z"));
        assertThat(atTheEdge.steps().get(0).sum()).isEqualTo(1);
        assertThatThrownBy(() -> sum(edge.minus(Duration.ofMinutes(1)), Duration.ofMinutes(1)))
                .isInstanceOf(BeyondRetentionException.class);

        // A minute later the same range starts a minute before the kept data.
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> sum(edge, Duration.ofMinutes(1)))
                .isInstanceOf(BeyondRetentionException.class)
                .hasMessageContaining("(from 2026-10-19T10:01:00Z)");
        assertThat(total(sum(edge.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1))))
                .isEqualTo(3);
    }

    @Test
    void aRunOutOfTimeBeforeItsRollups_keepsWhatTheyHaveNotRead_andTheQueryAnswersWhole() throws Exception {
        long now = NOW.getEpochSecond();
        // Stored when fresh, three days ago: the maintenance schedule has not run since.
        storeAt(NOW.minus(Duration.ofDays(3)), "1", "hits:1|c|T" + (now - 3 * 86_400));
        store("2", "hits:1|c|T" + (now - 3600));
        Instant from = NOW.minus(Duration.ofDays(3).plusMinutes(1));
        // No maintenance yet: nothing rolled up, nothing dropped, the 10-second rows answer whole.
        assertThat(total(sum(from, Duration.ofMinutes(1)))).isEqualTo(2);

        // A run out of time before its rollups (zero budget) rolls nothing up, so retention keeps the
        // 10-second partition of 3 days ago (past its 2 days) for the minute rollup to read.
        MaintenanceService.Report late = maintenance.run(clock, Duration.ZERO, false);
        assertThat(late.partitionsDropped()).noneMatch(p -> p.startsWith("metric_agg_p"));
        assertThat(total(sum(from, Duration.ofMinutes(1)))).isEqualTo(2);

        // The next run with time rolls it up first, then drops it: the minutes answer the same.
        MaintenanceService.Report next = maintenance.run(clock, Duration.ofMinutes(5), false);
        assertThat(next.partitionsDropped()).contains("metric_agg_p20261120");
        assertThat(total(sum(from, Duration.ofMinutes(1)))).isEqualTo(2);
    }

    @Test
    void finerDataLostBeforeItsRollupRan_isNamed_notAnsweredAsZeros() throws Exception {
        long now = NOW.getEpochSecond();
        // Stored when fresh, three days ago: the maintenance schedule has not run since.
        storeAt(NOW.minus(Duration.ofDays(3)), "1", "hits:1|c|T" + (now - 3 * 86_400));
        store("2", "hits:1|c|T" + (now - 3600));
        Instant from = NOW.minus(Duration.ofDays(3).plusMinutes(1));
        // Lost another way than retention (dropped by hand, or by a version that let retention outrun
        // the rollups): the minute rollup never ran, and the 10-second rows of 3 days ago are gone.
        db.execute("drop table metric_agg_p20261120");

        assertThatThrownBy(() -> sum(from, Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(
                        BeyondRetentionException.class,
                        e -> assertThat(e.rollupBehind()).isTrue())
                .hasMessageContaining("10-second data is kept 2 days")
                .hasMessageContaining("the 1-minute rollup has not run yet")
                .hasMessageContaining("Run the metric store's maintenance");
        assertThat(total(sum(NOW.minus(Duration.ofDays(1)), Duration.ofMinutes(1))))
                .isEqualTo(1);
    }

    private QueryResult sum(Instant from, Duration step) throws SQLException {
        return queries.query(new MetricQuery(MetricSelector.parse("hits"), from, clock.instant(), step));
    }

    private static double total(QueryResult r) {
        return r.steps().stream().mapToDouble(StepResult::sum).sum();
    }

    /** Stores {@code payload} with the clock at {@code at}, then moves the clock back. */
    private void storeAt(Instant at, String sequence, String payload) {
        Instant now = clock.instant();
        clock.advance(Duration.between(now, at));
        store(sequence, payload);
        clock.advance(Duration.between(at, now));
    }

    private void store(String sequence, String payload) {
        IngestedMetrics.store(ingest, "test:retention", sequence, clock.instant(), payload);
    }
}
