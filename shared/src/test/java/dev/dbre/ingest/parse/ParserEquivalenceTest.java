package dev.dbre.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.bench.ParserBench;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.reference.RefDogStatsdParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The optimized DogStatsD path gives exactly what the original parser gave ({@link
 * RefDogStatsdParser}, a frozen copy): same lines, numbers, kinds and every field of an accepted
 * line, same reason and detail for a rejected one — under the rules as they are today: where the
 * rules changed after the copy was frozen (what real clients send: an empty {@code |#}, unknown
 * fields, fields after a service check's message, {@code \n} in events), {@link ReferenceRules}
 * rewrites the line into the reference's language and the reference parses that instead. The byte-at-a-time tricks (8-byte words, fused
 * scans) have edges at every position of a word, so the payloads here start and end at every
 * offset, and carry '\n', '\r', NUL and high bytes anywhere.
 */
class ParserEquivalenceTest {
    private static final ParseLimits SMALL = new ParseLimits(40, 10, 3, 4);

    @Property(tries = 3000)
    void arbitraryBytes_parseLikeTheReference(
            @ForAll byte[] bytes, @ForAll @IntRange(max = 9) int head, @ForAll @IntRange(max = 9) int tail) {
        assertSameAsReference(bytes, head, tail);
    }

    @Property(tries = 5000)
    void tokenSoup_parsesLikeTheReference(
            @ForAll("soup") String text, @ForAll @IntRange(max = 9) int head, @ForAll @IntRange(max = 9) int tail) {
        assertSameAsReference(text.getBytes(StandardCharsets.ISO_8859_1), head, tail);
    }

    /** Lines of every kind with their fields in any order, known, unknown, empty, repeated. */
    @Property(tries = 3000)
    void fieldSoup_parsesLikeTheReference(
            @ForAll("fieldLines") List<String> lines,
            @ForAll @IntRange(max = 9) int head,
            @ForAll @IntRange(max = 9) int tail) {
        assertSameAsReference(String.join("\n", lines).getBytes(StandardCharsets.UTF_8), head, tail);
    }

    @Property(tries = 3000)
    void mutatedBenchLines_parseLikeTheReference(
            @ForAll @IntRange(max = 4999) int first,
            @ForAll @IntRange(min = 1, max = 12) int count,
            @ForAll("mutations") List<int[]> mutations,
            @ForAll @IntRange(max = 9) int head,
            @ForAll @IntRange(max = 9) int tail) {
        byte[] lines = benchLines(first, count);
        for (int[] m : mutations) {
            if (lines.length > 0) {
                lines[m[0] % lines.length] = (byte) m[1];
            }
        }
        assertSameAsReference(lines, head, tail);
    }

    @Test
    void theWholeBenchBuffer_parsesLikeTheReference() {
        byte[] b = ParserBench.generate(ParserBench.LINES, ParserBench.SEED);
        assertSameAsReference(b, 0, 0);
    }

    /**
     * A newline, CR, NUL, other control, DEL, high byte or delimiter at every position of an 8-byte
     * word, at every alignment (the word scans stop below 0x20 and at 0x80 and above).
     */
    @Test
    void specialBytes_atEveryPositionOfAWord_parseLikeTheReference() {
        byte[] line =
                "api.requests.count:12.5|ms|@0.5|#env:prod,az:b|T1700000000|c:abc".getBytes(StandardCharsets.US_ASCII);
        byte[][] specials = {
            {'\n'},
            {'\r'},
            {'\r', '\n'},
            {0},
            {'\t'},
            {0x1f},
            {' '},
            {0x7f},
            {(byte) 0x80},
            {(byte) 0xff},
            {(byte) 0xc3, (byte) 0xa9},
            {','},
            {'|'},
            {':'}
        };
        for (byte[] special : specials) {
            for (int at = 0; at <= line.length; at++) {
                byte[] b = new byte[line.length + special.length];
                System.arraycopy(line, 0, b, 0, at);
                System.arraycopy(special, 0, b, at, special.length);
                System.arraycopy(line, at, b, at + special.length, line.length - at);
                for (int head = 0; head < 8; head++) {
                    for (int tail = 0; tail < 8; tail++) {
                        assertSameAsReference(b, head, tail);
                    }
                }
            }
        }
    }

    /** Digit runs of every length 0..20 (the 8-byte digit parse), in values, rates and timestamps. */
    @Test
    void digitRunsOfEveryLength_atEveryAlignment_parseLikeTheReference() {
        String digits = "98765432109876543210";
        for (int n = 0; n <= digits.length(); n++) {
            String run = digits.substring(0, n);
            for (String line : new String[] {
                "a:" + run + "|c",
                "a:" + run + ".5|c",
                "a:1." + run + "|c",
                "a:-" + run + ":" + run + "|d",
                "a:0" + run + "x|c",
                "a:1|c|@0." + run,
                "a:1|c|T" + run,
                "a:1|c|T" + run + "|#t",
                "_sc|x|0|d:" + run
            }) {
                byte[] b = line.getBytes(StandardCharsets.US_ASCII);
                for (int head = 0; head < 8; head++) {
                    for (int tail = 0; tail < 8; tail++) {
                        assertSameAsReference(b, head, tail);
                    }
                }
            }
        }
    }

    /** Lines of every length 0..40 ending at the payload's end, with and without '\n', '\r\n'. */
    @Test
    void linesOfEveryLength_endingAtThePayloadEnd_parseLikeTheReference() {
        String full = "a:1|c|#t:1,t:2|@0.25|T1700000000|c:x-yz";
        for (int n = 0; n <= full.length(); n++) {
            for (String ending : new String[] {"", "\n", "\r\n", "\r", "\n\n"}) {
                byte[] b = ("x:2|g\n" + full.substring(0, n) + ending).getBytes(StandardCharsets.US_ASCII);
                for (int head = 0; head < 8; head++) {
                    for (int tail = 0; tail < 8; tail++) {
                        assertSameAsReference(b, head, tail);
                    }
                }
            }
        }
    }

    /**
     * Parses {@code bytes} placed after {@code head} junk bytes and followed by {@code tail} junk
     * bytes of the same array (newlines, digits and high bytes, which must not leak in), with the default
     * and with small limits.
     */
    private static void assertSameAsReference(byte[] bytes, int head, int tail) {
        byte[] b = new byte[head + bytes.length + tail];
        byte[] junk = {(byte) 0xfe, '7', '\n'}; // a digit after the end must not extend a number
        for (int i = 0; i < b.length; i++) {
            b[i] = junk[i % 3];
        }
        System.arraycopy(bytes, 0, b, head, bytes.length);
        for (ParseLimits limits : new ParseLimits[] {ParseLimits.DEFAULTS, SMALL}) {
            List<String> expected = new ArrayList<>();
            int n = new RefDogStatsdParser(limits)
                    .parsePayload(
                            b,
                            head,
                            bytes.length,
                            new ParsedLine(),
                            l -> expected.add(describe(ReferenceRules.expected(b, l, limits))));
            List<String> actual = new ArrayList<>();
            int m = new PayloadParser(limits)
                    .parse(b, head, bytes.length, PayloadFormat.DOGSTATSD, l -> actual.add(describe(l)));
            assertThat(actual)
                    .as("payload %s", new String(bytes, StandardCharsets.ISO_8859_1))
                    .isEqualTo(expected);
            assertThat(m).isEqualTo(n);
        }
    }

    /** Every field a consumer may read; for a reject, what the reject store reads. */
    static String describe(ParsedLine l) {
        StringBuilder sb = new StringBuilder();
        sb.append(l.kind)
                .append(" line=")
                .append(l.lineNumber)
                .append(" raw=")
                .append(l.lineOff)
                .append('+')
                .append(l.lineLen);
        if (l.kind == ParsedLine.Kind.REJECT) {
            return sb.append(' ').append(l.reason).append(": ").append(l.detail).toString();
        }
        // name and text as written (the reference never unescapes); the flag says what readers do.
        sb.append(" name=").append(l.text(l.nameOff, l.nameLen));
        sb.append(" type=").append(l.type).append(" values=");
        for (int i = 0; i < l.valueCount; i++) {
            sb.append(Double.doubleToRawLongBits(l.values[i])).append(',');
        }
        sb.append(" member=").append(l.member()).append(" rate=").append(Double.doubleToRawLongBits(l.rate));
        sb.append(" tags=");
        for (int i = 0; i < l.tagCount; i++) {
            sb.append(l.tag(i)).append(',');
        }
        sb.append(" ts=").append(l.timestamp).append(" container=").append(l.container());
        sb.append(" status=").append(l.status).append(" host=").append(l.host());
        sb.append(" message=").append(l.message()).append(" text=").append(l.text(l.textOff, l.textLen));
        sb.append(" escapedNewlines=")
                .append(l.escapedNewlines)
                .append(" ignored=")
                .append(l.ignoredFields);
        sb.append(" key=").append(l.text(l.aggregationKeyOff, l.aggregationKeyLen));
        sb.append(" priority=").append(l.text(l.priorityOff, l.priorityLen));
        sb.append(" source=").append(l.text(l.sourceTypeOff, l.sourceTypeLen));
        sb.append(" alert=").append(l.text(l.alertTypeOff, l.alertTypeLen));
        sb.append(" reason=").append(l.reason).append(" detail=").append(l.detail);
        return sb.toString();
    }

    private static byte[] benchLines(int first, int count) {
        byte[] all = BENCH;
        int s = 0;
        for (int i = 0; i < first; i++) {
            s = indexOf(all, s) + 1;
        }
        int e = s;
        for (int i = 0; i < count; i++) {
            e = indexOf(all, e) + 1;
        }
        return Arrays.copyOfRange(all, s, e);
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return b.length - 1;
    }

    private static final byte[] BENCH = ParserBench.generate(5000, 7);

    @Provide
    Arbitrary<List<int[]>> mutations() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Integer> value = Arbitraries.oneOf(
                Arbitraries.of(
                        (int) '\n',
                        (int) '\r',
                        0,
                        0x80,
                        0xff,
                        0xc3,
                        (int) '|',
                        (int) ':',
                        (int) ',',
                        (int) '#',
                        (int) '@',
                        (int) 'T',
                        (int) '.',
                        (int) 'e',
                        (int) '-',
                        (int) ' ',
                        (int) '\t',
                        (int) 'c'),
                Arbitraries.integers().between(0, 255));
        return Combinators.combine(at, value)
                .as((a, v) -> new int[] {a, v})
                .list()
                .ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> fieldLines() {
        Arbitrary<String> start = Arbitraries.of(
                "a:1|c", "a:1:2|d", "a:u-1|s", "_sc|db.up|2", "_sc|x|0", "_e{1,2}:t|xx", "_e{2,5}:t\\|a\\nb|");
        Arbitrary<String> field = Arbitraries.of(
                "",
                "#",
                "#a",
                "#b,a",
                "#,",
                "@0.5",
                "@",
                "T1700000000",
                "Tx",
                "c:ci-1",
                "c:",
                "e:it-1",
                "card:low",
                "card",
                "d:1700000000",
                "d:x",
                "h:db-1",
                "h:",
                "m:msg",
                "m:",
                "m:a ",
                " port 5432",
                "k:key",
                "p:low",
                "p:high",
                "s:src",
                "t:info",
                "x:1",
                "f:",
                "f",
                "\\n",
                "é");
        Arbitrary<String> line = Combinators.combine(start, field.list().ofMaxSize(6))
                .as((s, fs) -> fs.isEmpty() ? s : s + "|" + String.join("|", fs));
        return line.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<String> soup() {
        return Arbitraries.of(
                        "api.req",
                        "x",
                        "a_b.c-d",
                        ":",
                        "|",
                        ",",
                        "#",
                        "@",
                        "T",
                        "c:",
                        "e:",
                        "card:",
                        "d:",
                        "h:",
                        "m:",
                        "k:",
                        "p:",
                        "s:",
                        "t:",
                        "f:",
                        "x:1",
                        "\\",
                        "\\n",
                        "low",
                        "normal",
                        "error",
                        "info",
                        "ms",
                        "c",
                        "g",
                        "h",
                        "d",
                        "s",
                        "_sc|",
                        "_e{",
                        "}",
                        "{5,3}",
                        "0",
                        "1",
                        "3",
                        "7",
                        "12",
                        "0.5",
                        "1.0",
                        ".25",
                        "-3",
                        "+4",
                        "1e3",
                        "1E-2",
                        "12345678901234567890",
                        "0.1234567890123456789",
                        "1700000000",
                        "253402300799",
                        "253402300800",
                        "NaN",
                        "Infinity",
                        "env:prod",
                        "az:b",
                        "canary",
                        " ",
                        "\t",
                        "\r",
                        "\n",
                        "\r\n",
                        "\u0000",
                        "\u00c3\u00a9",
                        "\u00e9",
                        "\u00ff",
                        "\u00ed\u00a0\u0080",
                        "\u00f0\u009f\u0098\u0080")
                .list()
                .ofMaxSize(40)
                .map(parts -> String.join("", parts));
    }
}
