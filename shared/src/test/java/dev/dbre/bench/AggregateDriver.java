package dev.dbre.bench;

import dev.dbre.ingest.store.AggregationDriver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;

/**
 * Runs {@link AggregateBench}'s step (parse + aggregate + encode one batch of 100,000 lines) and
 * reports lines per second of this thread's CPU time, the median and best over the measured
 * batches: on a machine shared with other builds, CPU time moves far less with the load than wall
 * clock does, so old and new classes can be compared run against run. Usage: {@code
 * AggregateDriver <warm batches> <measured batches> [realistic|ingest-bench]}.
 */
public final class AggregateDriver {
    private AggregateDriver() {}

    public static void main(String[] args) {
        int warm = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        String mix = args.length > 2 ? args[2] : "realistic";
        byte[][] records = "realistic".equals(mix)
                ? AggregateBench.realistic(AggregateBench.RECORDS, AggregateBench.LINES_PER_RECORD, ParserBench.SEED)
                : AggregateBench.ingestBench();
        AggregationDriver driver = new AggregationDriver(Instant.ofEpochSecond(AggregateBench.ARRIVAL_SECONDS));
        driver.aggregate(records);
        driver.warmCache();
        long check = 0;
        for (int i = 0; i < warm; i++) {
            check += driver.aggregate(records);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpu = new long[measured];
        for (int i = 0; i < measured; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            check += driver.aggregate(records);
            cpu[i] = threads.getCurrentThreadCpuTime() - t0;
        }
        Arrays.sort(cpu);
        double lines = AggregateBench.RECORDS * AggregateBench.LINES_PER_RECORD;
        System.out.printf(
                "%s: %d series, %d batches: median %.2f M lines/CPU-s (%.2f ms/batch), best %.2f M (checksum %d)%n",
                mix,
                driver.seriesCount(),
                measured,
                lines / cpu[measured / 2] * 1e3,
                cpu[measured / 2] / 1e6,
                lines / cpu[0] * 1e3,
                check);
    }
}
