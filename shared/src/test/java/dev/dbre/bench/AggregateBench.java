package dev.dbre.bench;

import dev.dbre.ingest.store.AggregationDriver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The aggregation step of ingest alone, without a database: one batch of 100 records of 1,000
 * DogStatsD lines parsed into the batch's aggregates (series lookup, per-interval counts, gauges,
 * DDSketches) and each aggregate's state encoded for its row, as {@code IngestService} does with {@code DBRE_INGEST_RAW=off}, with the series ids
 * already cached (a warm function instance). One "op" is one line. Mixes: {@code realistic} (the
 * {@link ParserBench} mix of plain, tagged, sampled, packed, {@code |T} lines and service checks,
 * with a host tag on the tagged lines: a few thousand series, about 40 bytes a line) and {@code
 * ingest-bench} (the rows of {@link IngestBench}: 600 series, about 50 bytes a line). Run with
 * {@code scripts/bench AggregateBench}; results in docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AggregateBench {
    static final int RECORDS = 100;
    static final int LINES_PER_RECORD = 1000;
    static final long ARRIVAL_SECONDS = 1_700_000_000L;

    @Param({"realistic", "ingest-bench"})
    public String mix;

    byte[][] records;
    AggregationDriver driver;

    @Setup(Level.Trial)
    public void setUp() {
        records = "realistic".equals(mix) ? realistic(RECORDS, LINES_PER_RECORD, ParserBench.SEED) : ingestBench();
        driver = new AggregationDriver(Instant.ofEpochSecond(ARRIVAL_SECONDS));
        driver.aggregate(records);
        driver.warmCache();
        driver.aggregate(records);
        long bytes = 0;
        for (byte[] r : records) {
            bytes += r.length;
        }
        System.out.printf(
                "%n%s: %d lines, %.1f bytes/line, %d series%n",
                mix, RECORDS * LINES_PER_RECORD, (double) bytes / (RECORDS * LINES_PER_RECORD), driver.seriesCount());
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS * LINES_PER_RECORD)
    public long parseAndAggregate() {
        return driver.aggregate(records);
    }

    /**
     * {@link ParserBench#generate}'s mix, with a {@code host:i-N} tag (20 hosts) on the tagged and
     * sampled lines and {@code |T} timestamps within the 20 s before the arrival (as a client
     * stamps them), split into records.
     */
    static byte[][] realistic(int recordCount, int linesPerRecord, long seed) {
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
        byte[][] out = new byte[recordCount][];
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (int rec = 0; rec < recordCount; rec++) {
            ByteArrayOutputStream record = new ByteArrayOutputStream(linesPerRecord * 48);
            for (int l = 0; l < linesPerRecord; l++, i++) {
                sb.setLength(0);
                int kind = r.nextInt(100);
                String name = names[r.nextInt(names.length)];
                String host = "host:i-" + r.nextInt(20);
                if (kind < 30) { // plain
                    sb.append(name).append(':').append(r.nextInt(1000)).append("|c");
                } else if (kind < 60) { // tagged
                    sb.append(name)
                            .append(':')
                            .append(r.nextInt(100000) / 100.0)
                            .append("|ms|#")
                            .append(tags[r.nextInt(tags.length)])
                            .append(',')
                            .append(host)
                            .append(',')
                            .append(tags[r.nextInt(tags.length)]);
                } else if (kind < 75) { // sampled
                    sb.append(name)
                            .append(':')
                            .append(r.nextInt(50))
                            .append("|h|@0.1|#")
                            .append(tags[r.nextInt(3)])
                            .append(',')
                            .append(host);
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
                            .append(ARRIVAL_SECONDS - r.nextInt(20));
                } else { // service check
                    sb.append("_sc|db.up|").append(r.nextInt(4)).append("|#env:prod");
                }
                record.writeBytes(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }
            out[rec] = record.toByteArray();
        }
        return out;
    }

    /** The lines of {@link IngestBench} (600 series), split into records the same way. */
    static byte[][] ingestBench() {
        String[] types = {"g", "c", "ms"};
        byte[][] out = new byte[RECORDS][];
        StringBuilder sb = new StringBuilder();
        for (int rec = 0; rec < RECORDS; rec++) {
            sb.setLength(0);
            for (int i = rec * LINES_PER_RECORD; i < (rec + 1) * LINES_PER_RECORD; i++) {
                sb.append("bench.metric.")
                        .append(i % 200)
                        .append(':')
                        .append((i % 1000) * 0.25)
                        .append('|')
                        .append(types[i % 3])
                        .append("|#env:prod,host:h")
                        .append(i % 50)
                        .append(",zone:z")
                        .append(i % 3)
                        .append('\n');
            }
            out[rec] = sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
