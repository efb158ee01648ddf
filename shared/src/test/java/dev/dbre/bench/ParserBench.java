package dev.dbre.bench;

import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * DogStatsD parse throughput on one thread, in lines per second (one "op" is one line): our
 * {@link PayloadParser}, a naive String.split parser and a plain newline count, over the same
 * buffer. MB/s = lines/s x {@link #AVG_BYTES_PER_LINE} (printed at setup). Run with
 * {@code scripts/bench ParserBench}; results and method in docs/bench-parser.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ParserBench {
    public static final int LINES = 50_000;
    public static final long SEED = 20261123L;
    static double AVG_BYTES_PER_LINE;

    byte[] buffer;
    PayloadParser parser;
    Sink sink;

    /** What the sink would read from each line; keeps the JIT from dropping the parse. */
    static final class Sink implements LineConsumer {
        Blackhole bh;
        long acc;

        @Override
        public void accept(ParsedLine line) {
            acc += line.nameLen + line.tagCount + line.valueCount + (line.kind == ParsedLine.Kind.REJECT ? 1000 : 0);
            if (line.valueCount > 0) {
                bh.consume(line.values[0]);
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp(Blackhole bh) {
        buffer = generate(LINES, SEED);
        parser = new PayloadParser(ParseLimits.DEFAULTS);
        sink = new Sink();
        sink.bh = bh;
        AVG_BYTES_PER_LINE = (double) buffer.length / LINES;
        long[] rejects = {0};
        int n = parser.parse(buffer, 0, buffer.length, PayloadFormat.DOGSTATSD, l -> {
            if (l.kind == ParsedLine.Kind.REJECT) {
                rejects[0]++;
            }
        });
        System.out.printf(
                "%nbuffer: %d lines, %d bytes, %.1f bytes/line, %d parsed, %d rejected%n",
                LINES, buffer.length, AVG_BYTES_PER_LINE, n, rejects[0]);
        if (n != LINES || rejects[0] != 0) {
            throw new IllegalStateException("the generated buffer must parse cleanly");
        }
    }

    /** A realistic mix: plain, tagged, sampled, packed, |T and a few service checks. */
    public static byte[] generate(int lines, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] names = {
            "api.requests.count",
            "db.query.duration",
            "cache.hits.total",
            "queue.depth.current",
            "payload.size.bytes",
            "jobs.completed.count",
            "jvm.gc.pause.time"
        };
        String[] tags = {"env:prod", "az:b", "db:orders", "route:/v1", "svc:api", "canary"};
        ByteArrayOutputStream out = new ByteArrayOutputStream(lines * 48);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.setLength(0);
            int kind = r.nextInt(100);
            String name = names[r.nextInt(names.length)];
            if (kind < 30) { // plain
                sb.append(name).append(':').append(r.nextInt(1000)).append("|c");
            } else if (kind < 60) { // tagged
                sb.append(name)
                        .append(':')
                        .append(r.nextInt(100000) / 100.0)
                        .append("|ms|#")
                        .append(tags[r.nextInt(tags.length)])
                        .append(',')
                        .append(tags[r.nextInt(tags.length)]);
            } else if (kind < 75) { // sampled
                sb.append(name)
                        .append(':')
                        .append(r.nextInt(50))
                        .append("|h|@0.1|#")
                        .append(tags[r.nextInt(3)]);
            } else if (kind < 85) { // packed
                sb.append(name)
                        .append(':')
                        .append(r.nextInt(999))
                        .append(':')
                        .append(r.nextInt(999))
                        .append(':')
                        .append(r.nextInt(999))
                        .append("|d");
            } else if (kind < 97) { // client timestamp
                sb.append(name)
                        .append(':')
                        .append(r.nextInt(500))
                        .append("|g|T")
                        // In the hour before IngestBench's arrival (2026-11-23T10:00Z): older would be TOO_OLD.
                        .append(1_795_424_400 + i % 3600);
            } else { // service check
                sb.append("_sc|db.up|").append(r.nextInt(4)).append("|#env:prod");
            }
            out.writeBytes(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long payloadParser() {
        sink.acc = 0;
        parser.parse(buffer, 0, buffer.length, PayloadFormat.DOGSTATSD, sink);
        return sink.acc;
    }

    /**
     * The obvious parser: a String per line, split on '|', ':' and ',', Double.parseDouble per
     * value, tags sorted (the same canonical order as ours). Written plainly, not sabotaged.
     */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long naiveSplit(Blackhole bh) {
        byte[] b = buffer;
        long acc = 0;
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != '\n') {
                continue;
            }
            String line = new String(b, start, i - start, StandardCharsets.UTF_8);
            start = i + 1;
            String[] parts = line.split("\\|");
            if (line.startsWith("_sc|")) {
                acc += parts[1].length() + Integer.parseInt(parts[2]);
                for (int p = 3; p < parts.length; p++) {
                    if (parts[p].startsWith("#")) {
                        String[] t = parts[p].substring(1).split(",");
                        Arrays.sort(t);
                        acc += t.length;
                    }
                }
                continue;
            }
            String[] nv = parts[0].split(":");
            double[] values = new double[nv.length - 1];
            for (int v = 1; v < nv.length; v++) {
                values[v - 1] = Double.parseDouble(nv[v]);
            }
            String type = parts[1];
            double rate = 1;
            String[] tags = new String[0];
            long ts = 0;
            for (int p = 2; p < parts.length; p++) {
                String f = parts[p];
                if (f.startsWith("@")) {
                    rate = Double.parseDouble(f.substring(1));
                } else if (f.startsWith("#")) {
                    tags = f.substring(1).split(",");
                    Arrays.sort(tags);
                } else if (f.startsWith("T")) {
                    ts = Long.parseLong(f.substring(1));
                }
            }
            bh.consume(values);
            acc += nv[0].length() + type.length() + tags.length + (long) rate + ts;
        }
        return acc;
    }

    /** The floor: touching every byte once to find the lines. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int newlineCount() {
        byte[] b = buffer;
        int n = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
