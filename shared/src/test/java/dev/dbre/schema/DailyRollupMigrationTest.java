package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.QueryResult;
import dev.dbre.metrics.query.Resolution;
import dev.dbre.testing.EarlierSchema;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** V17: the hours stored before the daily resolution existed are rolled up into days too. */
@ExtendWith(PostgresExtension.class)
class DailyRollupMigrationTest {
    private static final Instant DAY0 = Instant.parse("2026-11-20T00:00:00Z");

    @Test
    void hoursStoredBeforeV17_areRolledUpIntoDays_byTheFirstMaintenanceRun() throws Exception {
        TestDatabase db = EarlierSchema.before("17");
        // What the release before wrote: a count's hourly rollups on two days, rolled up to day 2.
        db.execute("insert into metric_series (name, type, tags, source, created_at)"
                + " values ('hits', 'c', '{}', 'old', '2026-11-20T00:00:00Z')");
        db.execute("select metric_ensure_partition('metric_agg_1h', '2026-11-19', '2026-11-26',"
                + " 'metric_agg_1h_p20261119')");
        db.execute(
                "insert into metric_agg_1h (series_id, bucket, n, sum)"
                        + " select id, b, 1, 2 from metric_series,"
                        + " (values (timestamptz '2026-11-20T03:00:00Z'), ('2026-11-20T23:00:00Z'), ('2026-11-21T05:00:00Z')) v(b)");
        db.execute(
                "insert into metric_rollup_state values ('1m', '2026-11-22T00:00:00Z'), ('1h', '2026-11-22T00:00:00Z')");

        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isPositive();
        MaintenanceService.Report report = new MaintenanceService(db.connections(), MetricStoreSettings.DEFAULTS)
                .run(DAY0.plus(Duration.ofDays(2).plusMinutes(5)));

        assertThat(report.daysRolled()).isEqualTo(2);
        QueryResult days = new MetricQueryService(db.connections(), 10)
                .query(new MetricQuery(
                        MetricSelector.parse("hits"), DAY0, DAY0.plus(Duration.ofDays(2)), Duration.ofDays(1)));
        assertThat(days.resolution()).isEqualTo(Resolution.DAY);
        assertThat(days.steps()).extracting(s -> s.sum()).containsExactly(4.0, 2.0);
        assertThat(db.queryLong("select count(*) from metric_agg_1d")).isEqualTo(2);
    }
}
