package dev.dbre.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.dbre.ingest.RejectReason;
import dev.dbre.schema.SchemaMigrator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ingest stages of {@code run-local}: migrate, the generated stream (through the Kinesis
 * handler), its retry, the figures.
 */
final class IngestStages {
    private IngestStages() {}

    static String migrate(RunContext ctx) {
        int applied = SchemaMigrator.migrate(ctx.postgres.jdbcUrl(ctx.database), "postgres", null);
        return applied + " migration(s) applied";
    }

    /**
     * The generated stream through the real Kinesis handler, in event-source-mapping batches. The
     * records are generated on another thread (the other core) into a bounded queue while this
     * one ingests: the generator is still one sequence, so the same seed gives the same records.
     */
    static String generatedStream(RunContext ctx) throws Exception {
        LocalRun.Options o = ctx.options;
        MetricStreamGenerator generator = new MetricStreamGenerator(o.seed, o.badShare, ctx.clock);
        long totalRecords = (o.lines + o.linesPerRecord - 1) / o.linesPerRecord;
        long retryCount = Math.round(totalRecords * o.retryShare);
        ctx.verbose(String.format(
                Locale.ROOT,
                "%,d lines (bad share %.3f, seed %d) in %,d records of %,d lines, %,d records per batch",
                o.lines,
                o.badShare,
                o.seed,
                totalRecords,
                o.linesPerRecord,
                o.recordsPerBatch));
        long t0 = System.nanoTime();
        long linesDone = 0;
        long recordIndex = 0;
        long nextMark = Math.max(1, o.lines / 10);
        try (GeneratedRecords records =
                GeneratedRecords.start(generator, o.lines, o.linesPerRecord, 2 * o.recordsPerBatch)) {
            while (linesDone < o.lines) {
                List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>(o.recordsPerBatch);
                long batchLines = 0;
                Instant arrival = ctx.clock.instant();
                while (batch.size() < o.recordsPerBatch && linesDone + batchLines < o.lines) {
                    GeneratedRecords.Record g = records.next();
                    KinesisEvent.KinesisEventRecord r = KinesisStream.record(recordIndex, g.payload(), arrival);
                    if (recordIndex < retryCount) {
                        ctx.retryRecords.add(r);
                    }
                    batch.add(r);
                    batchLines += g.lines();
                    recordIndex++;
                }
                ctx.stream.deliver(batch);
                linesDone += batchLines;
                if (linesDone >= nextMark || linesDone == o.lines) {
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    ctx.verbose(String.format(
                            Locale.ROOT,
                            "%3d%%  %,d lines  %,.0f lines/s so far",
                            o.lines == 0 ? 100 : linesDone * 100 / o.lines,
                            linesDone,
                            linesDone / elapsed));
                    while (nextMark <= linesDone) {
                        nextMark += Math.max(1, o.lines / 10);
                    }
                }
            }
        }
        ctx.streamNanos = System.nanoTime() - t0;
        ctx.generated = generator.stats();
        ctx.expected = generator.expected();
        return String.format(
                Locale.ROOT,
                "%,d lines (%,d JSON) in %,d records, %,.0f lines/s end to end",
                linesDone,
                ctx.generated.jsonLines(),
                recordIndex,
                ctx.streamNanos == 0 ? 0 : linesDone / (ctx.streamNanos / 1e9));
    }

    /**
     * The generator run on its own thread, a bounded number of records ahead of the consumer.
     * Closing it stops the thread; a failure of the generator is thrown by {@link #next()}.
     */
    static final class GeneratedRecords implements AutoCloseable {
        record Record(byte[] payload, int lines) {}

        private static final Record END = new Record(new byte[0], 0);

        private final java.util.concurrent.BlockingQueue<Record> queue;
        private final Thread thread;
        private volatile Throwable failure;

        private GeneratedRecords(int capacity, java.util.function.Consumer<GeneratedRecords> body) {
            this.queue = new java.util.concurrent.ArrayBlockingQueue<>(capacity);
            this.thread = new Thread(() -> body.accept(this), "run-local-generator");
            this.thread.setDaemon(true);
        }

        /** Starts generating {@code lines} lines in records of {@code linesPerRecord}, {@code ahead} records ahead. */
        static GeneratedRecords start(MetricStreamGenerator generator, long lines, int linesPerRecord, int ahead) {
            GeneratedRecords g = new GeneratedRecords(Math.max(1, ahead), self -> {
                try {
                    for (long left = lines; left > 0; ) {
                        int n = (int) Math.min(linesPerRecord, left);
                        self.queue.put(new Record(generator.nextRecord(n), n));
                        left -= n;
                    }
                    self.queue.put(END);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    self.failure = e;
                    self.queue.offer(END);
                }
            });
            g.thread.start();
            return g;
        }

        /** The next record, in the generator's order. */
        Record next() throws InterruptedException {
            Record r = queue.take();
            if (r == END) {
                throw new IllegalStateException("the generator stopped early", failure);
            }
            return r;
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
            // Everything the generator counted is visible here: join() orders it before this thread.
        }
    }

