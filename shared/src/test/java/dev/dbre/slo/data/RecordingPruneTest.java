package dev.dbre.slo.data;

import static dev.dbre.slo.data.DatabaseSliDataTest.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.slo.ReportSettings;
import dev.dbre.slo.StepGrid;
import dev.dbre.slo.StepSeries;
import dev.dbre.slo.spec.MetricSource;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The recorded SLIs of questions no report asks any more are deleted after the configured time
 * (35 days by default), with a moving clock; a question asked again is recorded anew and answers
 * the same; one in use is kept, and only its day rows older than the kept minutes go.
 */
@ExtendWith(PostgresExtension.class)
class RecordingPruneTest {
    private static final Instant T = Instant.parse("2026-10-01T00:00:00Z");
    private static final Duration UNUSED = Duration.ofDays(35);

    /** Asked at every report below. */
    private static final MetricSource IN_USE = metric("api.requests", Map.of());
    /** The same requests by another tag filter (every point has a status): another question. */
    private static final MetricSource DROPPED_FROM_SPEC = metric("api.requests", Map.of("status", "*"));

    private final TestDatabase db;
    private final MutableClock clock = new MutableClock(T);

    RecordingPruneTest(TestDatabase db) {
        this.db = db;
    }

    /** The next day of data to ingest: every fourth day from T has requests at 07:00. */
    private int nextDay;

    @BeforeEach
    void clean() throws SQLException {
        Ingested.clean(db);
    }

    /** Ingests the days of data before {@code until} as they happen, with maintenance after each. */
    private void ingestUntil(Instant until) throws SQLException {
        for (; T.plus(Duration.ofDays(nextDay)).plus(Duration.ofHours(8)).isBefore(until); nextDay += 4) {
            Instant t = T.plus(Duration.ofDays(nextDay)).plus(Duration.ofHours(7));
            Ingested.store(
                    db,
                    new MutableClock(t.plusSeconds(30)),
                    Ingested.SOURCE,
                    "api.requests:" + (10 + nextDay) + "|c|#status:2xx|T" + t.getEpochSecond()
                            + "\napi.requests:1|c|#status:5xx|T" + t.getEpochSecond());
            maintain(t.plus(Duration.ofHours(1)));
        }
    }

    @Test
    void aQuestionUnaskedPastTheLimit_isPruned_andAskedAgainAnswersTheSame_whileOneInUseIsKept() throws SQLException {
        DatabaseSliData data = Ingested.data(db).withClock(clock);
        report(data, T.plus(Duration.ofDays(3)), true);
        assertThat(recordings()).isEqualTo(2);

        // 30 days later only IN_USE is asked: nothing is old enough to go.
        report(data, T.plus(Duration.ofDays(33)), false);
        assertThat(data.pruneRecordings(clock.instant(), UNUSED)).isZero();
        assertThat(recordings()).isEqualTo(2);

        // 40 days after DROPPED_FROM_SPEC was last asked: its recording and day rows go.
        Instant later = T.plus(Duration.ofDays(43));
        StepGrid grid = report(data, later, false);
        // Its answer, read without the recording (asking the recorded reader would count as a use).
        StepSeries before = unrecorded().counts(DROPPED_FROM_SPEC, grid);
        assertThat(count("select count(*) from slo_sli_minutes where day < '" + keptFromDay() + "'"))
                .isPositive();
        assertThat(data.pruneRecordings(clock.instant(), UNUSED)).isEqualTo(1);
        assertThat(recordings()).isEqualTo(1);
        assertThat(count("select count(*) from slo_sli_minutes m where not exists"
                        + " (select 1 from slo_sli_recordings r where r.source_key = m.source_key)"))
                .isZero();
        // The kept question's day rows from before the kept minutes are gone too (read from hours).
        assertThat(count("select count(*) from slo_sli_minutes where day < '" + keptFromDay() + "'"))
                .isZero();
        assertThat(count("select count(*) from slo_sli_minutes")).isPositive();

        // A later report asks it again: recorded anew, the same answer.
        assertThat(data.counts(DROPPED_FROM_SPEC, grid)).isEqualTo(before);
        assertThat(recordings()).isEqualTo(2);
        assertThat(data.counts(IN_USE, grid)).isEqualTo(before);
    }

