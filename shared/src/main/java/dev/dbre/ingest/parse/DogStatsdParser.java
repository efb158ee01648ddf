package dev.dbre.ingest.parse;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.RejectReason;

/** Parses one DogStatsD line. Not thread-safe. */
public final class DogStatsdParser {
    private final ParseLimits limits;

    public DogStatsdParser(ParseLimits limits) {
        this.limits = limits;
    }

    /** Parses one line [off,off+len) of buf into out (after out.reset(...)); never throws; returns out. */
    public ParsedLine parseLine(byte[] buf, int off, int len, int lineNumber, ParsedLine out) {
        out.reset(buf, lineNumber, off, len);
        if (len > limits.maxLineBytes()) {
            return out.reject(RejectReason.LINE_TOO_LONG, "line longer than the limit");
        }
        return out.reject(RejectReason.BAD_FIELD, "not implemented yet");
    }
}
