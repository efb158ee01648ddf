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

    static String generatedStream(RunContext ctx) {
        LocalRun.Options o = ctx.options;
        MetricStreamGenerator generator = new MetricStreamGenerator(o.seed, o.badShare);
        long totalRecords = (o.lines + o.linesPerRecord - 1) / o.linesPerRecord;
        long retryCount = Math.round(totalRecords * o.retryShare);
        ctx.detail(String.format(
                Locale.ROOT,
                "%,d lines (bad share %.3f, seed %d) in %,d records of %,d lines, %,d records per batch",
                o.lines,
                o.badShare,
                o.seed,
                totalRecords,
                o.linesPerRecord,
                o.recordsPerBatch));
        long linesDone = 0;
        long recordIndex = 0;
        long nextMark = Math.max(1, o.lines / 10);
        long t0 = System.nanoTime();
        long ingestNanos = 0;
        while (linesDone < o.lines) {
            List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>(o.recordsPerBatch);
            long batchLines = 0;
            Instant arrival = ctx.clock.instant();
            while (batch.size() < o.recordsPerBatch && linesDone + batchLines < o.lines) {
                int n = (int) Math.min(o.linesPerRecord, o.lines - linesDone - batchLines);
                KinesisEvent.KinesisEventRecord r = KinesisStream.record(recordIndex, generator.nextRecord(n), arrival);
                if (recordIndex < retryCount) {
                    ctx.retryRecords.add(r);
                }
                batch.add(r);
                batchLines += n;
                recordIndex++;
            }
            long b0 = System.nanoTime();
            ctx.stream.deliver(batch);
            ingestNanos += System.nanoTime() - b0;
            linesDone += batchLines;
            if (linesDone >= nextMark || linesDone == o.lines) {
                double elapsed = (System.nanoTime() - t0) / 1e9;
                ctx.detail(String.format(
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
        ctx.generated = generator.stats();
        ctx.expected = generator.expected();
        ctx.streamNanos = ingestNanos;
        return String.format(
                Locale.ROOT,
                "%,d lines in %,d records, %,.0f lines/s (ingest time only; generating took the rest)",
                linesDone,
                recordIndex,
                ingestNanos == 0 ? 0 : linesDone / (ingestNanos / 1e9));
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

        ctx.detail(String.format(
                Locale.ROOT,
                "generated stream: %,d lines in %,d records, ingested at %,.0f lines/s",
                stream.lines(),
                stream.records(),
                linesPerSecond));
        ctx.detail(String.format(
                Locale.ROOT,
                "stored: %,d metric points, %,d service checks, %,d events",
                stream.points(),
                stream.checks(),
                stream.events()));
        StringBuilder reasons = new StringBuilder();
        byReason.forEach((reason, n) -> reasons.append(reasons.isEmpty() ? "" : ", ")
                .append(reason)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", n)));
        ctx.detail(String.format(Locale.ROOT, "rejected: %,d lines (%s)", stream.rejects(), reasons));
        ctx.detail(String.format(
                Locale.ROOT,
                "duplicates: %,d records delivered again were recognised and skipped; rows added by the retry: %,d",
                duplicates,
                ctx.rowsAddedByRetry));
        ctx.detail(String.format(
                Locale.ROOT,
                "all sources (sample events included): %,d records, %,d stored items, %,d rejected lines",
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
        checkAgainstGenerator(g, stream, byReason);
        return "the database holds exactly what the generator wrote";
    }

    /** The SQL counts must equal what the generator wrote: anything else is lost or duplicated data. */
    private static void checkAgainstGenerator(
            MetricStreamGenerator.Stats g, DbCounts stream, Map<String, Long> byReason) {
        Map<String, Long> expected = new TreeMap<>();
        for (Map.Entry<RejectReason, Long> e : g.rejects().entrySet()) {
            expected.put(e.getKey().name(), e.getValue());
        }
        List<String> wrong = new ArrayList<>();
        compare(wrong, "lines", g.lines(), stream.lines());
        compare(wrong, "metric points", g.points(), stream.points());
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
