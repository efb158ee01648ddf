package dev.dbre.aws.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.dbre.db.JdbcConnectionFactory;
import dev.dbre.ingest.IngestBugException;
import dev.dbre.ingest.IngestService;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.obs.MetricNames;
import dev.dbre.port.ConnectionFactory;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sends events/aws/kinesis-batch.json through the handler into a real embedded PostgreSQL. */
class KinesisIngestHandlerTest {
    static final String FILE = "kinesis-batch.json";
    static final String STREAM = "arn:aws:kinesis:us-east-2:123456789012:stream/dbre-metrics";
    static final String SHARD = "shardId-000000000006";
    static final List<String> SEQUENCES = List.of(
            "49590338271490256608559692538361571095921575989136588898",
            "49590338271490256608559692540925702759324208523137515618",
            "49590338271490256608559692541434556719312098143853871202",
            "49590338271490256608559692542643482538921658394175823970");
    /** A few minutes after the sample events were sent (their arrival and |T, 2023-11-14 22:13Z): older is TOO_OLD. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2023-11-14T22:20:00Z"), ZoneOffset.UTC);

    private final RecordingMetrics metrics = new RecordingMetrics();

    private KinesisIngestHandler handler(TestDatabase db) {
        return new KinesisIngestHandler(
                new IngestService(db.connections(), ParseLimits.DEFAULTS, CLOCK), metrics, CLOCK);
    }

    @Test
    void kinesisBatch_storesEveryPoint_keepsRejectsWithReasons_reportsNoFailure() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);

        StreamsEventResponse response =
                handler(db).handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-kinesis-1"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        // 3 plain lines + 2 JSON objects + 1 good line of the mixed record + 4 KPL user lines.
        assertThat(rows.list("select name from metric_points order by name"))
                .containsExactly(
                        "cpu.load",
                        "disk.used",
                        "kpl.a",
                        "kpl.b",
                        "kpl.c",
                        "kpl.d",
                        "ok.metric",
                        "page.views",
                        "queue.depth",
                        "request.latency");
        assertThat(rows.list("select name, status from service_checks")).containsExactly("db.up|0");
        assertThat(rows.list(
                        "select sequence, line, reason, convert_from(raw, 'UTF8') from ingest_rejects_by_source"
                                + " where source = ? order by line",
                        STREAM))
                .containsExactly(
                        SEQUENCES.get(2) + "|2|BAD_VALUE|bad.value:abc|c",
                        SEQUENCES.get(2) + "|3|UNKNOWN_TYPE|no.type:3");
        // One key per plain record, one per KPL user record (sub_sequence = its index).
        assertThat(rows.list(
                        "select shard, sequence, sub_sequence from ingest_records where source = ?"
                                + " order by sequence, sub_sequence",
                        STREAM))
                .containsExactly(
                        SHARD + "|" + SEQUENCES.get(0) + "|0",
                        SHARD + "|" + SEQUENCES.get(1) + "|0",
                        SHARD + "|" + SEQUENCES.get(2) + "|0",
                        SHARD + "|" + SEQUENCES.get(3) + "|0",
                        SHARD + "|" + SEQUENCES.get(3) + "|1",
                        SHARD + "|" + SEQUENCES.get(3) + "|2");
        // Points without their own timestamp get the record's approximate arrival time.
        assertThat(rows.list("select extract(epoch from ts)::bigint from metric_points where name = 'page.views'"))
                .containsExactly("1700000000");
        assertThat(metrics.dimensions).containsExactly(Map.of("function", "ingest"));
        assertThat(metrics.last(MetricNames.INGEST_RECORDS)).isEqualTo(6);
        assertThat(metrics.last(MetricNames.INGEST_LINES_REJECTED)).isEqualTo(2);
        assertThat(metrics.last(MetricNames.INGEST_RECORDS_FAILED)).isZero();
    }

    @Test
    void retriedKinesisBatch_storesNothingTwice() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        KinesisIngestHandler handler = handler(db);
        handler.handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-1"));
        long points = rows.count("metric_points");
        long rejects = rows.count("ingest_rejects");

        StreamsEventResponse retry = handler.handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-2"));

        assertThat(retry.getBatchItemFailures()).isEmpty();
        assertThat(points).isEqualTo(10);
        assertThat(rows.count("metric_points")).isEqualTo(points);
        assertThat(rows.count("ingest_rejects")).isEqualTo(rejects);
        assertThat(rows.count("service_checks")).isEqualTo(1);
        assertThat(rows.count("ingest_records")).isEqualTo(6);
        assertThat(metrics.last(MetricNames.INGEST_RECORDS_DUPLICATE)).isEqualTo(6);
        assertThat(metrics.last(MetricNames.INGEST_POINTS_STORED)).isZero();
    }

    @Test
    void databaseDown_everyKinesisRecordIsReportedOnceInBatchItemFailures() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        IngestService down = new IngestService(
                JdbcConnectionFactory.of("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres", "postgres", null),
                ParseLimits.DEFAULTS,
                CLOCK);
        KinesisIngestHandler handler = new KinesisIngestHandler(down, metrics, CLOCK);

        StreamsEventResponse response =
                handler.handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-down"));

        // Six source records (three of them KPL user records of one Kinesis record), four entries.
        assertThat(response.getBatchItemFailures())
                .extracting(BatchItemFailure::getItemIdentifier)
                .containsExactlyElementsOf(SEQUENCES);
        assertThat(metrics.last(MetricNames.INGEST_RECORDS_FAILED)).isEqualTo(6);
    }

    @Test
    void kplRecordWithBadChecksum_isKeptAsBadRecordReject_notRetried() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        KinesisEvent event = LambdaEvents.kinesis(FILE);
        KinesisEvent.Record kpl = event.getRecords().get(3).getKinesis();
        byte[] data = bytes(kpl.getData());
        data[data.length - 1] ^= 0x55;
        kpl.setData(ByteBuffer.wrap(data));

        StreamsEventResponse response = handler(db).handleRequest(event, LambdaEvents.context("req-bad-kpl"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(rows.list("select sequence, reason from ingest_rejects_by_source where reason = 'BAD_RECORD'"))
                .containsExactly(SEQUENCES.get(3) + "|BAD_RECORD");
        assertThat(rows.list("select octet_length(raw) from ingest_rejects where reason = 'BAD_RECORD'"))
                .containsExactly(Integer.toString(data.length));
        assertThat(rows.list("select name from metric_points where name like 'kpl.%'"))
                .isEmpty();
    }

    @Test
    void recordTheDatabaseRefuses_isKeptAsBadRecord_andNotReportedForRetry() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        Rows rows = new Rows(db);
        // One KPL user record breaks a constraint: today every record would come back for retry,
        // and the shard would stop.
        db.execute("alter table metric_points add constraint no_poison check (name <> 'kpl.c')");

        StreamsEventResponse response =
                handler(db).handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-poison"));

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(rows.list("select sequence, sub_sequence, reason, convert_from(raw, 'UTF8') from"
                        + " ingest_rejects_by_source where reason = 'BAD_RECORD'"))
                .containsExactly(SEQUENCES.get(3) + "|1|BAD_RECORD|kpl.b:2|g\nkpl.c:3|ms");
        assertThat(rows.list("select name from metric_points where name like 'kpl.%' order by name"))
                .containsExactly("kpl.a", "kpl.d");
        assertThat(rows.list("select count(*) from ingest_records")).containsExactly("6");
    }

    @Test
    void faultThatIsNotTheRecords_failsTheInvocation_forTheMappingsBoundedRetry() throws Exception {
        TestDatabase db = PostgresExtension.newDatabase();
        ConnectionFactory wrongSchema = () -> {
            Connection c = db.open();
            try (Statement s = c.createStatement()) {
                s.execute("set search_path = nowhere");
            }
            return c;
        };
        KinesisIngestHandler broken =
                new KinesisIngestHandler(new IngestService(wrongSchema, ParseLimits.DEFAULTS, CLOCK), metrics, CLOCK);

        assertThatThrownBy(() -> broken.handleRequest(LambdaEvents.kinesis(FILE), LambdaEvents.context("req-bug")))
                .isInstanceOf(IngestBugException.class)
                .hasMessageContaining("SQLSTATE 42P01")
                .hasMessageContaining("MaximumRetryAttempts");
    }

    @Test
    void eventFile_kplRecordIsExactlyWhatTheTestAggregatorWrites() {
        byte[] inFile = bytes(
                LambdaEvents.kinesis(FILE).getRecords().get(3).getKinesis().getData());

        byte[] expected = KplAggregator.aggregate(
                "host-d", List.of(utf8("kpl.a:1|c"), utf8("kpl.b:2|g\nkpl.c:3|ms"), utf8("kpl.d:4|d|#src:kpl")));

        assertThat(inFile).isEqualTo(expected);
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