    @Test
    void theDefaultLimit_is35Days_andAnUnrecordedReaderPrunesNothing() throws SQLException {
        assertThat(ReportSettings.DEFAULTS.recordingUnused()).isEqualTo(UNUSED);
        DatabaseSliData data = Ingested.data(db).withClock(clock);
        report(data, T.plus(Duration.ofDays(3)), true);
        assertThat(unrecorded().pruneRecordings(T.plus(Duration.ofDays(400)), UNUSED))
                .isZero();
        assertThat(recordings()).isEqualTo(2);
    }

    @Test
    void aQuestionAskedWhileAPruneDeletesIt_isRecordedAnew_notAForeignKeyError() throws Exception {
        DatabaseSliData data = Ingested.data(db).withClock(clock);
        report(data, T.plus(Duration.ofDays(3)), true);
        StepGrid grid = report(data, T.plus(Duration.ofDays(6)), false);
        StepSeries expected = unrecorded().counts(DROPPED_FROM_SPEC, grid);

        // A prune (limit 1 day) has deleted DROPPED_FROM_SPEC's recording and not committed yet
        // when a report asks that question again.
        try (Connection prune = db.connections().open()) {
            prune.setAutoCommit(false);
            try (Statement s = prune.createStatement()) {
                assertThat(s.executeUpdate(
                                "delete from slo_sli_recordings where asked_at < '" + T.plus(Duration.ofDays(5)) + "'"))
                        .isEqualTo(1);
            }
            CompletableFuture<StepSeries> asked =
                    CompletableFuture.supplyAsync(() -> data.counts(DROPPED_FROM_SPEC, grid));
            // The report waits for the prune's row lock, then the prune commits.
            for (int i = 0; i < 600 && !asked.isDone() && count(WAITING_FOR_A_LOCK) == 0; i++) {
                Thread.sleep(50);
            }
            prune.commit();
            assertThat(asked.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        assertThat(recordings()).isEqualTo(2);
        assertThat(data.counts(DROPPED_FROM_SPEC, grid)).isEqualTo(expected);
    }

    private static final String WAITING_FOR_A_LOCK =
            "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()";

    private DatabaseSliData unrecorded() {
        int interval = MetricStoreSettings.DEFAULTS.intervalSeconds();
        return DatabaseSliData.unrecorded(
                db.connections(), new MetricQueryService(db.connections(), interval), interval);
    }

    /** At {@code at}: maintenance, then the last 10 days in minutes asked of IN_USE (and the other). */
    private StepGrid report(DatabaseSliData data, Instant at, boolean both) throws SQLException {
        clock.advance(Duration.between(clock.instant(), at));
        ingestUntil(at);
        maintain(at);
        StepGrid grid = new StepGrid(at.minus(Duration.ofDays(10)), Duration.ofMinutes(1), 10 * 1_440);
        data.counts(IN_USE, grid);
        if (both) {
            data.counts(DROPPED_FROM_SPEC, grid);
        }
        return grid;
    }

    private void maintain(Instant at) throws SQLException {
        assertThat(new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS)
                        .run(at)
                        .complete())
                .isTrue();
    }

    private Instant keptFromDay() throws SQLException {
        try (Connection c = db.connections().open()) {
            Instant kept = SliRecording.minutesKeptFrom(c);
            return Instant.ofEpochSecond(Math.floorDiv(kept.getEpochSecond(), 86_400) * 86_400);
        }
    }

    private long recordings() throws SQLException {
        return count("select count(*) from slo_sli_recordings");
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connections().open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
