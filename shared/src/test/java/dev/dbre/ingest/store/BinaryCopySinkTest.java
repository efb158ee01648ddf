package dev.dbre.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.RejectReason;
import dev.dbre.testing.PostgresExtension;
import dev.dbre.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The binary COPY encoding, checked by reading every field back with SQL. ParsedLines are filled by hand. */
@ExtendWith(PostgresExtension.class)
class BinaryCopySinkTest {
    private static final Instant ARRIVAL = Instant.parse("2026-11-23T10:15:30.123456Z");

    private final TestDatabase db;

    BinaryCopySinkTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() throws SQLException {
        db.execute("truncate metric_points, service_checks, ingest_events, ingest_rejects");
    }

    @Test
    void metricRows_keepEveryField_packedValuesBecomeOneRowEach() throws Exception {
        byte[] buf =
                "api.latency:1.5:2.5|d|@0.5|#env:prod,zone:é|T1700000000|c:abc123".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(buf, 3, 0, buf.length);
        l.kind = ParsedLine.Kind.METRIC;
        slice(l, buf, "api.latency", (o, n) -> {
            l.nameOff = o;
            l.nameLen = n;
        });
        l.type = MetricType.DISTRIBUTION;
        l.values[0] = 1.5;
        l.values[1] = 2.5;
        l.valueCount = 2;
        l.rate = 0.5;
        addTag(l, buf, "env:prod");
        addTag(l, buf, "zone:é");
        l.timestamp = 1_700_000_000L;
        slice(l, buf, "abc123", (o, n) -> {
            l.containerOff = o;
            l.containerLen = n;
        });

        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            BinaryCopySink sink = new BinaryCopySink(64); // tiny chunks: exercise streaming flushes
            sink.begin(c);
            sink.startRecord(42, ARRIVAL);
            sink.accept(l);
            assertThat(sink.recordPoints()).isEqualTo(2);
            sink.finish();
            c.commit();
        }

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select record_id, line, idx, ts, name, type, value, member, rate, tags,"
                        + " container from metric_points order by idx")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(42);
            assertThat(rs.getInt(2)).isEqualTo(3);
            assertThat(rs.getInt(3)).isZero();
            assertThat(rs.getObject(4, OffsetDateTime.class).toInstant())
                    .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
            assertThat(rs.getString(5)).isEqualTo("api.latency");
            assertThat(rs.getString(6)).isEqualTo("d");
            assertThat(rs.getDouble(7)).isEqualTo(1.5);
            assertThat(rs.getString(8)).isNull();
            assertThat(rs.getDouble(9)).isEqualTo(0.5);
            assertThat(textArray(rs.getArray(10))).containsExactly("env:prod", "zone:é");
            assertThat(rs.getString(11)).isEqualTo("abc123");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(3)).isEqualTo(1);
            assertThat(rs.getDouble(7)).isEqualTo(2.5);
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void metricWithoutTimestamp_getsArrival_setKeepsMember_emptyTagsAreEmptyArray() throws Exception {
        byte[] buf = "users:alice|s".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(buf, 1, 0, buf.length);
        l.kind = ParsedLine.Kind.METRIC;
        l.nameOff = 0;
        l.nameLen = 5;
        l.type = MetricType.SET;
        l.memberOff = 6;
        l.memberLen = 5;

        writeOne(l);

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select ts, type, value, member, rate, tags, container from metric_points")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getObject(1, OffsetDateTime.class).toInstant()).isEqualTo(ARRIVAL);
            assertThat(rs.getString(2)).isEqualTo("s");
            assertThat(rs.getObject(3)).isNull();
            assertThat(rs.getString(4)).isEqualTo("alice");
            assertThat(rs.getDouble(5)).isEqualTo(1.0);
            assertThat(textArray(rs.getArray(6))).isEmpty();
            assertThat(rs.getString(7)).isNull();
        }
    }

    @Test
    void serviceCheck_keepsEveryField() throws Exception {
        byte[] buf = "_sc|db.up|2|d:1700000000|h:db1|#role:primary|m:replica lag".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(buf, 7, 0, buf.length);
        l.kind = ParsedLine.Kind.SERVICE_CHECK;
        slice(l, buf, "db.up", (o, n) -> {
            l.nameOff = o;
            l.nameLen = n;
        });
        l.status = 2;
        l.timestamp = 1_700_000_000L;
        slice(l, buf, "db1", (o, n) -> {
            l.hostOff = o;
            l.hostLen = n;
        });
        addTag(l, buf, "role:primary");
        slice(l, buf, "replica lag", (o, n) -> {
            l.messageOff = o;
            l.messageLen = n;
        });

        writeOne(l);

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select record_id, line, ts, name, status, host, message, tags from service_checks")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(7);
            assertThat(rs.getInt(2)).isEqualTo(7);
            assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
                    .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
            assertThat(rs.getString(4)).isEqualTo("db.up");
            assertThat(rs.getInt(5)).isEqualTo(2);
            assertThat(rs.getString(6)).isEqualTo("db1");
            assertThat(rs.getString(7)).isEqualTo("replica lag");
            assertThat(textArray(rs.getArray(8))).containsExactly("role:primary");
        }
    }

    @Test
    void event_keepsEveryField() throws Exception {
        byte[] buf = "_e{5,4}:Title|Text|h:web1|k:agg|p:low|s:src|t:error|#a,b:c".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(buf, 2, 0, buf.length);
        l.kind = ParsedLine.Kind.EVENT;
        slice(l, buf, "Title", (o, n) -> {
            l.nameOff = o;
            l.nameLen = n;
        });
        slice(l, buf, "Text", (o, n) -> {
            l.textOff = o;
            l.textLen = n;
        });
        slice(l, buf, "web1", (o, n) -> {
            l.hostOff = o;
            l.hostLen = n;
        });
        slice(l, buf, "agg", (o, n) -> {
            l.aggregationKeyOff = o;
            l.aggregationKeyLen = n;
        });
        slice(l, buf, "low", (o, n) -> {
            l.priorityOff = o;
            l.priorityLen = n;
        });
        slice(l, buf, "src", (o, n) -> {
            l.sourceTypeOff = o;
            l.sourceTypeLen = n;
        });
        slice(l, buf, "error", (o, n) -> {
            l.alertTypeOff = o;
            l.alertTypeLen = n;
        });
        addTag(l, buf, "a");
        addTag(l, buf, "b:c");

        writeOne(l);

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select line, ts, title, text, host, aggregation_key, priority,"
                        + " source_type, alert_type, tags from ingest_events")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getObject(2, OffsetDateTime.class).toInstant()).isEqualTo(ARRIVAL);
            assertThat(rs.getString(3)).isEqualTo("Title");
            assertThat(rs.getString(4)).isEqualTo("Text");
            assertThat(rs.getString(5)).isEqualTo("web1");
            assertThat(rs.getString(6)).isEqualTo("agg");
            assertThat(rs.getString(7)).isEqualTo("low");
            assertThat(rs.getString(8)).isEqualTo("src");
            assertThat(rs.getString(9)).isEqualTo("error");
            assertThat(textArray(rs.getArray(10))).containsExactly("a", "b:c");
        }
    }

    @Test
    void reject_keepsRawBytesReasonDetailLine_andUndecodableRecordIsBadRecord() throws Exception {
        byte[] buf = "x:1|zz".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        l.reset(buf, 4, 0, buf.length);
        l.reject(RejectReason.UNKNOWN_TYPE, "type must be c, g, ms, h, d or s");
        byte[] garbage = {(byte) 0xFF, 0, 1, 2};

        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            BinaryCopySink sink = new BinaryCopySink();
            sink.begin(c);
            sink.startRecord(5, ARRIVAL);
            sink.accept(l);
            sink.startRecord(6, ARRIVAL);
            sink.rejectRecord(garbage, "bad base64 at byte 3");
            assertThat(sink.firstRejectLine()).isEqualTo(4);
            assertThat(sink.firstRejectReason()).isEqualTo(RejectReason.UNKNOWN_TYPE);
            sink.finish();
            c.commit();
        }

        try (Connection c = db.open();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select record_id, line, reason, detail, raw, received_at from ingest_rejects order by record_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(5);
            assertThat(rs.getInt(2)).isEqualTo(4);
            assertThat(rs.getString(3)).isEqualTo("UNKNOWN_TYPE");
            assertThat(rs.getString(4)).isEqualTo("type must be c, g, ms, h, d or s");
            assertThat(rs.getBytes(5)).isEqualTo(buf);
            assertThat(rs.getObject(6, OffsetDateTime.class).toInstant()).isEqualTo(ARRIVAL);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(6);
            assertThat(rs.getInt(2)).isEqualTo(BinaryCopySink.WHOLE_RECORD_LINE);
            assertThat(rs.getString(3)).isEqualTo("BAD_RECORD");
            assertThat(rs.getString(4)).isEqualTo("bad base64 at byte 3");
            assertThat(rs.getBytes(5)).isEqualTo(garbage);
        }
    }

    @Test
    void nulByteInName_orTimestampOutOfRange_becomesReject_notAFailedCopy() throws Exception {
        byte[] buf = "a\0b:1|c".getBytes(StandardCharsets.UTF_8);
        ParsedLine nul = metric(new ParsedLine(), buf, 1, 3, MetricType.COUNT, 1);
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            BinaryCopySink sink = new BinaryCopySink();
            sink.begin(c);
            sink.startRecord(9, ARRIVAL);
            sink.accept(nul);
            byte[] farBuf = "a:1|c|T99999999999999".getBytes(StandardCharsets.UTF_8);
            ParsedLine far = metric(new ParsedLine(), farBuf, 2, 1, MetricType.COUNT, 1);
            far.timestamp = 99_999_999_999_999L;
            sink.accept(far);
            sink.finish();
            c.commit();
        }
        assertThat(db.queryLong("select count(*) from metric_points")).isZero();
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_UTF8' and line = 1"))
                .isEqualTo(1);
        assertThat(db.queryLong("select count(*) from ingest_rejects where reason = 'BAD_TIMESTAMP' and line = 2"))
                .isEqualTo(1);
    }

    @Test
    void manyRowsAcrossChunks_allArrive() throws Exception {
        byte[] buf = "m:1|g|#a,b,c".getBytes(StandardCharsets.UTF_8);
        ParsedLine l = new ParsedLine();
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            BinaryCopySink sink = new BinaryCopySink(4096);
            sink.begin(c);
            sink.startRecord(1, ARRIVAL);
            for (int i = 1; i <= 20_000; i++) {
                metric(l, buf, i, 1, MetricType.GAUGE, i);
                addTag(l, buf, "a");
                addTag(l, buf, "b");
                addTag(l, buf, "c");
                sink.accept(l);
            }
            sink.finish();
            c.commit();
        }
        assertThat(db.queryLong("select count(*) from metric_points")).isEqualTo(20_000);
        assertThat(db.queryLong("select sum(value)::bigint from metric_points")).isEqualTo(20_000L * 20_001 / 2);
        assertThat(db.queryLong("select count(*) from metric_points where tags = '{a,b,c}'"))
                .isEqualTo(20_000);
    }

    // --- helpers ----------------------------------------------------------------------------

    /** Resets {@code l} to line {@code line}: a one-value metric whose name is the first {@code nameLen} bytes. */
    private static ParsedLine metric(ParsedLine l, byte[] buf, int line, int nameLen, MetricType type, double value) {
        l.reset(buf, line, 0, buf.length);
        l.kind = ParsedLine.Kind.METRIC;
        l.nameOff = 0;
        l.nameLen = nameLen;
        l.type = type;
        l.values[0] = value;
        l.valueCount = 1;
        return l;
    }

    private void writeOne(ParsedLine l) throws SQLException {
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            BinaryCopySink sink = new BinaryCopySink();
            sink.begin(c);
            sink.startRecord(l.lineNumber, ARRIVAL);
            sink.accept(l);
            sink.finish();
            c.commit();
        }
    }

    private interface SliceSetter {
        void set(int off, int len);
    }

    private static void slice(ParsedLine l, byte[] buf, String part, SliceSetter setter) {
        byte[] p = part.getBytes(StandardCharsets.UTF_8);
        int at = indexOf(buf, p);
        assertThat(at).as("%s in line", part).isGreaterThanOrEqualTo(0);
        setter.set(at, p.length);
    }

    private static void addTag(ParsedLine l, byte[] buf, String tag) {
        slice(l, buf, tag, (o, n) -> {
            l.tagOff[l.tagCount] = o;
            l.tagLen[l.tagCount] = n;
            l.tagCount++;
        });
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String[] textArray(Array a) throws SQLException {
        return (String[]) a.getArray();
    }
}
