package dev.dbre.local;

import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code dbre parse [FILE] [--format dogstatsd|json]}: one JSON object per point or reject. */
@Command(
        name = "parse",
        mixinStandardHelpOptions = true,
        description = {
            "Parses metric lines and prints one JSON object per resulting point or reject, in input order.",
            "A packed DogStatsD line (a:1:2:3|d) gives one object per value. Rejected lines are printed as"
                    + " {\"kind\":\"reject\",\"line\":N,\"reason\":CODE,\"detail\":...} and do not change the exit code.",
            "Limits come from DBRE_INGEST_MAX_LINE_BYTES, DBRE_INGEST_MAX_NAME_BYTES, DBRE_INGEST_MAX_TAGS,"
                    + " DBRE_INGEST_MAX_PACKED_VALUES."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:input parsed (even when lines were rejected)",
            "1:the file cannot be read, or the output cannot be written",
            "2:usage error"
        })
final class ParseCommand implements Callable<Integer> {
    @ParentCommand
    DbreCommand parent;

    @Mixin
    InputOptions input;

    @Override
    public Integer call() throws IOException {
        ParseLimits limits = ParseLimits.fromEnv(parent.env);
        OutputStream out = new BufferedOutputStream(parent.out, 1 << 16);
        try (InputStream in = input.open(parent.in);
                ParsedLineJsonWriter writer = new ParsedLineJsonWriter(out)) {
            if (input.format == InputFormat.JSON) {
                // A JSON document is parsed whole (an array cannot be split at line ends);
                // the output is still written as it is produced.
                byte[] all = in.readAllBytes();
                new PayloadParser(limits).parse(all, 0, all.length, input.format.payloadFormat, writer);
            } else {
                Runnable flush = () -> {
                    writer.flush();
                    flushQuietly(out);
                    checkWritten(parent.out);
                };
                new DogStatsdStreamReader(limits, DogStatsdStreamReader.DEFAULT_CHUNK_BYTES, flush).read(in, writer);
            }
            writer.flush();
        }
        out.flush();
        checkWritten(parent.out);
        return DbreCommand.EXIT_OK;
    }

    /**
     * A PrintStream swallows write errors: check, so that a closed pipe or a full disk stops the
     * command (exit 1) instead of reading an endless input to the end for nothing.
     */
    private static void checkWritten(java.io.PrintStream out) {
        if (out.checkError()) {
            String why = "could not write the output (closed pipe or full disk)";
            throw new java.io.UncheckedIOException(why, new IOException(why));
        }
    }

    private static void flushQuietly(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not write the output", e);
        }
    }
}
