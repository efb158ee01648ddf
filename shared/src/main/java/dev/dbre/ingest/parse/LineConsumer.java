package dev.dbre.ingest.parse;

import dev.dbre.ingest.ParsedLine;

/** Receives each parsed line; the line (a reused flyweight) is valid only during the call. */
@FunctionalInterface
public interface LineConsumer {
    void accept(ParsedLine line);
}
