package dev.dbre.bench;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.nio.charset.StandardCharsets;

/**
 * Parses the {@link ParserBench} buffer {@code warm + measured} times, for counting instructions
 * (valgrind, perf stat) where wall-clock time is not trustworthy: run it twice with the same
 * {@code warm} and different {@code measured}, and divide the difference in instructions by the
 * difference in lines parsed. Usage: {@code ParserDriver <warm passes> <measured passes> [crlf]}.
 */
public final class ParserDriver {
    private ParserDriver() {}

    public static void main(String[] args) {
        int warm = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        byte[] buffer = ParserBench.generate(ParserBench.LINES, ParserBench.SEED);
        if (args.length > 2 && args[2].equals("crlf")) { // the same lines ended by "\r\n"
            buffer = new String(buffer, StandardCharsets.ISO_8859_1)
                    .replace("\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
        PayloadParser parser = new PayloadParser(ParseLimits.DEFAULTS);
        long[] acc = {0};
        LineConsumer sink = l -> {
            acc[0] += l.nameLen + l.tagCount + l.valueCount + (l.kind == ParsedLine.Kind.REJECT ? 1000 : 0);
            if (l.valueCount > 0) {
                acc[0] += (long) l.values[0];
            }
        };
        for (int i = 0; i < warm; i++) {
            parser.parse(buffer, 0, buffer.length, PayloadFormat.DOGSTATSD, sink);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            parser.parse(buffer, 0, buffer.length, PayloadFormat.DOGSTATSD, sink);
        }
        long ns = System.nanoTime() - t0;
        long lines = (long) measured * ParserBench.LINES;
        System.out.printf(
                "lines %d checksum %d, measured part: %.1f M lines/s (wall clock, load-dependent)%n",
                lines, acc[0], ns == 0 ? 0.0 : lines * 1e3 / ns);
    }
}
