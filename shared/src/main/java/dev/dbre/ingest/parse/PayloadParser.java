package dev.dbre.ingest.parse;

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

    /**
     * Splits on \n (a trailing \r is dropped), skips empty/blank lines, parses each line
     * (DOGSTATSD) or the JSON document (JSON; AUTO picks by first non-blank byte '{' or '['), calls
     * consumer once per resulting line/object in input order. Never throws on any input. Returns
     * the number of lines delivered.
     *
     * <p>A DogStatsD line's {@code lineNumber} is its 1-based position in the payload, blank lines
     * counted, so it matches what an editor shows; a JSON object's is its position in the document.
     * The line passed to the consumer is valid only during the call. Exceptions thrown by the
     * consumer pass through.
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
        while (start < end) {
            int nl = start;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            lineNo++;
            int e = nl;
            if (e > start && b[e - 1] == '\r') {
                e--;
            }
            if (!blank(b, start, e)) {
                consumer.accept(parser.parseLine(b, start, e - start, lineNo, out));
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
