package dev.dbre.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.ParsedLine.Kind;
import dev.dbre.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DogStatsdParserTest {
    private final DogStatsdParser parser = new DogStatsdParser(ParseLimits.DEFAULTS);

    private ParsedLine parse(String line) {
        return parse(parser, line);
    }

    static ParsedLine parse(DogStatsdParser parser, String line) {
        // put the line in the middle of a bigger buffer so offsets are exercised
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[text.length + 10];
        System.arraycopy(text, 0, buf, 5, text.length);
        return parser.parseLine(buf, 5, text.length, 7, new ParsedLine());
    }

    private static List<String> tags(ParsedLine l) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < l.tagCount; i++) {
            t.add(l.tag(i));
        }
        return t;
    }

    private static double[] values(ParsedLine l) {
        double[] v = new double[l.valueCount];
        System.arraycopy(l.values, 0, v, 0, l.valueCount);
        return v;
    }

    @Test
    void plainCounter_givesNameValueTypeAndDefaults() {
        ParsedLine l = parse("page.views:1|c");
        assertThat(l.kind).isEqualTo(Kind.METRIC);
        assertThat(l.lineNumber).isEqualTo(7);
        assertThat(l.name()).isEqualTo("page.views");
        assertThat(l.type).isEqualTo(MetricType.COUNT);
        assertThat(values(l)).containsExactly(1.0);
        assertThat(l.rate).isEqualTo(1.0);
        assertThat(l.tagCount).isZero();
        assertThat(l.hasTimestamp()).isFalse();
        assertThat(l.container()).isNull();
        assertThat(new String(l.rawLine(), StandardCharsets.UTF_8)).isEqualTo("page.views:1|c");
    }

    @ParameterizedTest
    @CsvSource({"c,COUNT", "g,GAUGE", "ms,TIMER", "h,HISTOGRAM", "d,DISTRIBUTION"})
    void everyNumericType_isRecognised(String code, MetricType type) {
        ParsedLine l = parse("x:2.5|" + code);
        assertThat(l.kind).isEqualTo(Kind.METRIC);
        assertThat(l.type).isEqualTo(type);
        assertThat(values(l)).containsExactly(2.5);
    }

    @Test
    void packedValues_giveOneValueEach() {
        ParsedLine l = parse("lat:1:2.5:-3|d");
        assertThat(values(l)).containsExactly(1.0, 2.5, -3.0);
    }

    @Test
    void set_keepsItsValueAsText_evenWithColons() {
        ParsedLine l = parse("users.uniq:user:42|s|#env:prod");
        assertThat(l.type).isEqualTo(MetricType.SET);
        assertThat(l.member()).isEqualTo("user:42");
        assertThat(l.valueCount).isZero();
        assertThat(tags(l)).containsExactly("env:prod");
    }

    @Test
    void gaugeSign_isStoredAsASignedValue() {
        assertThat(values(parse("g:+5|g"))).containsExactly(5.0);
        assertThat(values(parse("g:-5|g"))).containsExactly(-5.0);
    }

    @Test
    void sampleRate_isKept() {
        assertThat(parse("a:1|c|@0.25").rate).isEqualTo(0.25);
        assertThat(parse("a:1|c|@1").rate).isEqualTo(1.0);
    }

    @ParameterizedTest
    @CsvSource({"@0", "@1.5", "@-0.1", "@", "@abc", "@NaN"})
    void badSampleRate_isRejected(String field) {
        ParsedLine l = parse("a:1|c|" + field);
        assertThat(l.reason).isEqualTo(RejectReason.BAD_SAMPLE_RATE);
        assertThat(l.detail).isEqualTo(DogStatsdParser.D_BAD_RATE);
    }

    @Test
    void tags_areSortedByBytesWithoutDuplicates() {
        ParsedLine l = parse("a:1|c|#zone:b,env:prod,env:prod,bare,Zulu,env:dev");
        assertThat(tags(l)).containsExactly("Zulu", "bare", "env:dev", "env:prod", "zone:b");
    }

    @Test
    void manyTags_growTheArraysAndStaySorted() {
        StringBuilder sb = new StringBuilder("a:1|c|#");
        for (int i = 99; i >= 0; i--) {
            sb.append("t").append(i).append(i == 0 ? "" : ",");
        }
        ParsedLine l = parse(sb.toString());
        assertThat(l.tagCount).isEqualTo(100);
        List<String> t = tags(l);
        assertThat(t).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void timestampAndContainer_areKept_inAnyFieldOrder() {
        ParsedLine l = parse("a:1|g|c:ci-1234|T1700000000|#b,a|@0.5|e:it-false,cn-x|card:high");
        assertThat(l.kind).isEqualTo(Kind.METRIC);
        assertThat(l.timestamp).isEqualTo(1_700_000_000L);
        assertThat(l.container()).isEqualTo("ci-1234");
        assertThat(l.rate).isEqualTo(0.5);
        assertThat(tags(l)).containsExactly("a", "b");
    }

    @ParameterizedTest
    @CsvSource({"T", "T0", "T-5", "T12a", "T253402300800", "T99999999999999999999"})
    void badUnixTimestamp_isRejected(String field) {
        assertThat(parse("a:1|g|" + field).reason).isEqualTo(RejectReason.BAD_TIMESTAMP);
    }

    @Test
    void utf8Names_andTags_areAccepted() {
        ParsedLine l = parse("température.salle:21.5|g|#lieu:café,城市:東京");
        assertThat(l.kind).isEqualTo(Kind.METRIC);
        assertThat(l.name()).isEqualTo("température.salle");
        assertThat(tags(l)).containsExactly("lieu:café", "城市:東京");
    }

    @Test
    void invalidUtf8_isRejected() {
        byte[] line = {'a', (byte) 0xc3, ':', '1', '|', 'c'};
        ParsedLine l = parser.parseLine(line, 0, line.length, 1, new ParsedLine());
        assertThat(l.reason).isEqualTo(RejectReason.BAD_UTF8);
        byte[] overlong = {'a', (byte) 0xc0, (byte) 0xaf, ':', '1', '|', 'c'};
        assertThat(parser.parseLine(overlong, 0, overlong.length, 1, new ParsedLine()).reason)
                .isEqualTo(RejectReason.BAD_UTF8);
        byte[] surrogate = {'a', (byte) 0xed, (byte) 0xa0, (byte) 0x80, ':', '1', '|', 'c'};
        assertThat(parser.parseLine(surrogate, 0, surrogate.length, 1, new ParsedLine()).reason)
                .isEqualTo(RejectReason.BAD_UTF8);
    }

    @Test
    void nulByte_isRejectedAsBadUtf8_becausePostgresTextCannotHoldIt() {
        ParsedLine l = parse("a:1|c|#x\0y");
        assertThat(l.reason).isEqualTo(RejectReason.BAD_UTF8);
        assertThat(l.detail).isEqualTo(DogStatsdParser.D_NUL);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                ":1|c => EMPTY_NAME",
                "|c => EMPTY_NAME",
                "a|c => BAD_VALUE",
                "a => BAD_VALUE",
                "a: => UNKNOWN_TYPE",
                "a:1 => UNKNOWN_TYPE",
                "a:1| => UNKNOWN_TYPE",
                "a:1|x => UNKNOWN_TYPE",
                "a:1|cc => UNKNOWN_TYPE",
                "a:1|m => UNKNOWN_TYPE",
                "a:1|msx => UNKNOWN_TYPE",
                "a:|c => BAD_VALUE",
                "a:abc|c => BAD_VALUE",
                "a:1::2|d => BAD_VALUE",
                "a:NaN|g => BAD_VALUE",
                "a:Infinity|g => BAD_VALUE",
                "a:1e999|g => BAD_VALUE",
                "a:0x10|g => BAD_VALUE",
                "a:1f|g => BAD_VALUE",
                "a: 1|g => BAD_VALUE",
                "a:|s => BAD_VALUE",
                "a:1|c|#a,,b => BAD_TAG",
                "a:1|c|#a, => BAD_TAG",
                "a:1|c|#,a => BAD_TAG",
                "a:1|c|| => BAD_FIELD",
                "a:1|c| => BAD_FIELD",
                "a:1|c|x:1| => BAD_FIELD",
                "a:1|c|@0.5|@0.5 => BAD_FIELD",
                "a:1|c|#a|#b => BAD_FIELD",
                "a:1|c|#|#b => BAD_FIELD",
                "a:1|c|c:x|x:1|c:y => BAD_FIELD",
                "a:1|c|c: => BAD_FIELD",
                "a:1|c|@ => BAD_SAMPLE_RATE",
                "a:1|c|x:1|Tsoon => BAD_TIMESTAMP",
            })
    void malformedMetric_isRejectedWithItsReason(String line, RejectReason reason) {
        ParsedLine l = parse(line);
        assertThat(l.kind).isEqualTo(Kind.REJECT);
        assertThat(l.reason).isEqualTo(reason);
        assertThat(l.detail).isNotBlank();
        assertThat(new String(l.rawLine(), StandardCharsets.UTF_8)).isEqualTo(line);
    }

    @Test
    void numbers_acceptDecimalForms() {
        assertThat(values(parse("a:1.|g"))).containsExactly(1.0);
        assertThat(values(parse("a:.5|g"))).containsExactly(0.5);
        assertThat(values(parse("a:1.5e3|g"))).containsExactly(1500.0);
        assertThat(values(parse("a:12345678901234567890|g"))).containsExactly(12345678901234567890.0);
        assertThat(1 / parse("a:-0|g").values[0]).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void limits_areEnforced() {
        DogStatsdParser small = new DogStatsdParser(new ParseLimits(30, 5, 2, 3));
        assertThat(parse(small, "a:1|c|#" + "x".repeat(30)).reason).isEqualTo(RejectReason.LINE_TOO_LONG);
        assertThat(parse(small, "abcdef:1|c").reason).isEqualTo(RejectReason.NAME_TOO_LONG);
        assertThat(parse(small, "abcde:1|c").kind).isEqualTo(Kind.METRIC);
        assertThat(parse(small, "a:1|c|#x,y,z").reason).isEqualTo(RejectReason.TOO_MANY_TAGS);
        assertThat(parse(small, "a:1|c|#x,y").kind).isEqualTo(Kind.METRIC);
        ParsedLine packed = parse(small, "a:1:2:3:4|d");
        assertThat(packed.reason).isEqualTo(RejectReason.BAD_VALUE);
        assertThat(packed.detail).isEqualTo(DogStatsdParser.D_TOO_MANY_VALUES);
        assertThat(parse(small, "a:1:2:3|d").valueCount).isEqualTo(3);
    }

    @Test
    void moreThan64PackedValues_growTheValueArray_whenTheLimitAllows() {
        DogStatsdParser big = new DogStatsdParser(new ParseLimits(8192, 200, 100, 500));
        StringBuilder sb = new StringBuilder("a");
        for (int i = 0; i < 300; i++) {
            sb.append(':').append(i);
        }
        ParsedLine l = parse(big, sb.append("|d").toString());
        assertThat(l.valueCount).isEqualTo(300);
        assertThat(l.values[299]).isEqualTo(299.0);
    }

    @Test
    void serviceCheck_givesEveryField() {
        ParsedLine l = parse("_sc|db.up|2|d:1700000000|h:db-1|#env:prod,role:primary|m:replica lag | high");
        assertThat(l.kind).isEqualTo(Kind.SERVICE_CHECK);
        assertThat(l.name()).isEqualTo("db.up");
        assertThat(l.status).isEqualTo(2);
        assertThat(l.timestamp).isEqualTo(1_700_000_000L);
        assertThat(l.host()).isEqualTo("db-1");
        assertThat(tags(l)).containsExactly("env:prod", "role:primary");
        assertThat(l.message()).isEqualTo("replica lag | high");
    }

    @Test
    void minimalServiceCheck_isAccepted() {
        ParsedLine l = parse("_sc|x|0");
        assertThat(l.kind).isEqualTo(Kind.SERVICE_CHECK);
        assertThat(l.status).isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "_sc => BAD_SERVICE_CHECK",
                "_sc| => EMPTY_NAME",
                "_sc||0 => EMPTY_NAME",
                "_sc|x => BAD_SERVICE_CHECK",
                "_sc|x| => BAD_STATUS",
                "_sc|x|4 => BAD_STATUS",
                "_sc|x|01 => BAD_STATUS",
                "_sc|x|a => BAD_STATUS",
                "_sc|x|0|d:abc => BAD_TIMESTAMP",
                "_sc|x|0|h: => BAD_FIELD",
                "_sc|x|0|#a,,b => BAD_TAG",
                "_sc|x|0|h:a|x:1|h:b => BAD_FIELD",
                "_sc|x|0|m: => BAD_FIELD",
                "_sc|x|0|m:|c:ci-1 => BAD_FIELD",
                "_sc|x|0|h:a|m:down|h:b => BAD_FIELD",
                "_sc|x|0|m:down|d:x => BAD_TIMESTAMP",
                "_sc|x|0|m:down|#a,,b => BAD_TAG",
            })
    void malformedServiceCheck_isRejectedWithItsReason(String line, RejectReason reason) {
        assertThat(parse(line).reason).isEqualTo(reason);
    }

    @Test
    void event_givesEveryField_withLengthsInUtf8Bytes() {
        String title = "Déploiement";
        String text = "v2 out, rollback ready";
        String line = "_e{" + title.getBytes(StandardCharsets.UTF_8).length + "," + text.length() + "}:" + title + "|"
                + text + "|d:1700000000|h:web-1|k:deploy-42|p:low|s:jenkins|t:success|#env:prod,app:web";
        ParsedLine l = parse(line);
        assertThat(l.kind).isEqualTo(Kind.EVENT);
        assertThat(l.name()).isEqualTo(title);
        assertThat(l.text()).isEqualTo(text);
        assertThat(l.timestamp).isEqualTo(1_700_000_000L);
        assertThat(l.host()).isEqualTo("web-1");
        assertThat(l.text(l.aggregationKeyOff, l.aggregationKeyLen)).isEqualTo("deploy-42");
        assertThat(l.text(l.priorityOff, l.priorityLen)).isEqualTo("low");
        assertThat(l.text(l.sourceTypeOff, l.sourceTypeLen)).isEqualTo("jenkins");
        assertThat(l.text(l.alertTypeOff, l.alertTypeLen)).isEqualTo("success");
        assertThat(tags(l)).containsExactly("app:web", "env:prod");
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {"name:1|c|# => ''", "name:1|g|#|T1657100430 => 1657100430", "name:1|g|T1657100430|# => 1657100430"
            })
    void emptyTagSection_isNoTags(String line, String ts) {
        ParsedLine l = parse(line);
        assertThat(l.kind).as("%s: %s", line, l.detail).isEqualTo(Kind.METRIC);
        assertThat(l.tagCount).isZero();
        assertThat(l.ignoredFields).isZero();
        assertThat(l.timestamp).isEqualTo(ts.isEmpty() ? ParsedLine.NO_TIMESTAMP : Long.parseLong(ts));
    }

    @Test
    void unknownFields_areSkippedAndCounted_onEveryKindOfLine() {
        ParsedLine metric = parse("a:1|c|f:gzip|#b,a|x:1|card:low|e:it-1|h:web-1|T1700000000|m:hi");
        assertThat(metric.kind).as(metric.detail).isEqualTo(Kind.METRIC);
        assertThat(tags(metric)).containsExactly("a", "b");
        assertThat(metric.timestamp).isEqualTo(1_700_000_000L);
        assertThat(metric.ignoredFields)
                .as("f:, x:, h: and m: are not metric fields")
                .isEqualTo(4);

        ParsedLine check = parse("_sc|db.up|0|x:1|@0.5|T1700000000|h:db-1|m:ok");
        assertThat(check.kind).as(check.detail).isEqualTo(Kind.SERVICE_CHECK);
        assertThat(check.host()).isEqualTo("db-1");
        assertThat(check.message()).isEqualTo("ok");
        assertThat(check.ignoredFields).isEqualTo(3);

        ParsedLine event = parse("_e{1,2}:t|xx|f:1|@0.5|m:msg|k:key");
        assertThat(event.kind).as(event.detail).isEqualTo(Kind.EVENT);
        assertThat(event.text(event.aggregationKeyOff, event.aggregationKeyLen)).isEqualTo("key");
        assertThat(event.ignoredFields).isEqualTo(3);

        assertThat(parse("a:1|c|#a").ignoredFields).isZero();
    }

    @Test
    void serviceCheckMessage_keepsItsPipes_butNotTheKnownFieldsAfterIt() {
        // What the Java client writes: the container id after the message.
        ParsedLine l =
                parse("_sc|db.can_connect|2|h:db-1|#db:orders|m:connection refused | port 5432|c:ci-83a8f1b8d2f3e1a0");
        assertThat(l.kind).as(l.detail).isEqualTo(Kind.SERVICE_CHECK);
        assertThat(l.message()).isEqualTo("connection refused | port 5432");
        assertThat(l.container()).isEqualTo("ci-83a8f1b8d2f3e1a0");
        assertThat(l.host()).isEqualTo("db-1");

        ParsedLine all = parse("_sc|x|1|m:a|b|#env:ci|d:1700000000|h:h1|e:it-1|card:low|c:ci-1");
        assertThat(all.message()).isEqualTo("a|b");
        assertThat(tags(all)).containsExactly("env:ci");
        assertThat(all.timestamp).isEqualTo(1_700_000_000L);
        assertThat(all.host()).isEqualTo("h1");
        assertThat(all.container()).isEqualTo("ci-1");

        // Only a run of known fields up to the end splits: anything else after it stays message.
        assertThat(parse("_sc|x|1|m:a|c:ci-1|then more").message()).isEqualTo("a|c:ci-1|then more");
        assertThat(parse("_sc|x|1|m:a|x:1|c:ci-1").message()).isEqualTo("a|x:1");
        assertThat(parse("_sc|x|1|m:a||c:ci-1").message()).isEqualTo("a|");
        assertThat(parse("_sc|x|1|m:a | b").message()).isEqualTo("a | b");
    }

    @Test
    void eventNewlineEscapes_areLineBreaks_inTitleAndText() {
        String title = "failover\\nprimary";
        String text = "primary db-1\\nreplica db-2 promoted";
        ParsedLine l = parse("_e{" + title.length() + "," + text.length() + "}:" + title + "|" + text + "|t:warning");
        assertThat(l.kind).as(l.detail).isEqualTo(Kind.EVENT);
        assertThat(l.escapedNewlines).isTrue();
        assertThat(l.name()).isEqualTo("failover\nprimary");
        assertThat(l.text()).isEqualTo("primary db-1\nreplica db-2 promoted");
        assertThat(l.textLen).as("the slice stays as written").isEqualTo(text.length());
        // A backslash before anything else stays; a line without the escape is read as written.
        ParsedLine plain = parse("_e{1,5}:t|a\\tb\\");
        assertThat(plain.escapedNewlines).isFalse();
        assertThat(plain.text()).isEqualTo("a\\tb\\");
        assertThat(DogStatsdPrinter.print(l))
                .as("printed back with the escape")
                .isEqualTo("_e{" + title.length() + "," + text.length() + "}:" + title + "|" + text + "|t:warning");
    }

    @Test
    void event_textMayContainPipes_andBeEmpty() {
        assertThat(parse("_e{1,3}:t|a|b").text()).isEqualTo("a|b");
        ParsedLine empty = parse("_e{1,0}:t|");
        assertThat(empty.kind).isEqualTo(Kind.EVENT);
        assertThat(empty.text()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "_e{ => BAD_EVENT",
                "_e{1,2} => BAD_EVENT",
                "_e{a,2}:t|xx => BAD_EVENT",
                "_e{1,2}t|xx => BAD_EVENT",
                "_e{0,2}:|xx => EMPTY_NAME",
                "_e{2,2}:t|xx => BAD_EVENT",
                "_e{1,5}:t|xx => BAD_EVENT",
                "_e{1,1}:t|xx => BAD_EVENT",
                "_e{1,2}:t|xx|p:high => BAD_EVENT",
                "_e{1,2}:t|xx|t:fatal => BAD_EVENT",
                "_e{1,2}:t|xx|k:a|k:b => BAD_FIELD",
                "_e{1,2}:t|xx|k: => BAD_FIELD",
                "_e{1,2}:t|xx|d:x => BAD_TIMESTAMP",
                "_e{9999999999,2}:t|xx => BAD_EVENT",
            })
    void malformedEvent_isRejectedWithItsReason(String line, RejectReason reason) {
        assertThat(parse(line).reason).isEqualTo(reason);
    }

    @Test
    void eventTitleLengthSplittingAUtf8Character_isRejected() {
        // "é" is two bytes: a title length of 1 would cut it in half, and no '|' follows byte 1
        assertThat(parse("_e{1,1}:é|x").reason).isEqualTo(RejectReason.BAD_EVENT);
        assertThat(parse("_e{2,1}:é|x").kind).isEqualTo(Kind.EVENT);
    }

    @Test
    void eventTitleOverNameLimit_isRejected() {
        DogStatsdParser small = new DogStatsdParser(new ParseLimits(8192, 3, 10, 10));
        assertThat(parse(small, "_e{4,1}:abcd|x").reason).isEqualTo(RejectReason.NAME_TOO_LONG);
    }

    @Test
    void aMetricNamedLikeTheCheckPrefix_isStillAMetric() {
        assertThat(parse("_sc:1|c").kind).isEqualTo(Kind.METRIC);
        assertThat(parse("_scx:1|c").name()).isEqualTo("_scx");
    }

    @Test
    void reusingOneParsedLine_leavesNothingFromThePreviousLine() {
        ParsedLine out = new ParsedLine();
        byte[] a = "a:1|c|#x|T1700000000|c:abc|@0.5".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b:2|g".getBytes(StandardCharsets.UTF_8);
        parser.parseLine(a, 0, a.length, 1, out);
        parser.parseLine(b, 0, b.length, 2, out);
        assertThat(out.name()).isEqualTo("b");
        assertThat(out.tagCount).isZero();
        assertThat(out.hasTimestamp()).isFalse();
        assertThat(out.container()).isNull();
        assertThat(out.rate).isEqualTo(1.0);
    }
}
