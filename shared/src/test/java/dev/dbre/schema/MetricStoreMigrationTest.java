package dev.dbre.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.metrics.query.MetricQuery;
import dev.dbre.metrics.query.MetricQueryService;
import dev.dbre.metrics.query.MetricSelector;
import dev.dbre.metrics.query.StepResult;
import dev.dbre.testing.EarlierSchema;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V9 and V10: a database an earlier release filled (raw rows only) keeps every row and answers
 * through the query API after the migration; ingest then goes on into the new store.
 */
@ExtendWith(PostgresExtension.class)
class MetricStoreMigrationTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void databaseAtV8WithData_isMigrated_keepsItsRows_andAnswers() throws Exception {
        TestDatabase db = EarlierSchema.before("9");
        // What release V8 wrote: a key row, its points (a packed distribution, counts at a sample
        // rate, a gauge, a set) and a service check.
        db.execute("insert into ingest_batches (source, started_at) values ('old', '2026-11-23T10:00:00Z')");
        db.execute("insert into ingest_records (source, shard, sequence, batch_id)"
                + " select 'old', 's', '1', id from ingest_batches");
        db.execute("insert into metric_points (record_id, line, idx, ts, name, type, value, member, rate, tags) values"
                + " (1, 1, 0, '2026-11-23T10:00:01Z', 'lat', 'd', 10, null, 1, '{env:prod}'),"
                + " (1, 1, 1, '2026-11-23T10:00:01Z', 'lat', 'd', 20, null, 1, '{env:prod}'),"
                + " (1, 1, 2, '2026-11-23T10:00:01Z', 'lat', 'd', 30, null, 1, '{env:prod}'),"
                + " (1, 2, 0, '2026-11-23T10:00:02Z', 'hits', 'c', 1, null, 0.5, '{}'),"
                + " (1, 3, 0, '2026-11-23T10:00:15Z', 'hits', 'c', 3, null, 1, '{}'),"
                + " (1, 4, 0, '2026-11-23T10:00:03Z', 'conns', 'g', 7, null, 1, '{}'),"
                + " (1, 5, 0, '2026-11-23T10:00:04Z', 'users', 's', null, 'ann', 1, '{}'),"
                + " (1, 6, 0, '2026-11-23T10:00:05Z', 'users', 's', null, 'bob', 1, '{}')");
        db.execute(
                "insert into service_checks (record_id, line, ts, name, status, tags) values"
                        + " (1, 7, '2026-11-23T10:00:06Z', 'db.up', 0, '{}'), (1, 8, '2026-11-23T10:00:07Z', 'db.up', 2, '{}')");

        // V9 (the store), V10 (the backfill), V11 (partitions added with the owner's rights), and every
        // later one (counted from the files, so that a new migration does not change this test)
        assertThat(SchemaMigrator.migrate(db.jdbcUrl(), "postgres", null)).isEqualTo(migrationsAfter(8));

        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(8);
        assertThat(db.queryLong("select count(*) from service_checks")).isEqualTo(2);
        MetricQueryService queries = new MetricQueryService(db.connections(), 10);
        assertThat(minute(queries, "hits").sum()).isEqualTo(5);
        assertThat(minute(queries, "lat{env:prod}").quantile(1)).isBetween(29.7, 30.3);
        assertThat(minute(queries, "lat").count()).isEqualTo(3);
        assertThat(minute(queries, "conns").last()).isEqualTo(7);
        assertThat(minute(queries, "users").cardinality()).isEqualTo(2);
        assertThat(minute(queries, "db.up").statusCount(2)).isEqualTo(1);

        // Ingest goes on, with raw points in the kept partition or a new one.
        IngestService ingest = new IngestService(
                db.connections(),
                ParseLimits.DEFAULTS,
                MetricStoreSettings.WITH_RAW_POINTS,
                Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC));
        BatchResult r = ingest.ingest(new IngestBatch(
                "old",
                List.of(new SourceRecord(
                        "s",
                        "2",
                        T0.plusSeconds(30),
                        "hits:2|c".getBytes(StandardCharsets.UTF_8),
                        PayloadFormat.DOGSTATSD))));
        assertThat(r.records())
                .as("rejects: %s", rejects(db))
                .extracting(RecordResult::outcome)
                .containsOnly(RecordOutcome.STORED);
        assertThat(minute(queries, "hits").sum()).isEqualTo(7);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(9);
    }

    private static String rejects(TestDatabase db) {
        StringBuilder out = new StringBuilder();
        try (var c = db.open();
                var st = c.createStatement();
                var rs = st.executeQuery("select reason, detail from ingest_rejects")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append(": ").append(rs.getString(2)).append("; ");
            }
        } catch (java.sql.SQLException e) {
            return e.toString();
        }
        return out.toString();
    }

    private static StepResult minute(MetricQueryService queries, String selector) throws Exception {
        return queries.query(new MetricQuery(
                        MetricSelector.parse(selector), T0, T0.plus(Duration.ofMinutes(1)), Duration.ofMinutes(1)))
                .steps()
                .get(0);
    }

    /** The migrations (SQL and Java) whose version is above {@code version}. */
    static int migrationsAfter(int version) throws java.io.IOException {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("V(\\d+)__.*\\.(sql|java)");
        int n = 0;
        for (String dir : new String[] {"src/main/resources/db/migration", "src/main/java/db/migration"}) {
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dir))) {
                for (var f : files.toList()) {
                    var m = name.matcher(f.getFileName().toString());
                    if (m.matches() && Integer.parseInt(m.group(1)) > version) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
