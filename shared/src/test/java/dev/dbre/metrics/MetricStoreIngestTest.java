package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.ingest.BatchResult;
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
import dev.dbre.metrics.query.Resolution;
import dev.dbre.metrics.query.StepResult;
import dev.dbre.testing.MutableClock;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ingest into the metric store, read back through the query API, against the embedded PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class MetricStoreIngestTest {
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final String SOURCE = "test:metric-store";

    private final TestDatabase db;
    private final MetricQueryService queries;

    MetricStoreIngestTest(TestDatabase db) {
        this.db = db;
        this.queries = new MetricQueryService(db.connections(), 10);
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects, metric_agg, metric_agg_1m, metric_agg_1h, metric_agg_1d, metric_rollup_queue, metric_series,"
                + " metric_rollup_state");
    }

    @Test
    void generatedStream_inBatchesWithRedeliveries_answersWhatTheInputGives() throws Exception {
        MutableClock clock = new MutableClock(T0.plusSeconds(120));
        IngestService service = service(MetricStoreSettings.DEFAULTS, clock);
        Random random = new Random(7);
        List<Double> latencies = new ArrayList<>();
        double count = 0;
        double gaugeLast = Double.NaN;
        double gaugeMin = Double.POSITIVE_INFINITY;
        double gaugeMax = Double.NEGATIVE_INFINITY;
        Set<String> users = new HashSet<>();
        List<SourceRecord> records = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            StringBuilder payload = new StringBuilder();
            for (int i = 0; i < 50; i++) {
                long ts = T0.getEpochSecond() + r; // 40 seconds: 4 intervals, one minute
                double latency = 1 + random.nextInt(1000) / 10.0;
                latencies.add(latency);
                payload.append("db.query.latency_ms:")
                        .append(latency)
                        .append("|d|#env:prod,host:h")
                        .append(i % 5)
                        .append("|T")
                        .append(ts)
                        .append('\n');
                payload.append("db.queries:1|c|@0.5|#env:prod|T").append(ts).append('\n');
                count += 2;
                double g = random.nextInt(100);
                payload.append("db.connections:")
                        .append(g)
                        .append("|g|#env:prod|T")
                        .append(ts)
                        .append('\n');
                gaugeMin = Math.min(gaugeMin, g);
                gaugeMax = Math.max(gaugeMax, g);
                if (i == 49) {
                    gaugeLast = g; // the last line of the latest second
                }
                String user = "u" + random.nextInt(300);
                users.add(user);
                payload.append("db.users:")
                        .append(user)
                        .append("|s|#env:prod|T")
                        .append(ts)
                        .append('\n');
                payload.append("db.queries:1|c|#env:test|T").append(ts).append('\n');
            }
            records.add(record(String.valueOf(r), T0.plusSeconds(r), payload.toString()));
        }
        for (int from = 0; from < records.size(); from += 7) {
            List<SourceRecord> part = records.subList(from, Math.min(records.size(), from + 7));
            assertThat(service.ingest(new IngestBatch(SOURCE, part)).records())
                    .extracting(RecordResult::outcome)
                    .containsOnly(RecordOutcome.STORED);
            // A redelivery of the same part stores nothing more.
            assertThat(service.ingest(new IngestBatch(SOURCE, part)).records())
                    .extracting(RecordResult::outcome)
                    .containsOnly(RecordOutcome.DUPLICATE);
        }

        StepResult counts = oneStep("db.queries{env:prod}");
        assertThat(counts.sum()).isEqualTo(count);
        assertThat(counts.rate()).isEqualTo(count / 60);
        assertThat(oneStep("db.queries{!env:prod}").sum()).isEqualTo(40 * 50);
        assertThat(oneStep("db.queries{env:*}").sum()).isEqualTo(count + 40 * 50);

        StepResult gauge = oneStep("db.connections");
        assertThat(gauge.last()).isEqualTo(gaugeLast);
        assertThat(gauge.min()).isEqualTo(gaugeMin);
        assertThat(gauge.max()).isEqualTo(gaugeMax);
        assertThat(gauge.count()).isEqualTo(40 * 50);

        StepResult latency = oneStep("db.query.latency_ms{env:prod}");
        double[] sorted =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertThat(latency.count()).isEqualTo(sorted.length);
        assertThat(latency.sum()).isCloseTo(Arrays.stream(sorted).sum(), within(1e-6));
        assertThat(latency.min()).isEqualTo(sorted[0]);
        assertThat(latency.max()).isEqualTo(sorted[sorted.length - 1]);
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
            double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
            assertThat(latency.quantile(q))
                    .as("p%s", q * 100)
                    .isCloseTo(exact, within(exact * Sketches.RELATIVE_ACCURACY));
        }
        // Within three of HLL's standard errors, 1.04 / sqrt(registers) (docs/metric-store.md).
        double standardError = 1.04 / Math.sqrt(1 << Sketches.HLL_LG_K);
        assertThat(oneStep("db.users").cardinality()).isCloseTo(users.size(), within(users.size() * 3 * standardError));
    }

    @Test
    void rawPointsOff_storesAggregatesOnly_on_storesBoth() throws Exception {
        MutableClock clock = new MutableClock(T0);
        service(MetricStoreSettings.DEFAULTS, clock)
                .ingest(new IngestBatch(SOURCE, List.of(record("1", T0, "a:1|c\n_sc|db.up|2"))));
        assertThat(db.queryLong("select count(*) from metric_points")).isZero();
        assertThat(db.queryLong("select count(*) from service_checks")).isZero();
        assertThat(db.queryLong("select count(*) from metric_agg")).isEqualTo(2);

        service(MetricStoreSettings.WITH_RAW_POINTS, clock)
                .ingest(new IngestBatch(SOURCE, List.of(record("2", T0, "a:1|c\n_sc|db.up|2"))));
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from service_checks")).isEqualTo(1);
        assertThat(oneStep("a").sum()).isEqualTo(2);
        assertThat(oneStep("db.up").statusCount(2)).isEqualTo(2);
    }

    /**
     * Raw checks are cut like raw points: ingest creates the arrival day's partition of both before
     * the COPY, so one retention drops both; a check stamped on a day with no partition (a {@code d:}
     * far from its arrival) waits in the default partition. The day is after the partition that
     * holds the template database's rows from before V19 (up to the day after it was migrated).
     */
    @Test
    void rawOn_checksLandInTheArrivalDaysPartition_likeRawPoints() throws Exception {
        Instant arrival = Instant.parse("2031-03-01T10:00:00Z");
        // The day before: still accepted (not TOO_OLD), but only the arrival day's raw partition is made.
        long dayEarlier = arrival.minus(Duration.ofDays(1)).getEpochSecond();
        service(MetricStoreSettings.WITH_RAW_POINTS, new MutableClock(arrival))
                .ingest(new IngestBatch(
                        SOURCE,
                        List.of(record(
                                "1",
                                arrival,
                                "a:1|c\n_sc|db.up|0\n_sc|db.up|2|d:" + (arrival.getEpochSecond() - 60)
                                        + "\n_sc|db.up|1|d:" + dayEarlier))));

        assertThat(partitionOfRows("select tableoid::regclass::text, status from service_checks"))
                .containsExactlyInAnyOrder(
                        "service_checks_p20310301=0", "service_checks_p20310301=2", "service_checks_default=1");
        assertThat(partitionOfRows("select tableoid::regclass::text, value from metric_points"))
                .containsExactly("metric_points_p20310301=1");
    }

    private List<String> partitionOfRows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (var c = db.open();
                var s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "=" + rs.getLong(2));
            }
        }
        return out;
    }

    @Test
    void newSeriesOverTheLimit_becomeSeriesLimitRejects_andAreAllowedAgainAMinuteLater() throws Exception {
        MutableClock clock = new MutableClock(T0);
        MetricStoreSettings settings = new MetricStoreSettings(false, 10, 3, 1000, 2, 35, 400, 800, 2, 3);
        IngestService service = service(settings, clock);
        String runaway = "req:1|c|#request:1\nreq:1|c|#request:2\nreq:1|c|#request:3\nreq:1|c|#request:4\n"
                + "req:1|c|#request:5\nreq:1|c|#request:1";
        BatchResult first = service.ingest(new IngestBatch(SOURCE, List.of(record("1", T0, runaway))));

        assertThat(first.records().get(0).outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(first.records().get(0).stored()).isEqualTo(4); // request 1 twice, 2, 3
        assertThat(first.records().get(0).rejected()).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'SERIES_LIMIT'"))
                .isEqualTo(2);
        assertThat(db.queryLong("select count(*) from metric_series")).isEqualTo(3);
        assertThat(db.queryLong("select count(*) from ingest_records where points = 4 and rejects = 2"))
                .isEqualTo(1);
        // Known series still count while the source is over its limit.
        service.ingest(new IngestBatch(SOURCE, List.of(record("2", T0, "req:1|c|#request:2\nreq:1|c|#request:6"))));
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'SERIES_LIMIT'"))
                .isEqualTo(3);

        clock.advance(Duration.ofSeconds(61));
        BatchResult later =
                service.ingest(new IngestBatch(SOURCE, List.of(record("3", clock.instant(), "req:1|c|#request:6"))));
        assertThat(later.records().get(0).outcome()).isEqualTo(RecordOutcome.STORED);
        assertThat(oneStepAt("req", T0, Duration.ofHours(1)).sum()).isEqualTo(6);
    }

    @Test
    void aBatchWhoseAggregateRowsSpanSeveralCopyChunks_storesEveryRowOnce() throws Exception {
        IngestService service = service(MetricStoreSettings.DEFAULTS, new MutableClock(T0));
        // 3,000 timer series of 20 spread values: a 43-byte sketch and some 90 bytes of other columns
        // and framing per row, about 400 KB of rows, sent in several 64 KiB chunks.
        StringBuilder payload = new StringBuilder();
        for (int s = 0; s < 3000; s++) {
            for (int v = 0; v < 20; v++) {
                payload.append("chunked.latency:")
                        .append(0.01 * Math.pow(1.6, v))
                        .append("|ms|#shard:")
                        .append(s)
                        .append('\n');
            }
        }
        BatchResult result = service.ingest(new IngestBatch(SOURCE, List.of(record("1", T0, payload.toString()))));
        assertThat(result.records().get(0).outcome()).isEqualTo(RecordOutcome.STORED);
        assertThat(db.queryLong("select count(*) from metric_agg")).isEqualTo(3000);
        assertThat(db.queryLong("select sum(length(state)) from metric_agg"))
                .isGreaterThan(64L * 1024); // the sketches alone: more than a chunk
        assertThat(db.queryLong("select sum(n)::int8 from metric_agg")).isEqualTo(60_000);
        assertThat(oneStep("chunked.latency").count()).isEqualTo(60_000);
    }

    @Test
    void seriesIds_areCachedAcrossBatches_afterCommit() throws Exception {
        IngestService service = service(MetricStoreSettings.DEFAULTS, new MutableClock(T0));
        service.ingest(new IngestBatch(SOURCE, List.of(record("1", T0, "a:1|c\nb:1|c|#x:y"))));
        assertThat(service.cachedSeries()).isEqualTo(2);
        db.execute("truncate metric_agg");
        service.ingest(new IngestBatch(SOURCE, List.of(record("2", T0, "a:1|c\nb:1|c|#x:y"))));
        assertThat(db.queryLong("select count(*) from metric_series")).isEqualTo(2);
        assertThat(db.queryLong("select count(*) from metric_agg a join metric_series s on s.id = a.series_id"))
                .isEqualTo(2);
    }

    @Test
    void theSeriesCache_neverHoldsMoreThanItsLimit_andIdsStayRightAfterEviction() throws Exception {
        int limit = 3;
        MetricStoreSettings settings = new MetricStoreSettings(false, 10, 10_000, limit, 2, 35, 400, 800, 2, 3);
        IngestService service = service(settings, new MutableClock(T0));
        Random random = new Random(5);
        Map<String, Integer> expected = new TreeMap<>();
        for (int batch = 0; batch < 12; batch++) {
            StringBuilder payload = new StringBuilder();
            for (int line = 0; line < 6; line++) {
                String host = "h" + random.nextInt(8);
                int n = 1 + random.nextInt(9);
                payload.append("cache.hits:")
                        .append(n)
                        .append("|c|#host:")
                        .append(host)
                        .append('\n');
                expected.merge(host, n, Integer::sum);
            }
            service.ingest(new IngestBatch(SOURCE, List.of(record(String.valueOf(batch), T0, payload.toString()))));
            assertThat(service.cachedSeries()).as("after batch %d", batch).isBetween(1, limit);
        }
        assertThat(db.queryLong("select count(*) from metric_series where name = 'cache.hits'"))
                .as("an evicted id is found again, not created twice")
                .isEqualTo(expected.size());
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertThat(oneStep("cache.hits{host:" + e.getKey() + "}").sum())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().doubleValue());
        }
    }

    private StepResult oneStep(String selector) throws SQLException {
        return oneStepAt(selector, T0, Duration.ofMinutes(1));
    }

    private StepResult oneStepAt(String selector, Instant from, Duration step) throws SQLException {
        QueryResult r = queries.query(new MetricQuery(MetricSelector.parse(selector), from, from.plus(step), step));
        assertThat(r.steps()).hasSize(1);
        assertThat(r.resolution()).isEqualTo(Resolution.forStep(step));
        return r.steps().get(0);
    }

    private IngestService service(MetricStoreSettings settings, MutableClock clock) {
        return new IngestService(db.connections(), ParseLimits.DEFAULTS, settings, clock);
    }

    static SourceRecord record(String sequence, Instant arrival, String payload) {
        return new SourceRecord(
                "shard-1", sequence, arrival, payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.DOGSTATSD);
    }
}
