package dev.dbre.local;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The input of {@code dbre parse} and {@code dbre ingest}: {@code [FILE] [--format dogstatsd|json]}. */
final class InputOptions {
    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE",
            description = "File to read; standard input when absent or '-'.")
    Path file;

    @Option(
            names = "--format",
            defaultValue = "dogstatsd",
            paramLabel = "FORMAT",
            description = "dogstatsd (default) or json.")
    InputFormat format;

    /** The file, or {@code stdin} for none or "-" (not closed by the caller's try: wrapped). */
    InputStream open(InputStream stdin) throws IOException {
        if (file == null || file.toString().equals("-")) {
            return new FilterInputStream(stdin) {
                @Override
                public void close() {
                    // stdin belongs to the process
                }
            };
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file: " + file, e);
        }
    }
}
