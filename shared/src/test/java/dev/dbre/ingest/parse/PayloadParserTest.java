package dev.dbre.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.config.ConfigException;
import dev.dbre.config.Env;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.ParsedLine.Kind;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class PayloadParserTest {
    private static List<JsonPointParserTest.Line> parse(String payload, PayloadFormat format) {
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        List<JsonPointParserTest.Line> lines = new ArrayList<>();
        int n = new PayloadParser(ParseLimits.DEFAULTS)
                .parse(b, 0, b.length, format, l -> lines.add(JsonPointParserTest.Line.of(l)));
        assertThat(n).isEqualTo(lines.size());
        return lines;
    }

    @Test
    void lines_areSplitOnNewline_crlfTolerated_blankLinesSkipped_numbersKept() {
        var lines = parse("a:1|c\r\n\n   \nb:2|g\r\n\t\nbad\nc:3|ms", PayloadFormat.DOGSTATSD);
        assertThat(lines).extracting(JsonPointParserTest.Line::lineNumber).containsExactly(1, 4, 6, 7);
        assertThat(lines)
                .extracting(JsonPointParserTest.Line::kind)
                .containsExactly(Kind.METRIC, Kind.METRIC, Kind.REJECT, Kind.METRIC);
        assertThat(lines.get(1).raw()).isEqualTo("b:2|g");
        assertThat(lines.get(2).reason()).isEqualTo(RejectReason.BAD_VALUE);
    }

    /** The reused line keeps nothing of the line before: each kind after each other kind. */
    @Test
    void reusedLine_carriesNothingOver_betweenKindsAndFields() {
        String payload = "_sc|db.up|2|h:db1|m:down\n"
                + "a:1|c\n"
                + "b:2:3|d|#x,y|@0.5|T1700000000\n"
                + "c:4|g\n"
                + "u:alice|s\n"
                + "d:5|h\n"
                + "e:x|c\n"
                + "f:6|c|c:ctr\n"
                + "g:7|c";
        byte[] b = payload.getBytes(StandardCharsets.UTF_8);
        List<String> reused = new ArrayList<>();
        new PayloadParser(ParseLimits.DEFAULTS)
                .parse(b, 0, b.length, PayloadFormat.DOGSTATSD, l -> reused.add(ParserEquivalenceTest.describe(l)));
        List<String> fresh = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        for (String text : payload.split("\n")) {
            fresh.add(ParserEquivalenceTest.describe(new DogStatsdParser(ParseLimits.DEFAULTS)
                    .parseLine(b, start, text.length(), ++lineNo, new ParsedLine())));
            start += text.length() + 1;
        }
        assertThat(reused).isEqualTo(fresh);
        assertThat(reused.get(3)).contains("ts=" + ParsedLine.NO_TIMESTAMP, "tags= ", "host=null");
    }

    @Test
    void auto_picksJsonByFirstNonBlankByte() {
        assertThat(parse(" \n [{\"name\":\"a\",\"value\":1}]", PayloadFormat.AUTO)
                        .get(0)
                        .name())
                .isEqualTo("a");
        assertThat(parse("{\"name\":\"a\",\"value\":1}", PayloadFormat.AUTO)
                        .get(0)
                        .kind())
                .isEqualTo(Kind.METRIC);
        assertThat(parse("a:1|c", PayloadFormat.AUTO).get(0).name()).isEqualTo("a");
    }

    @Test
    void dogStatsdFormat_treatsJsonAsBadLines() {
        var lines = parse("{\"name\":\"a\"}", PayloadFormat.DOGSTATSD);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).kind()).isEqualTo(Kind.REJECT);
    }

    @Test
    void emptyPayload_givesNothing() {
        assertThat(parse("", PayloadFormat.AUTO)).isEmpty();
        assertThat(parse("\n\n", PayloadFormat.DOGSTATSD)).isEmpty();
    }

    @Test
    void limitsFromEnv_readEachVariable_andDefaultWhenUnset() {
        assertThat(ParseLimits.fromEnv(new Env(Map.of()))).isEqualTo(ParseLimits.DEFAULTS);
        ParseLimits l = ParseLimits.fromEnv(new Env(Map.of(
                "DBRE_INGEST_MAX_LINE_BYTES", "1000",
                "DBRE_INGEST_MAX_NAME_BYTES", "50",
                "DBRE_INGEST_MAX_TAGS", "7",
                "DBRE_INGEST_MAX_PACKED_VALUES", "9")));
        assertThat(l).isEqualTo(new ParseLimits(1000, 50, 7, 9));
    }

    @Test
    void limitsFromEnv_nameTheBadVariable() {
        Assertions.assertThatThrownBy(() -> ParseLimits.fromEnv(new Env(Map.of("DBRE_INGEST_MAX_TAGS", "lots"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_INGEST_MAX_TAGS");
        Assertions.assertThatThrownBy(() -> ParseLimits.fromEnv(new Env(Map.of("DBRE_INGEST_MAX_PACKED_VALUES", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DBRE_INGEST_MAX_PACKED_VALUES");
    }
}
