package dev.dbre.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParseCommandTest {
    static final Path FIXTURES = Path.of("src/test/resources/parse");

    @Test
    void dogStatsdFile_printsOneJsonObjectPerPointOrReject_inInputOrder() throws IOException {
        Cli r = Cli.run("parse", FIXTURES.resolve("every-kind.txt").toString());

        assertThat(r.exitCode()).isZero(); // rejected lines are not a failure
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(Files.readString(FIXTURES.resolve("every-kind.expected.jsonl")));
    }

    @Test
    void stdin_givesTheSameOutputAsTheFile() throws IOException {
        byte[] input = Files.readAllBytes(FIXTURES.resolve("every-kind.txt"));

        Cli r = Cli.run(Map.of(), new ByteArrayInputStream(input), "parse");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(FIXTURES.resolve("every-kind.expected.jsonl")));
    }

    @Test
    void jsonFormat_parsesAnArrayOfObjects_withRejectsAtTheirPosition() throws IOException {
        Cli r = Cli.run(
                "parse", "--format", "json", FIXTURES.resolve("every-kind.json").toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(FIXTURES.resolve("every-kind.json.expected.jsonl")));
    }

    @Test
    void everyOutputLine_isOneJsonObjectWithAKind() throws IOException {
        Cli r = Cli.run("parse", FIXTURES.resolve("every-kind.txt").toString());

        ObjectMapper json = new ObjectMapper();
        for (String line : r.out().split("\n")) {
            JsonNode node = json.readTree(line);
            assertThat(node.path("kind").asText()).isIn("metric", "service_check", "event", "reject");
        }
    }

    @Test
    void lineLimitFromTheEnvironment_rejectsLongerLines() {
        String input = "short:1|c\nmuch.longer.name:1|c\n";

        Cli r = Cli.run(
                Map.of("DBRE_INGEST_MAX_LINE_BYTES", "12"),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                "parse");

        assertThat(r.out().split("\n"))
                .containsExactly(
                        "{\"kind\":\"metric\",\"name\":\"short\",\"type\":\"c\",\"value\":1,\"rate\":1,\"tags\":[],"
                                + "\"ts\":null,\"container\":null}",
                        "{\"kind\":\"reject\",\"line\":2,\"reason\":\"LINE_TOO_LONG\","
                                + "\"detail\":\"line is longer than DBRE_INGEST_MAX_LINE_BYTES\"}");
    }

    @Test
    void badLimitInTheEnvironment_exitsOneNamingTheVariable() {
        Cli r = Cli.run(Map.of("DBRE_INGEST_MAX_TAGS", "lots"), new ByteArrayInputStream(new byte[0]), "parse");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).contains("DBRE_INGEST_MAX_TAGS");
    }

    @Test
    void missingFile_exitsOneNamingTheFile() {
        Cli r = Cli.run("parse", "no/such/file.txt");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(r.err()).contains("no such file: no/such/file.txt");
        assertThat(r.err()).doesNotContain("\tat "); // a message, not a stack trace
    }

    @Test
    void unknownFormat_isAUsageError() {
        Cli r = Cli.run("parse", "--format", "xml");

        assertThat(r.exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(r.err()).contains("--format").contains("xml");
    }

    @Test
    void unknownCommand_isAUsageError() {
        assertThat(Cli.run("frobnicate").exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
        assertThat(Cli.run().exitCode()).isEqualTo(DbreCommand.EXIT_USAGE);
    }

    @Test
    void help_documentsTheExitCodes() {
        Cli r = Cli.run("parse", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("--format");
    }

    @Test
    void outputThatCannotBeWritten_stopsWithExitOne() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream closed = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        GeneratedInput endless = new GeneratedInput(Integer.MAX_VALUE, new CountingOutput());

        int code = DbreCommand.execute(
                new String[] {"parse"},
                endless,
                new PrintStream(closed, false, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());

        assertThat(code).isEqualTo(DbreCommand.EXIT_FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not write the output");
    }

    /**
     * A million-line pipe: the output must start before the input ends (nothing held whole), and
     * every line must come out.
     */
    @Test
    void millionLinePipe_isStreamed() {
        int lines = 1_000_000;
        CountingOutput counted = new CountingOutput();
        GeneratedInput input = new GeneratedInput(lines, counted);

        int code = DbreCommand.execute(
                new String[] {"parse"},
                input,
                new PrintStream(counted, false, StandardCharsets.UTF_8),
                new PrintStream(OutputStream.nullOutputStream()),
                Map.of());

        assertThat(code).isZero();
        assertThat(counted.newlines).isEqualTo(lines);
        assertThat(input.outputLinesAtHalfInput).isPositive();
    }

    /** Counts output lines without keeping them. */
    static final class CountingOutput extends OutputStream {
        long newlines;

        @Override
        public void write(int b) {
            if (b == '\n') {
                newlines++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    newlines++;
                }
            }
        }
    }

    /** Produces lines on demand, and notes how much output existed when half the input was read. */
    static final class GeneratedInput extends InputStream {
        private final int lines;
        private final CountingOutput output;
        private int produced;
        private byte[] current = new byte[0];
        private int pos;
        long outputLinesAtHalfInput = -1;

        GeneratedInput(int lines, CountingOutput output) {
            this.lines = lines;
            this.output = output;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos == current.length) {
                if (produced == lines) {
                    return -1;
                }
                if (produced == lines / 2) {
                    outputLinesAtHalfInput = output.newlines;
                }
                current = ("app.requests:" + produced + "|c|#n:" + (produced % 7) + "\n")
                        .getBytes(StandardCharsets.US_ASCII);
                pos = 0;
                produced++;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
