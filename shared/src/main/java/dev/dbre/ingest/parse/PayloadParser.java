package dev.dbre.ingest.parse;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;

/** Splits a record's payload into lines and parses them. Not thread-safe: one per thread. */
public final class PayloadParser {
    private final DogStatsdParser dogStatsd;
    private final JsonPointParser json;
    private final ParsedLine line = new ParsedLine();

    public PayloadParser(ParseLimits limits) {
        this.dogStatsd = new DogStatsdParser(limits);
        this.json = new JsonPointParser(limits);
    }

    /**
     * Splits on \n (a trailing \r is dropped), skips empty/blank lines, parses each line
     * (DOGSTATSD) or the JSON document (JSON; AUTO picks by first non-blank byte '{' or '['), calls
     * consumer once per resulting line/object in input order. Never throws on any input. Returns
     * the number of lines delivered.
     */
    public int parse(byte[] payload, int off, int len, PayloadFormat format, LineConsumer consumer) {
        int end = off + len;
        int n = 0;
        int lineNo = 0;
        int start = off;
        for (int i = off; i <= end; i++) {
            if (i == end || payload[i] == '\n') {
                lineNo++;
                int e = i;
                if (e > start && payload[e - 1] == '\r') {
                    e--;
                }
                if (e > start) {
                    consumer.accept(dogStatsd.parseLine(payload, start, e - start, lineNo, line));
                    n++;
                }
                start = i + 1;
            }
        }
        return format == PayloadFormat.JSON ? json.parse(payload, off, len, line, consumer) : n;
    }
}
