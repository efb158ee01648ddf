package dev.dbre.local;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.DogStatsdParser;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses DogStatsD lines from a stream of any length in bounded memory: reads a chunk, parses the
 * complete lines in it with {@link PayloadParser}, keeps the incomplete last line for the next
 * chunk. Line numbers count every line of the whole stream (blank ones too), like an editor.
 *
 * <p>A line that does not fit the buffer (which holds more than {@code maxLineBytes + 2}) is over
 * the limit whatever follows: it is reported as LINE_TOO_LONG and skipped up to its newline,
 * without being held. (Unlike the ingest path, which skips a line of only blanks, such a line is
 * reported here too: a blank line longer than the limit is not worth a second code path.)
 */
final class DogStatsdStreamReader {
    static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    private final PayloadParser parser;
    private final DogStatsdParser lineParser;
    private final ParsedLine tooLong = new ParsedLine();
    private final byte[] buf;
    /** Called after each chunk's lines were delivered (e.g. to flush output for a live pipe). */
    private final Runnable afterChunk;

    DogStatsdStreamReader(ParseLimits limits, int chunkBytes, Runnable afterChunk) {
        this.parser = new PayloadParser(limits);
        this.lineParser = new DogStatsdParser(limits);
        this.buf = new byte[Math.max(chunkBytes, limits.maxLineBytes() + 2)];
        this.afterChunk = afterChunk;
    }

    /**
     * Reads {@code in} to its end.
     *
     * @return the number of lines delivered (blank lines are not delivered)
     * @throws IOException if reading fails
     */
    long read(InputStream in, LineConsumer consumer) throws IOException {
        long delivered = 0;
        long linesBefore = 0; // lines (newlines) fully consumed before buf[0]
        int filled = 0;
        boolean skipping = false; // inside a too-long line, looking for its end
        while (true) {
            int n = in.read(buf, filled, buf.length - filled);
            boolean eof = n < 0;
            if (!eof) {
                filled += n;
            }
            int pos = 0;
            if (skipping) {
                int nl = indexOf(buf, pos, filled);
                if (nl < 0) {
                    filled = 0;
                    if (eof) {
                        break;
                    }
                    continue;
                }
                pos = nl + 1;
                linesBefore++;
                skipping = false;
            }
            int last = lastIndexOf(buf, pos, filled);
            if (last >= 0) {
                delivered += parse(pos, last + 1 - pos, linesBefore, consumer);
                linesBefore += countNewlines(buf, pos, last + 1);
                pos = last + 1;
            }
            if (eof) {
                if (pos < filled) {
                    delivered += parse(pos, filled - pos, linesBefore, consumer);
                }
                afterChunk.run();
                return delivered;
            }
            System.arraycopy(buf, pos, buf, 0, filled - pos);
            filled -= pos;
            if (filled == buf.length) {
                // The parser rejects it on its length alone, before reading any content.
                consumer.accept(lineParser.parseLine(buf, 0, filled, (int) (linesBefore + 1), tooLong));
                delivered++;
                filled = 0;
                skipping = true;
            }
            afterChunk.run();
        }
        afterChunk.run();
        return delivered;
    }

    private int parse(int off, int len, long linesBefore, LineConsumer consumer) {
        int base = (int) linesBefore;
        return parser.parse(buf, off, len, PayloadFormat.DOGSTATSD, line -> {
            line.lineNumber += base;
            consumer.accept(line);
        });
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int countNewlines(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
