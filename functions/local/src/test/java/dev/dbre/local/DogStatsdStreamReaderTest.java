package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DogStatsdStreamReaderTest {
    /** Lines of at most 24 bytes: the reader's buffer is then 26 bytes, so most lines straddle chunks. */
    static final ParseLimits SMALL = new ParseLimits(24, 20, 10, 8);

    /** One line as text: its number, its kind, and its name or reason. */
    static String describe(ParsedLine l) {
        return l.lineNumber + " " + l.kind + " " + (l.kind == ParsedLine.Kind.REJECT ? l.reason : l.name());
    }

    static List<String> readAll(byte[] input, ParseLimits limits, int readSize) throws IOException {
        List<String> out = new ArrayList<>();
        new DogStatsdStreamReader(limits, 1, () -> {}).read(new Trickle(input, readSize), l -> out.add(describe(l)));
        return out;
    }

    @Test
    void smallChunks_giveTheSameLinesAndNumbersAsOneWholeParse() throws IOException {
        String text = "a:1|c\n\nbb:2|g|#x:y\n_sc|chk|0\n:1|c\r\nccc:1:2|d\n   \nd:4|ms|@0.5\nlast:9|c";
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        List<String> whole = new ArrayList<>();
        new PayloadParser(SMALL).parse(input, 0, input.length, PayloadFormat.DOGSTATSD, l -> whole.add(describe(l)));

        for (int readSize : new int[] {1, 3, 7, 26, 1000}) {
            assertThat(readAll(input, SMALL, readSize))
                    .as("read size " + readSize)
                    .isEqualTo(whole);
        }
        assertThat(whole)
                .containsExactly(
                        "1 METRIC a",
                        "3 METRIC bb",
                        "4 SERVICE_CHECK chk",
                        "5 REJECT EMPTY_NAME",
                        "6 METRIC ccc",
                        "8 METRIC d",
                        "9 METRIC last");
    }

    @Test
    void lineLongerThanTheBuffer_isRejectedAsTooLong_andTheNextLinesStillParse() throws IOException {
        String text = "ok:1|c\n" + "x".repeat(200) + ":1|c\nafter:2|g\n";

        List<String> lines = readAll(text.getBytes(StandardCharsets.UTF_8), SMALL, 5);

        assertThat(lines).containsExactly("1 METRIC ok", "2 REJECT LINE_TOO_LONG", "3 METRIC after");
    }

    @Test
    void tooLongLastLineWithoutNewline_isRejectedOnce() throws IOException {
        String text = "ok:1|c\n" + "y".repeat(100);

        assertThat(readAll(text.getBytes(StandardCharsets.UTF_8), SMALL, 9))
                .containsExactly("1 METRIC ok", "2 REJECT LINE_TOO_LONG");
    }

    @Test
    void emptyInput_deliversNothing() throws IOException {
        assertThat(readAll(new byte[0], SMALL, 4)).isEmpty();
    }

    /** Hands out at most {@code readSize} bytes per read, as a slow pipe does. */
    static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int readSize;

        Trickle(byte[] data, int readSize) {
            this.in = new ByteArrayInputStream(data);
            this.readSize = readSize;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, readSize));
        }
    }
}
