package dev.dbre.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.ParsedLine.Kind;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonPointParserTest {
    /** A copy of what one delivered line held (the flyweight is reused). */
    record Line(
            Kind kind,
            int lineNumber,
            String name,
            MetricType type,
            List<Double> values,
            String member,
            double rate,
            List<String> tags,
            long ts,
            String container,
            String host,
            RejectReason reason,
            String raw) {
        static Line of(ParsedLine l) {
            List<Double> v = new ArrayList<>();
            for (int i = 0; i < l.valueCount; i++) {
                v.add(l.values[i]);
            }
            List<String> t = new ArrayList<>();
            for (int i = 0; i < l.tagCount; i++) {
                t.add(l.tag(i));
            }
            return new Line(
                    l.kind,
                    l.lineNumber,
                    l.kind == Kind.REJECT ? null : l.name(),
                    l.type,
                    v,
                    l.member(),
                    l.rate,
                    t,
                    l.timestamp,
                    l.container(),
                    l.host(),
                    l.reason,
                    new String(l.rawLine(), StandardCharsets.UTF_8));
        }
    }

    static List<Line> parse(ParseLimits limits, String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] buf = new byte[text.length + 6];
        System.arraycopy(text, 0, buf, 3, text.length);
        List<Line> lines = new ArrayList<>();
        int n = new PayloadParser(limits).parse(buf, 3, text.length, PayloadFormat.JSON, l -> lines.add(Line.of(l)));
        assertThat(n).isEqualTo(lines.size());
        return lines;
    }

    static List<Line> parse(String json) {
        return parse(ParseLimits.DEFAULTS, json);
    }

    @Test
    void oneObject_givesEveryField() {
        Line l = parse("{\"name\":\"db.conn\",\"value\":12.5,\"type\":\"g\",\"tags\":{\"env\":\"prod\",\"az\":\"b\"},"
                        + "\"ts\":1700000000,\"rate\":0.5,\"container\":\"ci-9\",\"host\":\"db-1\"}")
                .get(0);
        assertThat(l.kind()).isEqualTo(Kind.METRIC);
        assertThat(l.lineNumber()).isEqualTo(1);
        assertThat(l.name()).isEqualTo("db.conn");
        assertThat(l.type()).isEqualTo(MetricType.GAUGE);
        assertThat(l.values()).containsExactly(12.5);
        assertThat(l.tags()).containsExactly("az:b", "env:prod");
        assertThat(l.ts()).isEqualTo(1_700_000_000L);
        assertThat(l.rate()).isEqualTo(0.5);
        assertThat(l.container()).isEqualTo("ci-9");
        assertThat(l.host()).isEqualTo("db-1");
        assertThat(l.raw()).startsWith("{\"name\"").endsWith("}");
    }

    @Test
    void array_givesOneLinePerObject_numberedFromOne() {
        List<Line> lines = parse("[{\"name\":\"a\",\"value\":1,\"type\":\"c\"},{\"name\":\"b\",\"value\":2}]");
        assertThat(lines).extracting(Line::name).containsExactly("a", "b");
        assertThat(lines).extracting(Line::lineNumber).containsExactly(1, 2);
        assertThat(lines.get(1).type()).as("default type").isEqualTo(MetricType.GAUGE);
        assertThat(lines.get(1).raw()).isEqualTo("{\"name\":\"b\",\"value\":2}");
    }

    @Test
    void tagsAsArray_areSortedAndDeduplicated() {
        Line l = parse("{\"name\":\"a\",\"value\":1,\"tags\":[\"z\",\"a:1\",\"z\",\"m\"]}")
                .get(0);
        assertThat(l.tags()).containsExactly("a:1", "m", "z");
    }

    @Test
    void tagObject_withNumberBooleanAndNull_becomesText() {
        Line l = parse("{\"name\":\"a\",\"value\":1,\"tags\":{\"n\":3,\"b\":true,\"bare\":null,\"é\":\"ü\"}}")
                .get(0);
        assertThat(l.tags()).containsExactly("b:true", "bare", "n:3", "é:ü");
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "\"2023-11-14T22:13:20Z\" => 1700000000",
                "\"2023-11-14T23:13:20+01:00\" => 1700000000",
                "\"2023-11-14T22:13:20.999Z\" => 1700000000",
                "1700000000 => 1700000000",
                "1700000000.7 => 1700000000",
                "1700000000123 => 1700000000",
            })
    void ts_acceptsIsoSecondsAndMillis(String ts, long expected) {
        assertThat(parse("{\"name\":\"a\",\"value\":1,\"ts\":" + ts + "}")
                        .get(0)
                        .ts())
                .isEqualTo(expected);
    }

    @Test
    void packedValues_andSets_andNumericStrings() {
        assertThat(parse("{\"name\":\"a\",\"value\":[1,2,3],\"type\":\"d\"}")
                        .get(0)
                        .values())
                .containsExactly(1.0, 2.0, 3.0);
        assertThat(parse("{\"name\":\"a\",\"value\":\"u-1\",\"type\":\"set\"}")
                        .get(0)
                        .member())
                .isEqualTo("u-1");
        assertThat(parse("{\"type\":\"s\",\"name\":\"a\",\"value\":42}").get(0).member())
                .isEqualTo("42");
        assertThat(parse("{\"name\":\"a\",\"value\":\"2.5\"}").get(0).values()).containsExactly(2.5);
    }

    @Test
    void unknownFields_areIgnored() {
        Line l = parse("{\"name\":\"a\",\"extra\":{\"deep\":[1,{\"x\":2}]},\"value\":1}")
                .get(0);
        assertThat(l.kind()).isEqualTo(Kind.METRIC);
        assertThat(l.values()).containsExactly(1.0);
    }

    @ParameterizedTest
    @CsvSource(
            delimiterString = " => ",
            value = {
                "{\"value\":1} => EMPTY_NAME",
                "{\"name\":\"\",\"value\":1} => EMPTY_NAME",
                "{\"name\":5,\"value\":1} => BAD_JSON",
                "{\"name\":\"a\"} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":\"x\"} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":true} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":[]} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":[1,\"x\"]} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":1e999} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":[1],\"type\":\"s\"} => BAD_VALUE",
                "{\"name\":\"a\",\"value\":1,\"type\":\"x\"} => UNKNOWN_TYPE",
                "{\"name\":\"a\",\"value\":1,\"type\":1} => UNKNOWN_TYPE",
                "{\"name\":\"a\",\"value\":1,\"tags\":\"x\"} => BAD_TAG",
                "{\"name\":\"a\",\"value\":1,\"tags\":[\"\"]} => BAD_TAG",
                "{\"name\":\"a\",\"value\":1,\"tags\":[1]} => BAD_TAG",
                "{\"name\":\"a\",\"value\":1,\"tags\":{\"k\":[1]}} => BAD_TAG",
                "{\"name\":\"a\",\"value\":1,\"ts\":\"yesterday\"} => BAD_TIMESTAMP",
                "{\"name\":\"a\",\"value\":1,\"ts\":\"2023-11-14T22:13:20\"} => BAD_TIMESTAMP",
                "{\"name\":\"a\",\"value\":1,\"ts\":-5} => BAD_TIMESTAMP",
                "{\"name\":\"a\",\"value\":1,\"ts\":true} => BAD_TIMESTAMP",
                "{\"name\":\"a\",\"value\":1,\"rate\":0} => BAD_SAMPLE_RATE",
                "{\"name\":\"a\",\"value\":1,\"rate\":\"0.5\"} => BAD_SAMPLE_RATE",
                "{\"name\":\"a\",\"value\":1,\"host\":1} => BAD_JSON",
                "{\"name\":\"a\\u0000\",\"value\":1} => BAD_UTF8",
                "{\"name\":\"a\\ud800\",\"value\":1} => BAD_UTF8",
            })
    void badObject_isRejectedAlone_withItsRawBytes(String bad, RejectReason reason) {
        String good = "{\"name\":\"ok\",\"value\":1}";
        List<Line> lines = parse("[" + good + ", " + bad + " ," + good + "]");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).kind()).isEqualTo(Kind.METRIC);
        assertThat(lines.get(1).reason()).isEqualTo(reason);
        assertThat(lines.get(1).raw()).isEqualTo(bad);
        assertThat(lines.get(1).lineNumber()).isEqualTo(2);
        assertThat(lines.get(2).kind()).isEqualTo(Kind.METRIC);
        assertThat(lines.get(2).lineNumber()).isEqualTo(3);
    }

    @Test
    void nonObjectElement_isRejectedAsBadJson() {
        List<Line> lines = parse("[\"text\", 5, [1,2], {\"name\":\"a\",\"value\":1}]");
        assertThat(lines)
                .extracting(Line::reason)
                .containsExactly(RejectReason.BAD_JSON, RejectReason.BAD_JSON, RejectReason.BAD_JSON, null);
        assertThat(lines).extracting(Line::raw).startsWith("\"text\"", "5", "[1,2]");
    }

    @Test
    void malformedDocument_keepsGoodObjectsAndRejectsTheRestOnce() {
        List<Line> lines = parse("[{\"name\":\"a\",\"value\":1}, {\"name\":\"b\",\"value\": oops}, {\"name\":\"c\"}]");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).name()).isEqualTo("a");
        assertThat(lines.get(1).reason()).isEqualTo(RejectReason.BAD_JSON);
        assertThat(lines.get(1).lineNumber()).isEqualTo(2);
        assertThat(lines.get(1).raw()).isEqualTo("{\"name\":\"b\",\"value\": oops}, {\"name\":\"c\"}]");
    }

    @Test
    void truncatedDocument_isOneReject() {
        List<Line> lines = parse("[{\"name\":\"a\",\"val");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).reason()).isEqualTo(RejectReason.BAD_JSON);
        assertThat(lines.get(0).raw()).isEqualTo("{\"name\":\"a\",\"val");
    }

    @Test
    void severalRootObjects_areReadLikeNdjson() {
        List<Line> lines = parse("{\"name\":\"a\",\"value\":1}\n{\"name\":\"b\",\"value\":2}\n");
        assertThat(lines).extracting(Line::name).containsExactly("a", "b");
        assertThat(lines).extracting(Line::lineNumber).containsExactly(1, 2);
    }

    @Test
    void emptyDocumentOrArray_givesNothing() {
        assertThat(parse("  ")).isEmpty();
        assertThat(parse("[]")).isEmpty();
    }

    @Test
    void limits_areEnforced() {
        ParseLimits small = new ParseLimits(60, 3, 1, 2);
        assertThat(parse(small, "{\"name\":\"abcd\",\"value\":1}").get(0).reason())
                .isEqualTo(RejectReason.NAME_TOO_LONG);
        assertThat(parse(small, "{\"name\":\"a\",\"value\":1,\"tags\":[\"x\",\"y\"]}")
                        .get(0)
                        .reason())
                .isEqualTo(RejectReason.TOO_MANY_TAGS);
        assertThat(parse(small, "{\"name\":\"a\",\"value\":[1,2,3]}").get(0).reason())
                .isEqualTo(RejectReason.BAD_VALUE);
        assertThat(parse(small, "{\"name\":\"a\",\"value\":1,\"pad\":\"" + "x".repeat(60) + "\"}")
                        .get(0)
                        .reason())
                .isEqualTo(RejectReason.LINE_TOO_LONG);
    }

    @Test
    void aThrowingConsumer_isNotTurnedIntoAReject() {
        byte[] json = "{\"name\":\"a\",\"value\":1}".getBytes(StandardCharsets.UTF_8);
        PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> parser.parse(json, 0, json.length, PayloadFormat.JSON, l -> {
                            throw new IllegalStateException("sink down");
                        }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("sink down");
    }
}
