package dev.dbre.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dbre.db.DbTimeouts;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.metrics.MaintenanceService;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

@ExtendWith(PostgresExtension.class)
class IngestServiceTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-23T10:00:00.250Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:01Z"), ZoneOffset.UTC);
    private static final String SOURCE = "arn:aws:kinesis:eu-west-1:123456789012:stream/metrics";

    private final TestDatabase db;
    private final IngestService service;

    IngestServiceTest(TestDatabase db) {
        this.db = db;
        this.service = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate ingest_batches, ingest_records, metric_points, service_checks, ingest_events,"
                + " ingest_rejects, metric_agg, metric_series, metric_rollup_queue, ingest_batch_failures");
    }

    @Test
    void storesPointsChecksEventsAndRejects_withEveryField() throws Exception {
        String payload = String.join(
                "\n",
                "api.latency:12.5:13.5|ms|@0.5|#zone:b,env:prod|T1795427000|c:cafe01",
                "jobs.done:3|c",
                "_sc|db.up|2|d:1795427100|h:db1|#role:primary|m:replica lag",
                "_e{5,4}:Title|Text|h:web1|k:agg|p:low|s:src|t:error|#a",
                "broken line without a type:1");
        BatchResult result = service.ingest(batch(record("shard-1", "100", payload)));

        assertThat(result.records()).hasSize(1);
        RecordResult r = result.records().get(0);
        assertThat(r.outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(r.stored()).isEqualTo(5); // 3 points + 1 check + 1 event
        assertThat(r.rejected()).isEqualTo(1);
        assertThat(result.stored()).isEqualTo(5);
        assertThat(result.rejected()).isEqualTo(1);
        assertThat(result.firstRejectLine()).isEqualTo(5);
        assertThat(result.firstRejectReason()).isNotNull();
        assertThat(result.batchId()).isPositive();

        long recordId = db.queryLong("select id from ingest_records where source = '" + SOURCE
                + "' and shard = 'shard-1' and sequence = '100' and sub_sequence = 0");
        try (Connection c = db.open();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select record_id, line, idx, ts, name, type, value, member, rate,"
                    + " tags, container from metric_points order by line, idx")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("record_id")).isEqualTo(recordId);
                assertThat(rs.getInt("line")).isEqualTo(1);
                assertThat(rs.getInt("idx")).isZero();
                assertThat(instant(rs, "ts")).isEqualTo(Instant.ofEpochSecond(1_795_427_000L));
                assertThat(rs.getString("name")).isEqualTo("api.latency");
                assertThat(rs.getString("type")).isEqualTo("ms");
                assertThat(rs.getDouble("value")).isEqualTo(12.5);
                assertThat(rs.getString("member")).isNull();
                assertThat(rs.getDouble("rate")).isEqualTo(0.5);
                assertThat((String[]) rs.getArray("tags").getArray()).containsExactly("env:prod", "zone:b");
                assertThat(rs.getString("container")).isEqualTo("cafe01");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("idx")).isEqualTo(1);
                assertThat(rs.getDouble("value")).isEqualTo(13.5);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("line")).isEqualTo(2);
                assertThat(rs.getString("type")).isEqualTo("c");
                assertThat(instant(rs, "ts")).as("no timestamp: arrival").isEqualTo(ARRIVAL);
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs =
                    s.executeQuery("select line, ts, name, status, host, message, tags from service_checks")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("line")).isEqualTo(3);
                assertThat(instant(rs, "ts")).isEqualTo(Instant.ofEpochSecond(1_795_427_100L));
                assertThat(rs.getString("name")).isEqualTo("db.up");
                assertThat(rs.getInt("status")).isEqualTo(2);
                assertThat(rs.getString("host")).isEqualTo("db1");
                assertThat(rs.getString("message")).isEqualTo("replica lag");
                assertThat((String[]) rs.getArray("tags").getArray()).containsExactly("role:primary");
            }
            try (ResultSet rs = s.executeQuery("select line, ts, title, text, host, aggregation_key, priority,"
                    + " source_type, alert_type, tags from ingest_events")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("line")).isEqualTo(4);
                assertThat(instant(rs, "ts")).isEqualTo(ARRIVAL);
                assertThat(rs.getString("title")).isEqualTo("Title");
                assertThat(rs.getString("text")).isEqualTo("Text");
                assertThat(rs.getString("host")).isEqualTo("web1");
                assertThat(rs.getString("aggregation_key")).isEqualTo("agg");
                assertThat(rs.getString("priority")).isEqualTo("low");
                assertThat(rs.getString("source_type")).isEqualTo("src");
                assertThat(rs.getString("alert_type")).isEqualTo("error");
                assertThat((String[]) rs.getArray("tags").getArray()).containsExactly("a");
            }
            try (ResultSet rs = s.executeQuery(
                    "select record_id, line, reason, detail, raw, received_at" + " from ingest_rejects")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("record_id")).isEqualTo(recordId);
                assertThat(rs.getInt("line")).isEqualTo(5);
                assertThat(rs.getString("reason"))
                        .isEqualTo(result.firstRejectReason().name());
                assertThat(rs.getString("detail")).isNotBlank();
                assertThat(new String(rs.getBytes("raw"), StandardCharsets.UTF_8))
                        .isEqualTo("broken line without a type:1");
                assertThat(instant(rs, "received_at")).isEqualTo(ARRIVAL);
            }
            try (ResultSet rs = s.executeQuery("select lines, points, checks, events, rejects, batch_id, arrived_at,"
                    + " bytes from ingest_records")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt("lines")).isEqualTo(5);
                assertThat(rs.getInt("points")).isEqualTo(3);
                assertThat(rs.getInt("checks")).isEqualTo(1);
                assertThat(rs.getInt("events")).isEqualTo(1);
                assertThat(rs.getInt("rejects")).isEqualTo(1);
                assertThat(rs.getLong("batch_id")).isEqualTo(result.batchId());
                assertThat(instant(rs, "arrived_at")).isEqualTo(ARRIVAL);
                assertThat(rs.getInt("bytes")).isEqualTo(payload.getBytes(StandardCharsets.UTF_8).length);
            }
            try (ResultSet rs = s.executeQuery("select * from ingest_batches")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("id")).isEqualTo(result.batchId());
                assertThat(rs.getString("source")).isEqualTo(SOURCE);
                assertThat(rs.getString("shard")).isEqualTo("shard-1");
                assertThat(rs.getString("first_sequence")).isEqualTo("100");
                assertThat(rs.getString("last_sequence")).isEqualTo("100");
                assertThat(rs.getInt("records")).isEqualTo(1);
                assertThat(rs.getInt("duplicate_records")).isZero();
                assertThat(rs.getLong("lines")).isEqualTo(5);
                assertThat(rs.getLong("points_stored")).isEqualTo(3);
                assertThat(rs.getLong("checks_stored")).isEqualTo(1);
                assertThat(rs.getLong("events_stored")).isEqualTo(1);
                assertThat(rs.getLong("lines_rejected")).isEqualTo(1);
                assertThat(instant(rs, "started_at")).isEqualTo(CLOCK.instant());
                assertThat(instant(rs, "finished_at")).isEqualTo(CLOCK.instant());
                assertThat(rs.getLong("parse_nanos")).isPositive();
                assertThat(rs.getLong("store_nanos")).isPositive();
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void jsonRecord_isParsedAndStored_withItsTimestampAndTags() throws Exception {
        String json = "[{\"name\":\"cpu\",\"value\":0.5,\"type\":\"g\",\"tags\":{\"env\":\"prod\"},"
                + "\"ts\":1795427000},{\"name\":\"\",\"value\":1,\"type\":\"c\"}]";
        SourceRecord r =
                new SourceRecord("", "m-1", ARRIVAL, json.getBytes(StandardCharsets.UTF_8), PayloadFormat.AUTO);

        BatchResult result = service.ingest(batch(r));

        assertThat(result.records().get(0).outcome()).isEqualTo(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(result.stored()).isEqualTo(1);
        assertThat(result.rejected()).isEqualTo(1);
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select name, type, value, ts, tags from metric_points")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("name")).isEqualTo("cpu");
            assertThat(rs.getString("type")).isEqualTo("g");
            assertThat(rs.getDouble("value")).isEqualTo(0.5);
            assertThat(instant(rs, "ts")).isEqualTo(Instant.ofEpochSecond(1_795_427_000L));
            assertThat((String[]) rs.getArray("tags").getArray()).containsExactly("env:prod");
        }
        assertThat(db.queryLong("select count(*) from ingest_rejects where line = 2"))
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "raw points {0}")
    @ValueSource(booleans = {true, false})
    void retriedBatch_storesNoDuplicates(boolean raw) throws Exception {
        IngestService service = service(raw);
        IngestBatch first = batch(
                record("s", "1", "a:1|c\nb:2|g\nt:5|ms|@0.5"),
                record("s", "2", "c:3|c\nu:alice|s"),
                record("s", "3", "d:4|c\nbad"));
        BatchResult once = service.ingest(first);
        assertThat(once.records())
                .extracting(RecordResult::outcome)
                .containsExactly(RecordOutcome.STORED, RecordOutcome.STORED, RecordOutcome.STORED_WITH_REJECTS);

        BatchResult again = service.ingest(first);
        assertThat(again.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.DUPLICATE);
        assertThat(again.duplicates()).isEqualTo(3);
        assertThat(again.stored()).isZero();
        assertThat(again.failed()).isEmpty();

        // Overlapping: records 2 and 3 again, 4 and 5 new.
        BatchResult overlap = service.ingest(batch(
                record("s", "2", "c:3|c"),
                record("s", "3", "d:4|c\nbad"),
                record("s", "4", "e:5|c\nt:7.5|ms|@0.25"),
                record("s", "5", "f:6|c|@0.5\ng:7|c\nu:bob|s\nu:alice|s")));
        assertThat(overlap.records())
                .extracting(RecordResult::outcome)
                .containsExactly(
                        RecordOutcome.DUPLICATE, RecordOutcome.DUPLICATE, RecordOutcome.STORED, RecordOutcome.STORED);

        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(raw ? 12 : 0);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(5);
        assertThat(db.queryLong("select count(*) from ingest_batches")).isEqualTo(3);
        assertThat(db.queryLong("select sum(duplicate_records) from ingest_batches"))
                .isEqualTo(5);
        assertAggregatesMatch(List.of(
                "a:1|c\nb:2|g\nt:5|ms|@0.5",
                "c:3|c\nu:alice|s",
                "d:4|c\nbad",
                "e:5|c\nt:7.5|ms|@0.25",
                "f:6|c|@0.5\ng:7|c\nu:bob|s\nu:alice|s"));
    }

    @ParameterizedTest(name = "raw points {0}")
    @ValueSource(booleans = {true, false})
    void sameRecordTwiceInOneBatch_isStoredOnce(boolean raw) throws Exception {
        String payload = "a:1|c\nt:3|d\nu:x|s";
        BatchResult result = service(raw).ingest(batch(record("s", "9", payload), record("s", "9", payload)));
        assertThat(result.records())
                .extracting(RecordResult::outcome)
                .containsExactly(RecordOutcome.STORED, RecordOutcome.DUPLICATE);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(raw ? 3 : 0);
        assertAggregatesMatch(List.of(payload));
    }

    @ParameterizedTest(name = "raw points {0}")
    @ValueSource(booleans = {true, false})
    void concurrentDuplicateDeliveries_storeOnce(boolean raw) throws Exception {
        // Own threads: the common pool may have a single worker on a small machine.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            concurrentRounds(service(raw), threads);
        } finally {
            threads.shutdownNow();
        }
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(raw ? 5L * 50 * 200 : 0);
        assertThat(db.queryLong("select count(*) from ingest_records")).isEqualTo(5L * 50);
        List<String> storedOnce = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 50; i++) {
                storedOnce.add(lines(200, "m" + i));
            }
        }
        assertAggregatesMatch(storedOnce);
    }

    private void concurrentRounds(IngestService service, ExecutorService threads) throws Exception {
        for (int round = 0; round < 5; round++) {
            List<SourceRecord> records = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                records.add(record("shard-" + (i % 3), round + "-" + i, lines(200, "m" + i)));
            }
            IngestBatch batch = new IngestBatch(SOURCE, records);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<BatchResult> a =
                    CompletableFuture.supplyAsync(() -> afterBarrier(service, start, batch), threads);
            CompletableFuture<BatchResult> b =
                    CompletableFuture.supplyAsync(() -> afterBarrier(service, start, batch), threads);
            BatchResult ra = a.get(60, TimeUnit.SECONDS);
            BatchResult rb = b.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < records.size(); i++) {
                assertThat(List.of(
                                ra.records().get(i).outcome(),
                                rb.records().get(i).outcome()))
                        .as("record %d of round %d", i, round)
                        .containsExactlyInAnyOrder(RecordOutcome.STORED, RecordOutcome.DUPLICATE);
            }
        }
    }

    /**
     * A batch large enough that the points stream in several COPY chunks, with one bad line per
     * record. A test transaction holds a lock that one write of the batch must wait for; while it
     * waits, we kill its backend. On metric_points (raw points on): the COPY has just started, in
     * the middle of parsing the first record. On ingest_rejects: every point has been streamed, not
     * committed. On metric_series: the new series are being inserted. On metric_agg: the
     * aggregates' COPY, the last big write (with raw points off, the production default, the only
     * one). On metric_rollup_queue: the transaction's last statement.
     */
    @ParameterizedTest(name = "raw points {0}, killed waiting on {1}")
    @CsvSource({
        "true, metric_points",
        "true, ingest_rejects",
        "true, metric_agg",
        "false, ingest_rejects",
        "false, metric_series",
        "false, metric_agg",
        "false, metric_rollup_queue"
    })
    void connectionKilledMidBatch_reportsFailed_andRetryStoresEverythingOnce(boolean raw, String lockedTable)
            throws Exception {
        IngestService service = service(raw);
        // The partitions exist already, so the batch waits on the write itself, not on adding one.
        // The pre-V9 raw partition (empty here) spans every day up to the day the test database
        // was migrated, the arrival day included: while it is there, no raw partition of that day
        // can be made, and each batch would wait on trying again.
        db.execute("drop table if exists metric_points_v8");
        new MaintenanceService(db.connections(), settings(raw)).createPartitionsAhead(CLOCK.instant());
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(record("shard-0", String.valueOf(1000 + i), lines(2000, "k" + i) + "\nnot a metric"));
        }
        IngestBatch batch = new IngestBatch(SOURCE, records);

        BatchResult killed;
        try (Connection locker = db.open()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("lock table " + lockedTable + " in share mode");
            }
            ExecutorService thread = Executors.newSingleThreadExecutor();
            CompletableFuture<BatchResult> running = CompletableFuture.supplyAsync(() -> service.ingest(batch), thread);
            thread.shutdown();
            int pid = waitForBlockedBackend(locker, lockedTable, running);
            assertThat(statementOf(locker, pid)).as("the statement killed").containsIgnoringCase(lockedTable);
            try (Statement s = locker.createStatement();
                    ResultSet rs = s.executeQuery("select pg_terminate_backend(" + pid + ")")) {
                assertThat(rs.next() && rs.getBoolean(1)).isTrue();
            }
            killed = running.get(60, TimeUnit.SECONDS);
            locker.rollback();
        }

        assertThat(killed.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.FAILED);
        assertThat(killed.failed()).hasSize(20);
        assertThat(killed.records().get(0).failure()).contains("transient");
        assertThat(killed.batchId()).isEqualTo(-1);
        for (String table : List.of(
                "ingest_batches",
                "ingest_records",
                "metric_points",
                "ingest_rejects",
                "metric_series",
                "metric_agg",
                "metric_rollup_queue")) {
            assertThat(db.queryLong("select count(*) from " + table)).as(table).isZero();
        }

        BatchResult retried = service.ingest(batch);
        assertThat(retried.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.STORED_WITH_REJECTS);
        BatchResult again = service.ingest(batch);
        assertThat(again.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.DUPLICATE);

        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(raw ? 20L * 2000 : 0);
        assertThat(db.queryLong("select count(distinct (record_id, line, idx)) from metric_points"))
                .isEqualTo(raw ? 20L * 2000 : 0);
        assertThat(db.queryLong("select count(*) from ingest_rejects")).isEqualTo(20);
        assertThat(db.queryLong("select count(*) from ingest_batches")).isEqualTo(2);
        List<String> storedOnce = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            storedOnce.add(lines(2000, "k" + i));
        }
        assertAggregatesMatch(storedOnce);
    }

    @ParameterizedTest(name = "raw points {0}")
    @ValueSource(booleans = {true, false})
    void connectionLostDuringCommit_reportsFailed_andRetryFindsEverythingStored(boolean raw) throws Exception {
        // The commit reaches the server but the reply is lost: the outcome is unknown to us, so the
        // records are FAILED; the retry must then find them already stored and write nothing twice.
        ConnectionFactory lostReply = () -> commitThenLoseConnection(db.open());
        IngestService flaky = new IngestService(lostReply, ParseLimits.DEFAULTS, settings(raw), CLOCK);
        IngestService service = service(raw);
        IngestBatch batch = batch(record("s", "1", "a:1|c\nb:2|c\nt:4|ms"), record("s", "2", "c:3|c\nu:x|s"));

        BatchResult unknown = flaky.ingest(batch);
        assertThat(unknown.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.FAILED);
        assertThat(unknown.records().get(0).failure()).isEqualTo("transient database fault (SQLSTATE 08006)");

        BatchResult retried = service.ingest(batch);
        assertThat(retried.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.DUPLICATE);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(raw ? 5 : 0);
        assertAggregatesMatch(List.of("a:1|c\nb:2|c\nt:4|ms", "c:3|c\nu:x|s"));
    }

    /** What one series' lines add up to, worked out here without the product's parser or aggregates. */
    private static final class Expected {
        final String type;
        double n;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        /** Timers and distributions: every value, repeated by its weight (1 / rate, a whole number here). */
        final List<Double> weighted = new ArrayList<>();
        /** Sets: the distinct members. */
        final java.util.Set<String> members = new java.util.HashSet<>();

        Expected(String type) {
            this.type = type;
        }
    }

    /** The relative bound of an HLL answer asserted: three standard errors (1.04 / sqrt(registers)). */
    private static final double HLL_BOUND = 3 * 1.04 / Math.sqrt(1 << dev.dbre.metrics.Sketches.HLL_LG_K);

    /**
     * The stored aggregates, merged over every interval and batch per series, equal what the
     * payloads stored once give, worked out here from the plain {@code name:value|type[|@rate][|#tags]}
     * lines the tests write (other lines are skipped): per series the weighted count and sum, min
     * and max exactly (the values are binary fractions); timer and distribution quantiles within
     * the sketch's relative accuracy of the exact value of their rank; a set's distinct members
     * exactly while it is small (the sketch keeps their hashes), else within {@link #HLL_BOUND}.
     */
    private void assertAggregatesMatch(List<String> payloadsStoredOnce) throws SQLException {
        java.util.Map<String, Expected> expected = new java.util.TreeMap<>();
        for (String payload : payloadsStoredOnce) {
            for (String line : payload.split("\n")) {
                String[] fields = line.split("\\|");
                int colon = fields[0].indexOf(':');
                if (fields.length < 2 || colon < 0) {
                    continue;
                }
                String type = fields[1];
                double rate = 1;
                String[] tags = new String[0];
                for (int f = 2; f < fields.length; f++) {
                    if (fields[f].startsWith("@")) {
                        rate = Double.parseDouble(fields[f].substring(1));
                    } else if (fields[f].startsWith("#")) {
                        tags = fields[f].substring(1).split(",");
                    }
                }
                java.util.Arrays.sort(tags);
                String key = fields[0].substring(0, colon) + "|" + type + "|" + String.join(",", tags);
                Expected e = expected.computeIfAbsent(key, k -> new Expected(type));
                String value = fields[0].substring(colon + 1);
                if (type.equals("s")) {
                    e.n += 1;
                    e.members.add(value);
                    continue;
                }
                double v = Double.parseDouble(value);
                double weight = type.equals("g") ? 1 : 1 / rate;
                e.n += weight;
                e.sum += v * weight;
                e.min = Math.min(e.min, v);
                e.max = Math.max(e.max, v);
                for (int w = 0; w < weight && !type.equals("c") && !type.equals("g"); w++) {
                    e.weighted.add(v);
                }
            }
        }
        java.util.Map<String, dev.dbre.metrics.Aggregate> stored = new java.util.TreeMap<>();
        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select s.name || '|' || s.type || '|' || array_to_string(s.tags, ','),"
                        + " s.type, a.n, a.sum, a.min, a.max, a.last, (extract(epoch from a.last_ts) * 1000000)::int8,"
                        + " a.state from metric_agg a join metric_series s on s.id = a.series_id")) {
            while (rs.next()) {
                dev.dbre.metrics.SeriesType type = dev.dbre.metrics.SeriesType.ofCode(rs.getString(2));
                stored.computeIfAbsent(rs.getString(1), k -> new dev.dbre.metrics.Aggregate(type))
                        .mergeRow(
                                rs.getDouble(3),
                                (Double) rs.getObject(4),
                                (Double) rs.getObject(5),
                                (Double) rs.getObject(6),
                                (Double) rs.getObject(7),
                                (Long) rs.getObject(8),
                                rs.getBytes(9));
            }
        }
        assertThat(stored.keySet()).isEqualTo(expected.keySet());
        expected.forEach((key, e) -> {
            dev.dbre.metrics.Aggregate a = stored.get(key);
            assertThat(a.n()).as(key + " n").isEqualTo(e.n);
            switch (e.type) {
                case "s" -> {
                    double distinct = e.members.size();
                    if (distinct <= 100) {
                        assertThat(a.distinctCount()).as(key + " members").isEqualTo(distinct);
                    } else {
                        assertThat(a.distinctCount())
                                .as(key + " members")
                                .isCloseTo(distinct, within(HLL_BOUND * distinct));
                    }
                }
                case "c" -> assertThat(a.sum()).as(key + " sum").isEqualTo(e.sum);
                default -> {
                    assertThat(a.sum()).as(key + " sum").isEqualTo(e.sum);
                    assertThat(a.min()).as(key + " min").isEqualTo(e.min);
                    assertThat(a.max()).as(key + " max").isEqualTo(e.max);
                }
            }
            if (!e.weighted.isEmpty()) {
                double[] sorted = e.weighted.stream()
                        .mapToDouble(Double::doubleValue)
                        .sorted()
                        .toArray();
                assertThat(a.quantileSketch().getCount())
                        .as(key + " sketch count")
                        .isEqualTo(e.n);
                for (double q : new double[] {0, 0.25, 0.5, 0.9, 0.99, 1}) {
                    double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
                    assertThat(a.quantileSketch().getValueAtQuantile(q))
                            .as(key + " p" + q)
                            .isCloseTo(
                                    exact,
                                    within(dev.dbre.metrics.Sketches.RELATIVE_ACCURACY * Math.abs(exact) * (1 + 1e-9)));
                }
            }
        });
    }

    @Test
    void badLinesKeptWithReason_neverFailTheBatch_andUndecodableRecordIsBadRecord() throws Exception {
        byte[] raw = {'n', 'o', 't', ' ', 'b', 'a', 's', 'e', '6', '4', '!'};
        BatchResult result = service.ingest(batch(
                record("s", "1", "ok:1|c\n:1|c\nx:abc|g\ny:1|zz\nz:1|c|@7"),
                SourceRecord.undecodable("s", "2", 0, ARRIVAL, raw, "invalid base64 at byte 10"),
                record("s", "3", "\n\n")));

        assertThat(result.records())
                .extracting(RecordResult::outcome)
                .containsExactly(
                        RecordOutcome.STORED_WITH_REJECTS, RecordOutcome.STORED_WITH_REJECTS, RecordOutcome.STORED);
        assertThat(result.records().get(0).rejected()).isEqualTo(4);
        assertThat(result.records().get(0).stored()).isEqualTo(1);
        assertThat(result.firstRejectLine()).isEqualTo(2);
        assertThat(result.firstRejectReason()).isEqualTo(RejectReason.EMPTY_NAME);
        assertThat(result.failed()).isEmpty();

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select sequence, line, reason, detail, raw from ingest_rejects_by_source order by sequence, line")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getString(3) + "/"
                        + new String(rs.getBytes(5), StandardCharsets.UTF_8));
                assertThat(rs.getString(4)).as("detail").isNotBlank();
            }
            assertThat(rows)
                    .containsExactly(
                            "1/2/EMPTY_NAME/:1|c",
                            "1/3/BAD_VALUE/x:abc|g",
                            "1/4/UNKNOWN_TYPE/y:1|zz",
                            "1/5/BAD_SAMPLE_RATE/z:1|c|@7",
                            "2/1/BAD_RECORD/not base64!");
        }
        assertThat(db.queryLong("select count(*) from ingest_rejects where detail = 'invalid base64 at byte 10'"))
                .isEqualTo(1);
    }

    @Test
    void databaseUnreachable_everyRecordFailed_noException() {
        ConnectionFactory nowhere = () -> java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "postgres", "");
        IngestService down = new IngestService(nowhere, ParseLimits.DEFAULTS, CLOCK);

        BatchResult result = down.ingest(batch(record("s", "1", "a:1|c"), record("s", "2", "b:1|c")));

        assertThat(result.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.FAILED);
        assertThat(result.records().get(0).failure()).startsWith("transient database fault (SQLSTATE 08");
    }

    @Test
    void faultOfTheSchema_isBugAtOnce_noException() {
        // The tables are not on the search path: no record's values cause that, so there is
        // nothing to look for. Not transient either. Nothing is thrown.
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory wrongSchema = () -> {
            opens.incrementAndGet();
            Connection c = db.open();
            try (Statement s = c.createStatement()) {
                s.execute("set search_path = nowhere");
            }
            return c;
        };
        IngestService broken = new IngestService(wrongSchema, ParseLimits.DEFAULTS, CLOCK);

        BatchResult result = broken.ingest(batch(record("s", "1", "a:1|c"), record("s", "2", "b:1|c")));

        assertThat(result.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.BUG);
        assertThat(result.failedByBug()).isTrue();
        assertThat(result.records().get(0).failure())
                .isEqualTo("database error (SQLSTATE 42P01: relation \"ingest_batches\" does not exist)");
        // The batch, then the try to record it in ingest_batch_failures (which fails the same way,
        // is logged, and changes nothing).
        assertThat(opens).hasValue(2);
    }

    @Test
    void dataFaultThatEvenARejectRowMeets_isBug_foundInLogarithmicallyManyAttempts() throws Exception {
        // A constraint every batch row breaks: a data fault, so the search for a poison record
        // runs, and ends at the first record, whose reject row breaks it too.
        db.execute("alter table ingest_batches add constraint no_batch check (records < 0)");
        AtomicInteger opens = new AtomicInteger();
        ConnectionFactory counting = () -> {
            opens.incrementAndGet();
            return db.open();
        };
        IngestService broken = new IngestService(counting, ParseLimits.DEFAULTS, CLOCK);
        List<SourceRecord> eight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            eight.add(record("s", String.valueOf(i), "a:" + i + "|c"));
        }
        try {
            BatchResult result = broken.ingest(new IngestBatch(SOURCE, eight));

            assertThat(result.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.BUG);
            assertThat(result.records().get(0).failure()).startsWith("database error (SQLSTATE 23514: ");
            // The batch, then halves down to the first record (4, 2, 1), then its reject row; then
            // the failed batch's row in ingest_batch_failures.
            assertThat(opens).hasValue(6);
            assertThat(db.queryLong("select count(*) from ingest_records")).isZero();
            assertThat(
                            db.queryLong(
                                    "select count(*) from ingest_batch_failures where outcome = 'BUG'"
                                            + " and records = 8 and failed_records = 8 and reason like 'database error (SQLSTATE 23514%'"))
                    .isEqualTo(1);
        } finally {
            db.execute("alter table ingest_batches drop constraint no_batch");
        }
    }

    @Test
    void recordTheDatabaseRefuses_isKeptAsBadRecord_theOthersStored_nothingRetried() throws Exception {
        // A constraint (an operator's, say) that one record's line breaks: not a duplicate, and
        // the same on every retry. Today's rule would fail all five records forever.
        db.execute("alter table metric_points add constraint no_poison check (name <> 'poison.metric')");
        try {
            IngestBatch batch = batch(
                    record("s", "1", "a:1|c"),
                    record("s", "2", "b:2|c"),
                    record("s", "3", "c:3|c\npoison.metric:1|g"),
                    record("s", "4", "d:4|c|x:unknown-field"),
                    record("s", "5", "e:5|c"));

            BatchResult result = service.ingest(batch);

            assertThat(result.records())
                    .extracting(RecordResult::outcome)
                    .containsExactly(
                            RecordOutcome.STORED,
                            RecordOutcome.STORED,
                            RecordOutcome.STORED_WITH_REJECTS,
                            RecordOutcome.STORED,
                            RecordOutcome.STORED);
            assertThat(result.failed()).isEmpty();
            assertThat(result.stored()).isEqualTo(4);
            assertThat(result.rejected()).isEqualTo(1);
            assertThat(result.ignoredFields())
                    .as("summed over the halves stored apart")
                    .isEqualTo(1);
            assertThat(result.batchId()).isPositive();
            assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(4);
            try (Connection c = db.open();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select sequence, line, reason, detail, raw from ingest_rejects_by_source")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("sequence")).isEqualTo("3");
                assertThat(rs.getInt("line")).isEqualTo(1);
                assertThat(rs.getString("reason")).isEqualTo("BAD_RECORD");
                assertThat(rs.getString("detail"))
                        .startsWith("the record could not be stored: database error (SQLSTATE 23514: ")
                        .contains("no_poison");
                assertThat(new String(rs.getBytes("raw"), StandardCharsets.UTF_8))
                        .isEqualTo("c:3|c\npoison.metric:1|g");
                assertThat(rs.next()).isFalse();
            }

            BatchResult redelivered = service.ingest(batch);
            assertThat(redelivered.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.DUPLICATE);
        } finally {
            db.execute("alter table metric_points drop constraint no_poison");
        }
    }

    @Test
    void transientFaultWhileLookingForThePoisonRecord_leavesTheRestFailed_forTheRetry() throws Exception {
        db.execute("alter table metric_points add constraint no_poison check (name <> 'poison.metric')");
        try {
            // Opens: 1 the batch (fails on the poison), 2 the first half (stored), 3 the second half:
            // the database is gone.
            AtomicInteger opens = new AtomicInteger();
            ConnectionFactory thirdFails = () -> {
                if (opens.incrementAndGet() == 3) {
                    throw new PSQLException("Connection refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT);
                }
                return db.open();
            };
            IngestService flaky = new IngestService(thirdFails, ParseLimits.DEFAULTS, CLOCK);
            IngestBatch batch = batch(
                    record("s", "1", "a:1|c"),
                    record("s", "2", "b:2|c"),
                    record("s", "3", "c:3|c"),
                    record("s", "4", "poison.metric:1|g"));

            BatchResult result = flaky.ingest(batch);

            assertThat(result.records())
                    .extracting(RecordResult::outcome)
                    .containsExactly(
                            RecordOutcome.STORED, RecordOutcome.STORED, RecordOutcome.FAILED, RecordOutcome.FAILED);
            assertThat(result.records().get(2).failure()).isEqualTo("transient database fault (SQLSTATE 08001)");
            assertThat(result.failedByBug()).isFalse();

            BatchResult retried = service.ingest(batch);
            assertThat(retried.records())
                    .extracting(RecordResult::outcome)
                    .containsExactly(
                            RecordOutcome.DUPLICATE,
                            RecordOutcome.DUPLICATE,
                            RecordOutcome.STORED,
                            RecordOutcome.STORED_WITH_REJECTS);
        } finally {
            db.execute("alter table metric_points drop constraint no_poison");
        }
    }

    @Test
    void claimStuckBehindAnAbandonedTransaction_endsAsTransientFailure_notAHang() throws Exception {
        IngestService bounded = new IngestService(
                JdbcConnectionFactory.of(db.jdbcUrl(), "postgres", null, new DbTimeouts(5, 10, 1, 20)),
                ParseLimits.DEFAULTS,
                CLOCK);
        IngestBatch batch = batch(record("s", "1", "a:1|c"), record("s", "2", "b:1|c"));
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (Connection abandoned = db.open()) {
            // Another session claimed record 2's key and never ends its transaction.
            abandoned.setAutoCommit(false);
            try (Statement s = abandoned.createStatement()) {
                s.execute("insert into ingest_records (source, shard, sequence, batch_id) values ('" + SOURCE
                        + "', 's', '2', 0)");
            }
            BatchResult stuck = CompletableFuture.supplyAsync(() -> bounded.ingest(batch), thread)
                    .get(60, TimeUnit.SECONDS);

            assertThat(stuck.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.FAILED);
            assertThat(stuck.records().get(0).failure()).isEqualTo("transient database fault (SQLSTATE 55P03)");
            abandoned.rollback();
        } finally {
            thread.shutdownNow();
        }
        BatchResult retried = bounded.ingest(batch);
        assertThat(retried.records()).extracting(RecordResult::outcome).containsOnly(RecordOutcome.STORED);
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(2);
    }

    @Test
    void workerThatParsedAHugeJsonString_isNotKeptForReuse() {
        IngestService fresh = new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK);
        // A 6 MB string: the COPY buffers grow only to hold the 6 MB reject (under the cap), but
        // the JSON parser's scratch buffer grows to three times the string (18 MB, over it).
        String huge = "{\"name\":\"" + "x".repeat(6 * 1024 * 1024) + "\",\"value\":1}";
        BatchResult result = fresh.ingest(new IngestBatch(
                SOURCE,
                List.of(new SourceRecord(
                        "s", "huge", ARRIVAL, huge.getBytes(StandardCharsets.UTF_8), PayloadFormat.JSON))));

        assertThat(result.records())
                .extracting(RecordResult::outcome)
                .containsExactly(RecordOutcome.STORED_WITH_REJECTS);
        assertThat(fresh.idleWorkers())
                .as("the worker holding 18 MB is dropped")
                .isZero();

        fresh.ingest(batch(record("s", "small", "a:1|c")));
        assertThat(fresh.idleWorkers()).isEqualTo(1);
        assertThat(fresh.idleRetainedBytes()).isLessThanOrEqualTo(IngestService.MAX_RETAINED_BYTES);
    }

    // --- helpers ----------------------------------------------------------------------------

    private static MetricStoreSettings settings(boolean rawPoints) {
        return MetricStoreSettings.DEFAULTS.withRawPoints(rawPoints);
    }

    /** A service that stores raw points beside the aggregates or (the production default) not. */
    private IngestService service(boolean rawPoints) {
        return new IngestService(db.connections(), ParseLimits.DEFAULTS, settings(rawPoints), CLOCK);
    }

    /** A connection whose commit succeeds on the server, then fails as a lost socket would. */
    private static Connection commitThenLoseConnection(Connection real) {
        return (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        real.commit();
                        real.close();
                        throw new PSQLException(
                                "An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static BatchResult afterBarrier(IngestService service, CyclicBarrier barrier, IngestBatch batch) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return service.ingest(batch);
    }

    /** The pid of the backend waiting for the lock that {@code locker} holds on {@code table}. */
    private static int waitForBlockedBackend(Connection locker, String table, CompletableFuture<BatchResult> running)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            assertThat(running)
                    .as("the batch must block on the lock, not finish")
                    .isNotDone();
            try (Statement s = locker.createStatement();
                    ResultSet rs = s.executeQuery("select pid from pg_locks where not granted" + " and relation = '"
                            + table + "'::regclass")) {
                if (rs.next()) {
                    return rs.getInt(1);
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the ingest never reached its write into " + table);
    }

    /** The statement backend {@code pid} runs. */
    private static String statementOf(Connection c, int pid) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select query from pg_stat_activity where pid = " + pid)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /**
     * {@code n} lines of every aggregated type: gauges, counts at a sample rate, timers,
     * distributions at a sample rate, a small set of {@code prefix}'s own and members of one set
     * that every prefix shares (large enough across a test's records that it is counted by HLL).
     */
    private static String lines(int n, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('\n');
            }
            String line = switch (i % 10) {
                case 0, 5 -> prefix + ".gauge:" + i + "|g|#env:prod,host:h" + (i / 10) % 4;
                case 1, 6 -> prefix + ".count:" + (i % 7 + 1) + "|c|@0.5|#host:h" + (i / 10) % 3;
                case 2, 7 -> prefix + ".timer:" + (i * 37) % 1000 + ".5|ms|#host:h" + (i / 10) % 2;
                case 3, 8 -> prefix + ".dist:" + ((i * 13) % 500 + 1) + "|d|@0.25|#zone:a";
                case 4 -> "shared.users:u-" + prefix + "-" + i + "|s";
                default -> prefix + ".small:u" + i % 37 + "|s";
            };
            sb.append(line);
        }
        return sb.toString();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static SourceRecord record(String shard, String sequence, String payload) {
        return new SourceRecord(
                shard, sequence, ARRIVAL, payload.getBytes(StandardCharsets.UTF_8), PayloadFormat.DOGSTATSD);
    }

    private static IngestBatch batch(SourceRecord... records) {
        return new IngestBatch(SOURCE, List.of(records));
    }
}
