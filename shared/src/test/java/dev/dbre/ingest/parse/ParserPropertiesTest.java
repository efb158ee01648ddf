package dev.dbre.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ParserPropertiesTest {
    private final DogStatsdParser dogStatsd = new DogStatsdParser(ParseLimits.DEFAULTS);
    private final PayloadParser payloads = new PayloadParser(ParseLimits.DEFAULTS);

    // --- never throws ------------------------------------------------------------------------

    @Property(tries = 2000)
    void arbitraryBytes_neverThrow_inAnyParser(@ForAll byte[] bytes) {
        ParsedLine out = dogStatsd.parseLine(bytes, 0, bytes.length, 1, new ParsedLine());
        assertThat(out.kind).isNotNull();
        for (PayloadFormat f : PayloadFormat.values()) {
            int[] seen = {0};
            int n = payloads.parse(bytes, 0, bytes.length, f, l -> {
                assertThat(l.kind).isNotNull();
                if (l.kind == ParsedLine.Kind.REJECT) {
                    assertThat(l.reason).isNotNull();
                    assertThat(l.detail).isNotNull();
                }
                seen[0]++;
            });
            assertThat(n).isEqualTo(seen[0]);
        }
    }

    @Property(tries = 2000)
    void jsonLookingBytes_neverThrow(@ForAll("jsonish") String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        payloads.parse(
                b, 0, b.length, PayloadFormat.AUTO, l -> assertThat(l.kind).isNotNull());
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.of(
                        "{",
                        "}",
                        "[",
                        "]",
                        ",",
                        ":",
                        "\"name\"",
                        "\"value\"",
                        "\"tags\"",
                        "\"ts\"",
                        "\"type\"",
                        "\"rate\"",
                        "1",
                        "-2.5e3",
                        "\"a\"",
                        "null",
                        "true",
                        "\"\\u0000\"",
                        "\"\\ud800\"",
                        " ")
                .list()
                .ofMaxSize(40)
                .map(parts -> String.join("", parts));
    }

    // --- mutated valid lines: a fuzz-ish walk around the grammar --------------------------------

    @Property(tries = 3000)
    void mutatedValidLines_neverThrow_andRejectsCarryAReason(
            @ForAll("validLines") String line,
            @ForAll @IntRange(min = 0, max = 1000) int where,
            @ForAll("mutationBytes") byte with,
            @ForAll @IntRange(min = 0, max = 2) int how) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        int i = where % (b.length + 1);
        byte[] m;
        if (how == 0 && i < b.length) { // replace
            m = b.clone();
            m[i] = with;
        } else if (how == 1 && i < b.length) { // delete
            m = new byte[b.length - 1];
            System.arraycopy(b, 0, m, 0, i);
            System.arraycopy(b, i + 1, m, i, b.length - i - 1);
        } else { // insert
            m = new byte[b.length + 1];
            System.arraycopy(b, 0, m, 0, i);
            m[i] = with;
            System.arraycopy(b, i, m, i + 1, b.length - i);
        }
        ParsedLine out = dogStatsd.parseLine(m, 0, m.length, 1, new ParsedLine());
        assertThat(out.kind).isNotNull();
        assertThat(out.reason == null).isEqualTo(out.kind != ParsedLine.Kind.REJECT);
        if (out.kind == ParsedLine.Kind.METRIC) {
            assertThat(out.nameLen).isPositive();
            for (int k = 0; k < out.valueCount; k++) {
                assertThat(Double.isFinite(out.values[k])).isTrue();
            }
            assertThat(out.rate).isGreaterThan(0).isLessThanOrEqualTo(1);
        }
    }

    /**
     * A line the fast path marks {@link ParsedLine#plain} skips the store's NUL and timestamp-range
     * checks: it must hold only ASCII at or above space (0x20..0x7f) in its text fields and a storable timestamp, whatever
     * the payload around it.
     */
    @Property(tries = 3000)
    void aLineMarkedPlain_holdsOnlyAsciiAtOrAboveSpace_andAStorableTimestamp(
            @ForAll("validLines") String line,
            @ForAll("validLines") String next,
            @ForAll @IntRange(min = 0, max = 1000) int where,
            @ForAll("mutationBytes") byte with) {
        byte[] b = (line + "\n" + next + "\r\n" + line).getBytes(StandardCharsets.UTF_8);
        b[where % b.length] = with;
        new PayloadParser(ParseLimits.DEFAULTS).parse(b, 0, b.length, PayloadFormat.DOGSTATSD, l -> {
            if (!l.plain) {
                return;
            }
            assertThat(l.kind).isEqualTo(ParsedLine.Kind.METRIC);
            assertPlainBytes(l.buf, l.nameOff, l.nameLen);
            assertThat(l.nameLen).isPositive();
            for (int t = 0; t < l.tagCount; t++) {
                assertPlainBytes(l.buf, l.tagOff[t], l.tagLen[t]);
            }
            if (l.memberLen >= 0) {
                assertPlainBytes(l.buf, l.memberOff, l.memberLen);
            }
            assertThat(l.containerLen).isEqualTo(-1);
            assertThat(l.timestamp == ParsedLine.NO_TIMESTAMP
                            || (l.timestamp >= 1 && l.timestamp <= DogStatsdParser.MAX_UNIX_SECONDS))
                    .isTrue();
        });
    }

    @Test
    void theCommonLine_isMarkedPlain_andOtherLinesAreNot() {
        List<Boolean> plain = new ArrayList<>();
        byte[] b = "a.b:1.5|ms|@0.5|#env:prod,host:h|T1700000000\na:1|c|c:container\nbad\0name:1|c\n_sc|x|0\n"
                .getBytes(StandardCharsets.UTF_8);
        new PayloadParser(ParseLimits.DEFAULTS).parse(b, 0, b.length, PayloadFormat.DOGSTATSD, l -> plain.add(l.plain));
        assertThat(plain).containsExactly(true, false, false, false);
    }

    /**
     * What the store relies on for a plain line (it skips the UTF-8 and NUL checks): ASCII, no byte
     * below 0x20. DEL (0x7f) may stay, as on the checked path: valid UTF-8, storable as text.
     */
    private static void assertPlainBytes(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            assertThat(b[i]).isBetween((byte) 0x20, (byte) 0x7f);
        }
    }

    @Provide
    Arbitrary<Byte> mutationBytes() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        (byte) '|',
                        (byte) ':',
                        (byte) '#',
                        (byte) ',',
                        (byte) '@',
                        (byte) 'T',
                        (byte) '.',
                        (byte) '-',
                        (byte) 'e',
                        (byte) '_',
                        (byte) '{',
                        (byte) '}',
                        (byte) 0,
                        (byte) 0xc3,
                        (byte) 0xff),
                Arbitraries.bytes());
    }

    @Provide
    Arbitrary<String> validLines() {
        return Arbitraries.oneOf(
                points().map(ParserPropertiesTest::print),
                Arbitraries.of(
                        "_sc|db.up|0|d:1700000000|h:db-1|#env:prod|m:all good",
                        "_e{5,4}:title|text|d:1700000000|h:h|k:key|p:low|s:src|t:info|#a,b",
                        "_e{6,9}:Déplo|line\\\\ntwo|p:normal"));
    }

    // --- print, then parse: the same point back ---------------------------------------------------

    record Point(
            String name,
            MetricType type,
            double[] values,
            String member,
            double rate,
            List<String> tags,
            long ts,
            String container) {}

    static String print(Point p) {
        return DogStatsdPrinter.metric(p.name, p.type, p.values, p.member, p.rate, p.tags, p.ts, p.container);
    }

    @Provide
    Arbitrary<Point> points() {
        Arbitrary<String> name = Arbitraries.strings()
                .withChars("abcdefghijklmnopqrstuvwxyz._-0123456789é東")
                .ofMinLength(1)
                .ofMaxLength(40);
        Arbitrary<MetricType> type = Arbitraries.of(MetricType.class);
        Arbitrary<double[]> values = Arbitraries.oneOf(
                        Arbitraries.integers().between(-1_000_000, 1_000_000).map(i -> (double) i),
                        Arbitraries.doubles().between(-1e6, 1e6).ofScale(3),
                        Arbitraries.doubles().filter(Double::isFinite))
                .list()
                .ofMinSize(1)
                .ofMaxSize(64)
                .map(l -> l.stream().mapToDouble(Double::doubleValue).toArray());
        Arbitrary<String> member =
                Arbitraries.strings().withChars("abcXYZ019:._-ü").ofMinLength(1).ofMaxLength(20);
        Arbitrary<Double> rate = Arbitraries.oneOf(
                Arbitraries.just(1.0),
                Arbitraries.doubles().between(0.0001, 1.0).ofScale(6));
        Arbitrary<List<String>> tags = Arbitraries.strings()
                .withChars("abcdefgxyz:._-/0123456789ö")
                .ofMinLength(1)
                .ofMaxLength(20)
                .list()
                .ofMaxSize(30);
        Arbitrary<Long> ts = Arbitraries.oneOf(
                Arbitraries.just(ParsedLine.NO_TIMESTAMP), Arbitraries.longs().between(1, 4_102_444_800L));
        Arbitrary<String> container = Arbitraries.oneOf(
                Arbitraries.just((String) null),
                Arbitraries.strings()
                        .withChars("abcdef0123456789-:")
                        .ofMinLength(1)
                        .ofMaxLength(64));
        return Combinators.combine(name, type, values, member, rate, tags, ts, container)
                .as((n, t, v, m, r, tg, s, c) -> new Point(n, t, v, m, r, tg, s, c));
    }

    @Property(tries = 1500)
    void printThenParse_givesThePointBack(@ForAll("points") Point p) {
        byte[] line = print(p).getBytes(StandardCharsets.UTF_8);
        ParsedLine out = dogStatsd.parseLine(line, 0, line.length, 1, new ParsedLine());
        assertThat(out.kind).as(out.detail).isEqualTo(ParsedLine.Kind.METRIC);
        assertThat(out.name()).isEqualTo(p.name);
        assertThat(out.type).isEqualTo(p.type);
        if (p.type == MetricType.SET) {
            assertThat(out.member()).isEqualTo(p.member);
        } else {
            double[] got = new double[out.valueCount];
            System.arraycopy(out.values, 0, got, 0, got.length);
            assertThat(got).containsExactly(p.values);
        }
        assertThat(out.rate).isEqualTo(p.rate);
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < out.tagCount; i++) {
            tags.add(out.tag(i));
        }
        assertThat(tags).isEqualTo(canonical(p.tags));
        assertThat(out.timestamp).isEqualTo(p.ts);
        assertThat(out.container()).isEqualTo(p.container);
        // and printing the parsed line gives the canonical text, which parses to the same line
        assertThat(DogStatsdPrinter.print(out))
                .isEqualTo(print(
                        new Point(p.name, p.type, p.values, p.member, p.rate, canonical(p.tags), p.ts, p.container)));
    }

    /** Sorted by UTF-8 bytes, without duplicates. */
    private static List<String> canonical(List<String> tags) {
        TreeSet<byte[]> set = new TreeSet<>(java.util.Arrays::compareUnsigned);
        for (String t : tags) {
            set.add(t.getBytes(StandardCharsets.UTF_8));
        }
        List<String> out = new ArrayList<>();
        for (byte[] t : set) {
            out.add(new String(t, StandardCharsets.UTF_8));
        }
        return out;
    }

    // --- the number fast path equals Double.parseDouble ------------------------------------------

    @Property(tries = 10000)
    void numberParse_equalsDoubleParseDouble(@ForAll("decimals") String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        double ours = Numbers.parseDouble(b, 0, b.length);
        double java = Double.parseDouble(s);
        assertThat(Double.doubleToRawLongBits(ours)).as(s).isEqualTo(Double.doubleToRawLongBits(java));
    }

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> sign = Arbitraries.of("", "-", "+");
        Arbitrary<String> digits =
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25);
        Arbitrary<String> frac = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(25).map(f -> "." + f));
        Arbitrary<String> exp = Arbitraries.oneOf(
                Arbitraries.just(""),
                Arbitraries.integers().between(-400, 400).map(e -> "e" + e),
                Arbitraries.integers().between(-30, 30).map(e -> "E+" + Math.abs(e)));
        Arbitrary<String> printed = Arbitraries.doubles().map(Object::toString);
        return Arbitraries.oneOf(
                Combinators.combine(sign, digits, frac, exp).as((a, b, c, d) -> a + b + c + d), printed);
    }
}