    static String retry(RunContext ctx) throws Exception {
        List<KinesisEvent.KinesisEventRecord> again = ctx.retryRecords;
        DbCounts before = DbCounts.of(ctx.db, null);
        long duplicatesBefore = DbCounts.duplicateRecords(ctx.db, KinesisStream.SOURCE);
        long lines = 0;
        for (int i = 0; i < again.size(); i += ctx.options.recordsPerBatch) {
            List<KinesisEvent.KinesisEventRecord> batch =
                    again.subList(i, Math.min(again.size(), i + ctx.options.recordsPerBatch));
            ctx.stream.deliver(batch);
            for (KinesisEvent.KinesisEventRecord r : batch) {
                lines += countLines(r.getKinesis().getData());
            }
        }
        DbCounts after = DbCounts.of(ctx.db, null);
        long duplicates = DbCounts.duplicateRecords(ctx.db, KinesisStream.SOURCE) - duplicatesBefore;
        ctx.rowsAddedByRetry = after.rows() - before.rows();
        if (ctx.rowsAddedByRetry != 0 || duplicates != again.size()) {
            throw new IllegalStateException("exactly-once broken: delivering " + again.size()
                    + " records again added " + ctx.rowsAddedByRetry + " rows; " + duplicates
                    + " were recognised as duplicates");
        }
        return String.format(
                Locale.ROOT,
                "%,d records (%,d lines) delivered again: %,d recognised as duplicates, 0 rows added",
                again.size(),
                lines,
                duplicates);
    }

    private static long countLines(java.nio.ByteBuffer data) {
        long n = 0;
        for (int i = data.position(); i < data.limit(); i++) {
            if (data.get(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    static String figures(RunContext ctx) throws Exception {
        DbCounts stream = DbCounts.of(ctx.db, KinesisStream.SOURCE);
        Map<String, Long> byReason = DbCounts.rejectsByReason(ctx.db, KinesisStream.SOURCE);
        long duplicates = DbCounts.duplicateRecords(ctx.db, KinesisStream.SOURCE);
        DbCounts all = DbCounts.of(ctx.db, null);
        MetricStreamGenerator.Stats g = ctx.generated;
        double linesPerSecond = ctx.streamNanos == 0 ? 0 : g.lines() / (ctx.streamNanos / 1e9);
        StringBuilder reasons = new StringBuilder();
        byReason.forEach((reason, n) -> reasons.append(reasons.isEmpty() ? "" : ", ")
                .append(reason)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", n)));

        ctx.figure(
                "generated stream",
                String.format(
                        Locale.ROOT,
                        "%,d lines (%,d DogStatsD, %,d JSON) in %,d records at %,.0f lines/s end to end",
                        stream.lines(),
                        g.lines() - g.jsonLines(),
                        g.jsonLines(),
                        stream.records(),
                        linesPerSecond));
        ctx.figure(
                "stored",
                String.format(
                        Locale.ROOT,
                        "%,.0f metric values (weighted by sample rate), %,d service checks, %,d events, in %,d"
                                + " aggregate rows",
                        stream.values(),
                        stream.checks(),
                        stream.events(),
                        stream.aggregateRows()));
        ctx.figure("rejects kept", String.format(Locale.ROOT, "%,d lines (%s)", stream.rejects(), reasons));
        ctx.figure(
                "redelivered",
                String.format(
                        Locale.ROOT,
                        "%,d records recognised as duplicates, %,d rows added",
                        duplicates,
                        ctx.rowsAddedByRetry));
        ctx.verbose(String.format(
                Locale.ROOT,
                "all sources (sample events included): %,d records, %,.0f stored items, %,d rejected lines",
                all.records(),
                all.stored(),
                all.rejects()));

        ctx.report = new RunReport(
                g,
                stream,
                byReason,
                duplicates,
                ctx.rowsAddedByRetry,
                linesPerSecond,
                all,
                List.copyOf(ctx.sampleEvents));
        checkAgainstGenerator(g, ctx.expected, stream, byReason);
        return String.format(
                Locale.ROOT,
                "the database holds exactly what the generator wrote (%,d lines, %,d rejects kept)",
                stream.lines(),
                stream.rejects());
    }

    /** The SQL counts must equal what the generator wrote: anything else is lost or duplicated data. */
    private static void checkAgainstGenerator(
            MetricStreamGenerator.Stats g,
            MetricStreamGenerator.Expected e,
            DbCounts stream,
            Map<String, Long> byReason) {
        Map<String, Long> expected = new TreeMap<>();
        for (Map.Entry<RejectReason, Long> r : g.rejects().entrySet()) {
            expected.put(r.getKey().name(), r.getValue());
        }
        List<String> wrong = new ArrayList<>();
        compare(wrong, "lines", g.lines(), stream.lines());
        // Weighted counts are sums of small whole numbers (1 / rate with rates 1 and 0.5): exact in a double.
        double values = e.byName().values().stream()
                .mapToDouble(MetricStreamGenerator.NameTotals::count)
                .sum();
        if (values != stream.values()) {
            wrong.add("metric values: generated " + values + ", stored " + stream.values());
        }
        compare(wrong, "service checks", g.checks(), stream.checks());
        compare(wrong, "events", g.events(), stream.events());
        if (!expected.equals(new TreeMap<>(byReason))) {
            wrong.add("rejects by reason: generated " + expected + ", stored " + new TreeMap<>(byReason));
        }
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the database does not hold what was generated: " + wrong);
        }
    }

    private static void compare(List<String> wrong, String what, long generated, long stored) {
        if (generated != stored) {
            wrong.add(what + ": generated " + generated + ", stored " + stored);
        }
    }
}
