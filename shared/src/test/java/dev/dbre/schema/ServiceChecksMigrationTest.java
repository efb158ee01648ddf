package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.testing.EarlierSchema;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V19: a database at V18 with raw service checks keeps every row (as the partition {@code
 * service_checks_v18}) and the grants the table had; new checks land in daily partitions, and the
 * kept rows go with the raw retention like any partition.
 */
@ExtendWith(PostgresExtension.class)
class ServiceChecksMigrationTest {
    private static final String ROWS = "select record_id, line, ts, name, status, host, message, tags, container"
            + " from service_checks order by record_id, line";

    @Test
    void databaseAtV18WithChecks_keepsEveryRowAndItsGrants_andNewChecksGoByDay() throws Exception {
        TestDatabase db = EarlierSchema.before("19");
        db.execute("insert into service_checks (record_id, line, ts, name, status, host, message, tags, container)"
                + " values (1, 1, '2026-11-20T10:00:00Z', 'db.up', 0, 'h1', null, '{env:prod}', null),"
                + " (1, 2, '2026-11-21T23:59:59.999999Z', 'db.up', 2, null, 'down: disk full', '{}', 'c0ffee'),"
                + " (2, 1, '2026-11-22T00:00:00Z', 'db.replica', 3, 'h2', 'm', '{a,b:c}', null)");
        db.execute("do $$ begin if not exists (select from pg_roles where rolname = 'v19_test_ingest') then"
                + " create role v19_test_ingest nologin; end if; end $$");
        db.execute("grant select, insert on service_checks to v19_test_ingest");
        List<String> before = rows(db, ROWS);

        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isPositive();

        assertThat(rows(db, ROWS)).containsExactlyElementsOf(before);
        assertThat(rows(db, "select distinct tableoid::regclass::text from service_checks"))
                .containsExactly("service_checks_v18");
        assertThat(rows(db, "select relkind::text from pg_class where relname = 'service_checks'"))
                .as("partitioned")
                .containsExactly("p");
        assertThat(rows(
                        db,
                        "select has_table_privilege('v19_test_ingest', 'service_checks', 'INSERT')"
                                + " and has_table_privilege('v19_test_ingest', 'service_checks', 'SELECT')"
                                + " and not has_table_privilege('v19_test_ingest', 'service_checks', 'DELETE')"))
                .containsExactly("t");
        assertThat(rows(db, "select indexdef from pg_indexes where tablename = 'service_checks'"))
                .containsExactlyInAnyOrder(
                        "CREATE INDEX service_checks_name_ts_idx ON ONLY public.service_checks USING btree (name, ts)",
                        "CREATE UNIQUE INDEX service_checks_key ON ONLY public.service_checks USING btree"
                                + " (record_id, line, ts)");
        assertThat(rows(
                        db,
                        "select count(*) from pg_index x join pg_inherits i on i.inhrelid = x.indexrelid"
                                + " where x.indrelid = 'service_checks_v18'::regclass"))
                .as("the kept rows' key and (name, ts) index are the parent's")
                .containsExactly("2");

        // A new check, after the kept partition's end, goes to its arrival day's partition.
        Instant upper = upperBound(db, "service_checks_v18");
        Instant arrival = upper.plus(Duration.ofHours(30));
        new IngestService(
                        db.connections(),
                        ParseLimits.DEFAULTS,
                        MetricStoreSettings.WITH_RAW_POINTS,
                        Clock.fixed(arrival, ZoneOffset.UTC))
                .ingest(new IngestBatch(
                        "new",
                        List.of(new SourceRecord(
                                "s",
                                "1",
                                arrival,
                                "_sc|db.up|1".getBytes(StandardCharsets.UTF_8),
                                PayloadFormat.DOGSTATSD))));
        String day = arrival.toString().substring(0, 10).replace("-", "");
        assertThat(rows(
                        db,
                        "select tableoid::regclass::text || '=' || status from service_checks where name = 'db.up'"))
                .containsExactlyInAnyOrder(
                        "service_checks_v18=0", "service_checks_v18=2", "service_checks_p" + day + "=1");

        // The kept rows go whole with the raw retention after the kept partition's end.
        MaintenanceService maintenance =
                new MaintenanceService(db.connections(), MetricStoreSettings.WITH_RAW_POINTS.withRawPoints(false));
        int retention = MetricStoreSettings.DEFAULTS.rawRetentionDays();
        assertThat(maintenance.dropExpired(
                        upper.plus(Duration.ofDays(retention)).minusSeconds(1)))
                .doesNotContain("service_checks_v18");
        assertThat(maintenance.dropExpired(upper.plus(Duration.ofDays(retention))))
                .contains("service_checks_v18");
        assertThat(rows(db, "select tableoid::regclass::text || '=' || status from service_checks"))
                .containsExactly("service_checks_p" + day + "=1");
    }

    private static Instant upperBound(TestDatabase db, String partition) throws SQLException {
        return Instant.parse(rows(
                        db,
                        "select to_char((regexp_match(pg_get_expr(relpartbound, oid), 'TO \\(''([^'']+)''\\)'))[1]"
                                + "::timestamptz at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                                + " from pg_class where relname = '" + partition + "'")
                .get(0));
    }

    private static List<String> rows(TestDatabase db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var c = db.open();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
