package dev.dbre.local;

import dev.dbre.ingest.BatchResult;
import dev.dbre.ingest.IngestBatch;
import dev.dbre.ingest.PayloadFormat;
import dev.dbre.ingest.RecordOutcome;
import dev.dbre.ingest.RecordResult;
import dev.dbre.ingest.RejectReason;
import dev.dbre.ingest.SourceRecord;
import dev.dbre.obs.IngestMetrics;
import dev.dbre.schema.SchemaMigrator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The ingest stages of {@code run-local}: migrate, the generated stream, its retry, the figures. */
final class IngestStages {
    /** The generated stream's source: shaped like a Kinesis stream ARN, as the AWS handler names it. */
    static final String STREAM_SOURCE = "arn:aws:kinesis:us-east-1:000000000000:stream/dbre-local-generated";

    static final String SHARD = "shardId-000000000000";
    /** How often a batch whose records came back FAILED is delivered again, as a trigger would. */
    static final int DELIVERY_ATTEMPTS = 3;

    private IngestStages() {}

    static String migrate(RunContext ctx) {
        int applied = SchemaMigrator.migrate(ctx.postgres.jdbcUrl(ctx.database), "postgres", null);
        return applied + " migration(s) applied";
    }

    /**
     * Kinesis sequence numbers are decimal strings that grow within a shard; these have the same
     * shape (56 digits) and order.
     */
    static String sequence(long recordIndex) {
        return String.format(Locale.ROOT, "4959%052d", recordIndex);
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
            List<SourceRecord> batch = new ArrayList<>(o.recordsPerBatch);
            long batchLines = 0;
            Instant arrival = ctx.clock.instant();
            while (batch.size() < o.recordsPerBatch && linesDone + batchLines < o.lines) {
                int n = (int) Math.min(o.linesPerRecord, o.lines - linesDone - batchLines);
                SourceRecord r = new SourceRecord(
                        SHARD, sequence(recordIndex), arrival, generator.nextRecord(n), PayloadFormat.DOGSTATSD);
                if (recordIndex < retryCount) {
                    ctx.retryRecords.add(r);
                }
                batch.add(r);
                batchLines += n;
                recordIndex++;
            }
            long b0 = System.nanoTime();
            deliver(ctx, batch);
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
        ctx.streamNanos = ingestNanos;
        return String.format(
                Locale.ROOT,
                "%,d lines in %,d records, %,.0f lines/s (ingest time only; generating took the rest)",
                linesDone,
                recordIndex,
                ingestNanos == 0 ? 0 : linesDone / (ingestNanos / 1e9));
    }

    /**
     * Delivers one batch as a trigger does: records that come back FAILED are delivered again, up
     * to {@value #DELIVERY_ATTEMPTS} times.
     *
     * @throws IllegalStateException if records are still not stored after the last attempt
     */
    static BatchResult deliver(RunContext ctx, List<SourceRecord> records) {
        List<SourceRecord> pending = records;
        BatchResult result = null;
        for (int attempt = 1; attempt <= DELIVERY_ATTEMPTS && !pending.isEmpty(); attempt++) {
            result = ctx.ingest.ingest(new IngestBatch(STREAM_SOURCE, pending));
            ctx.metrics.publish(Map.of("function", "run-local", "source", STREAM_SOURCE), IngestMetrics.of(result));
            List<RecordResult> failed = result.failed();
            if (failed.isEmpty()) {
                return result;
            }
            List<SourceRecord> again = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                if (result.records().get(i).outcome().mustRetry()) {
                    again.add(pending.get(i));
                }
            }
            pending = again;
        }
        RecordResult first = result.failed().get(0);
        throw new IllegalStateException(pending.size() + " record(s) not stored after " + DELIVERY_ATTEMPTS
                + " deliveries; first: sequence " + first.sequence() + ": " + first.failure());
    }

    static String retry(RunContext ctx) throws Exception {
        List<SourceRecord> again = ctx.retryRecords;
        DbCounts before = DbCounts.of(ctx.db, null);
        int duplicates = 0;
        long lines = 0;
        for (int i = 0; i < again.size(); i += ctx.options.recordsPerBatch) {
            List<SourceRecord> batch = again.subList(i, Math.min(again.size(), i + ctx.options.recordsPerBatch));
            BatchResult result = deliver(ctx, batch);
            for (RecordResult r : result.records()) {
                if (r.outcome() == RecordOutcome.DUPLICATE) {
                    duplicates++;
                }
            }
            for (SourceRecord r : batch) {
                lines += countLines(r.payload());
            }
        }
        DbCounts after = DbCounts.of(ctx.db, null);
        ctx.rowsAddedByRetry = after.rows() - before.rows();
        if (ctx.rowsAddedByRetry != 0 || duplicates != again.size()) {
            throw new IllegalStateException("exactly-once broken: redelivering " + again.size() + " records added "
                    + ctx.rowsAddedByRetry + " rows, " + duplicates + " came back DUPLICATE");
        }
        return String.format(
                Locale.ROOT,
                "%,d records (%,d lines) delivered again: %,d duplicates, 0 rows added",
                again.size(),
                lines,
                duplicates);
    }

    private static long countLines(byte[] payload) {
        long n = 0;
        for (byte b : payload) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }

    static String figures(RunContext ctx) throws Exception {
        DbCounts stream = DbCounts.of(ctx.db, STREAM_SOURCE);
        Map<String, Long> byReason = DbCounts.rejectsByReason(ctx.db, STREAM_SOURCE);
        long duplicates = DbCounts.duplicateRecords(ctx.db, STREAM_SOURCE);
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
        ctx.detail(String.format(Locale.ROOT, "rejected: %,d lines %s", stream.rejects(), byReason));
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
