package dev.dbre.ingest.parse;

import static dev.dbre.ingest.parse.Scan.HIGHS;
import static dev.dbre.ingest.parse.Scan.LONG_LE;
import static dev.dbre.ingest.parse.Scan.NEWLINES;
import static dev.dbre.ingest.parse.Scan.ONES;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import java.util.Objects;

/**
 * Parses one record's payload into lines: DogStatsD text line by line, or a JSON document. Not
 * thread-safe: use one per thread; it reuses one {@link ParsedLine} for every line it delivers.
 */
public final class PayloadParser {
    private final DogStatsdParser dogStatsd;
    private final JsonPointParser json;
    private final ParsedLine line = new ParsedLine();

    public PayloadParser(ParseLimits limits) {
        Objects.requireNonNull(limits, "limits");
        this.dogStatsd = new DogStatsdParser(limits);
        this.json = new JsonPointParser(limits);
    }

    /** Bytes held by this parser's reusable buffers (the JSON scratch buffer and the line's arrays). */
    public long retainedBytes() {
        return json.retainedBytes() + 8L * line.values.length + 4L * (line.tagOff.length + line.tagLen.length);
    }

    /**
     * Splits on \n (a trailing \r is dropped), skips empty/blank lines, parses each line
     * (DOGSTATSD) or the JSON document (JSON; AUTO picks by first non-blank byte '{' or '['), calls
     * consumer once per resulting line/object in input order. Never throws on any input. Returns
     * the number of lines delivered.
     *
     * <p>A DogStatsD line's {@code lineNumber} is its 1-based position in the payload, blank lines
     * counted, so it matches what an editor shows; a JSON object's is its position in the document.
     * The line passed to the consumer is valid only during the call, and the consumer must not
     * write its fields (the next line reuses them). Exceptions thrown by the consumer pass through.
     *
     * @throws IndexOutOfBoundsException if [off, off+len) is not inside payload (a caller bug)
     */
    public int parse(byte[] payload, int off, int len, PayloadFormat format, LineConsumer consumer) {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (format == PayloadFormat.JSON || (format == PayloadFormat.AUTO && looksLikeJson(payload, off, off + len))) {
            return json.parse(payload, off, len, line, consumer);
        }
        return dogStatsd(payload, off, off + len, consumer);
    }

    private int dogStatsd(byte[] b, int off, int end, LineConsumer consumer) {
        DogStatsdParser parser = dogStatsd;
        ParsedLine out = line;
        int delivered = 0;
        int lineNo = 0;
        int start = off;
        boolean afterCommon = false; // out was last filled by parseCommonMetric, in this call
        while (start < end) {
            lineNo++;
            int lineEnd = parser.parseCommonMetric(b, start, end, lineNo, out, afterCommon);
            afterCommon = lineEnd >= 0;
            if (afterCommon) {
                consumer.accept(out);
                delivered++;
                start = lineEnd + 1;
                continue;
            }
            // One pass finds the '\n' and notes whether the line has a high byte or a NUL, 8 bytes
            // at a time (SWAR: in a word x, a zero byte sets its high bit in (x - ONES) & ~x, and
            // the lowest such bit is exact). A plain ASCII line then skips the UTF-8 check.
            long flags = 0;
            int nl = start;
            while (true) {
                if (nl + 8 > end) {
                    while (nl < end && b[nl] != '\n') {
                        flags |= b[nl] <= 0 ? HIGHS : 0;
                        nl++;
                    }
                    break;
                }
                long v = (long) LONG_LE.get(b, nl);
                long x = v ^ NEWLINES;
                long found = (x - ONES) & ~x & HIGHS;
                long odd = v | ((v - ONES) & ~v);
                if (found != 0) {
                    int bit = Long.numberOfTrailingZeros(found); // 8 * index + 7
                    flags |= odd & ((1L << (bit - 7)) - 1); // only the bytes before the '\n'
                    nl += bit >>> 3;
                    break;
                }
                flags |= odd;
                nl += 8;
            }
            int e = nl;
            if (e > start && b[e - 1] == '\r') {
                e--;
            }
            if (!blank(b, start, e)) {
                boolean ascii = (flags & HIGHS) == 0;
                consumer.accept(parser.parseChecked(b, start, e - start, lineNo, out, ascii));
                delivered++;
            }
            start = nl + 1;
        }
        return delivered;
    }

    /** Empty, or only spaces and tabs. A real line starts with a name, so this costs one byte. */
    private static boolean blank(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeJson(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c == '{' || c == '[') {
                return true;
            }
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return false;
    }
}
