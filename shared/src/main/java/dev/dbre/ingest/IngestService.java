package dev.dbre.ingest;

import dev.dbre.db.ConnectionFactory;
import dev.dbre.db.SqlStates;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import dev.dbre.ingest.store.BinaryCopySink;
import dev.dbre.ingest.store.CopyFailedException;
import dev.dbre.ingest.store.IngestLedger;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a batch of source records and stores their points, service checks, events and rejected
 * lines in PostgreSQL, exactly once per source record.
 *
 * <p>One transaction per batch: insert the {@code ingest_batches} row; claim every record's key
 * in {@code ingest_records} ({@code ON CONFLICT DO NOTHING}: a record stored before is a
 * DUPLICATE and is not even parsed); parse the new records while streaming their rows through
 * binary COPY; write the counters; commit. Whatever happens before the commit is rolled back
 * together, so a retry after any failure (timeout, lost connection, crash after commit, duplicate
 * or concurrent delivery) stores every point once.
 *
 * <p>Thread-safe: each call takes its own connection and its own parser and COPY buffers (reused
 * from a small pool of idle ones).
 */
public final class IngestService {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);
    /**
     * A worker whose buffers grew past this (a batch of huge rejects, a JSON document with a huge
     * string) is not kept for reuse.
     */
    static final long MAX_RETAINED_BYTES = 16L * 1024 * 1024;

    private final ConnectionFactory connections;
    private final ParseLimits limits;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Worker> idle = new ConcurrentLinkedQueue<>();

    public IngestService(ConnectionFactory connections, ParseLimits limits, Clock clock) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Parses and stores one batch exactly once per source record. Never throws for bad input or
     * for a database fault: bad lines are kept as rejects, and when the batch cannot be committed
     * every record not stored before comes back FAILED (with a short reason, never a secret) for
     * the trigger to deliver again. Safe to call from several threads.
     *
     * @return one result per record, in input order, and the batch totals
     */
    public BatchResult ingest(IngestBatch batch) {
        List<SourceRecord> records = batch.records();
        if (records.isEmpty()) {
            return new BatchResult(-1, List.of(), 0, 0, 0, 0, 0, 0, null);
        }
        Worker worker = idle.poll();
        if (worker == null) {
            worker = new Worker(new PayloadParser(limits), new BinaryCopySink());
        }
        try {
            return store(batch, worker);
        } finally {
            if (worker.retainedBytes() <= MAX_RETAINED_BYTES) {
                idle.offer(worker);
            }
        }
    }

    private BatchResult store(IngestBatch batch, Worker w) {
        long t0 = System.nanoTime();
        Instant started = clock.instant();
        List<SourceRecord> records = batch.records();
        long[] ids = null;
        Connection c = null;
        try {
            c = connections.open();
            c.setAutoCommit(false);
            long batchId = IngestLedger.openBatch(c, batch.source(), records, started);
            ids = IngestLedger.claim(c, batch.source(), batchId, records);
            Written written = writeNewRecords(c, records, ids, w);
            long parseNanos = written.parseNanos;
            long storeNanos = System.nanoTime() - t0 - parseNanos;
            IngestLedger.recordCounts(
                    c,
                    written.count,
                    written.ids,
                    written.lines,
                    written.points,
                    written.checks,
                    written.events,
                    written.rejects);
            IngestLedger.closeBatch(
                    c,
                    batchId,
                    new IngestLedger.BatchTotals(
                            written.duplicates,
                            written.totalLines,
                            written.totalPoints,
                            written.totalChecks,
                            written.totalEvents,
                            written.totalRejects,
                            clock.instant(),
                            parseNanos,
                            storeNanos));
            // If the connection drops here the outcome is unknown: we report FAILED, and the retry
            // is safe either way because the committed key rows make it a DUPLICATE.
            c.commit();
            BatchResult result = result(batchId, records, ids, written, parseNanos, storeNanos);
            log.info(
                    "ingest batch {} source={} records={} duplicates={} points={} checks={} events={} rejected={}"
                            + " parse_ms={} store_ms={}",
                    batchId,
                    batch.source(),
                    records.size(),
                    written.duplicates,
                    written.totalPoints,
                    written.totalChecks,
                    written.totalEvents,
                    written.totalRejects,
                    parseNanos / 1_000_000,
                    storeNanos / 1_000_000);
            return result;
        } catch (Exception e) {
            w.sink.abort();
            rollbackQuietly(c);
            return failed(batch, ids, e);
        } finally {
            closeQuietly(c);
        }
    }

    /** Parses each newly claimed record into the COPY streams and ends them. */
    private static Written writeNewRecords(Connection c, List<SourceRecord> records, long[] ids, Worker w)
            throws SQLException {
        BinaryCopySink sink = w.sink;
        LineConsumer consumer = sink::accept;
        Written out = new Written(records.size());
        sink.begin(c);
        for (int i = 0; i < records.size(); i++) {
            if (ids[i] == IngestLedger.DUPLICATE) {
                out.duplicates++;
                continue;
            }
            SourceRecord r = records.get(i);
            sink.startRecord(ids[i], r.arrival());
            if (r.decodeError() != null) {
                sink.rejectRecord(r.payload(), r.decodeError());
            } else {
                long p0 = System.nanoTime();
                long io0 = sink.ioNanos();
                try {
                    w.parser.parse(r.payload(), 0, r.payload().length, r.format(), consumer);
                } catch (CopyFailedException e) {
                    throw e.getCause();
                }
                // Sending full chunks happens inside the parse call: count it as store time.
                out.parseNanos += (System.nanoTime() - p0) - (sink.ioNanos() - io0);
            }
            if (sink.failure() != null) {
                throw sink.failure();
            }
            out.add(ids[i], sink);
        }
        sink.finish();
        out.firstRejectLine = sink.firstRejectLine();
        out.firstRejectReason = sink.firstRejectReason();
        return out;
    }

    private static BatchResult result(
            long batchId, List<SourceRecord> records, long[] ids, Written w, long parseNanos, long storeNanos) {
        List<RecordResult> results = new ArrayList<>(records.size());
        int k = 0;
        for (int i = 0; i < records.size(); i++) {
            SourceRecord r = records.get(i);
            if (ids[i] == IngestLedger.DUPLICATE) {
                results.add(new RecordResult(
                        r.shard(), r.sequence(), r.subSequence(), RecordOutcome.DUPLICATE, 0, 0, null));
                continue;
            }
            int stored = w.points[k] + w.checks[k] + w.events[k];
            int rejected = w.rejects[k];
            RecordOutcome outcome = rejected > 0 ? RecordOutcome.STORED_WITH_REJECTS : RecordOutcome.STORED;
            results.add(new RecordResult(r.shard(), r.sequence(), r.subSequence(), outcome, stored, rejected, null));
            k++;
        }
        return new BatchResult(
                batchId,
                results,
                w.totalPoints + w.totalChecks + w.totalEvents,
                w.totalRejects,
                w.duplicates,
                parseNanos,
                storeNanos,
                w.firstRejectLine,
                w.firstRejectReason);
    }

    /**
     * The batch could not be committed: every record not known to be stored before is FAILED.
     * A record found DUPLICATE was committed by an earlier delivery (ON CONFLICT only reports a
     * conflict with a committed row), so it stays DUPLICATE.
     */
    private static BatchResult failed(IngestBatch batch, long[] ids, Exception e) {
        String state = SqlStates.sqlState(e);
        boolean transientFault = SqlStates.isTransient(e);
        String reason = transientFault
                ? "transient database fault (SQLSTATE " + (state == null ? "none, I/O error" : state) + ")"
                : (state != null
                        ? "database error (SQLSTATE " + state + ")"
                        : "internal error (" + e.getClass().getSimpleName() + ")");
        if (transientFault) {
            log.warn(
                    "ingest batch not stored, will be retried: source={} records={} {} ({})",
                    batch.source(),
                    batch.records().size(),
                    reason,
                    e.getClass().getSimpleName());
        } else {
            log.error(
                    "ingest batch not stored because of a non-transient error: source={} records={} {}",
                    batch.source(),
                    batch.records().size(),
                    reason,
                    e);
        }
        List<RecordResult> results = new ArrayList<>(batch.records().size());
        int duplicates = 0;
        for (int i = 0; i < batch.records().size(); i++) {
            SourceRecord r = batch.records().get(i);
            boolean duplicate = ids != null && ids[i] == IngestLedger.DUPLICATE;
            if (duplicate) {
                duplicates++;
            }
            results.add(new RecordResult(
                    r.shard(),
                    r.sequence(),
                    r.subSequence(),
                    duplicate ? RecordOutcome.DUPLICATE : RecordOutcome.FAILED,
                    0,
                    0,
                    duplicate ? null : reason));
        }
        return new BatchResult(-1, results, 0, 0, duplicates, 0, 0, 0, null);
    }

    private static void rollbackQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.rollback();
        } catch (SQLException | RuntimeException ignored) {
            // The connection is closed next; the server rolls back an open transaction then.
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // Nothing to do: the connection is gone either way.
        }
    }

    /** Bytes the idle workers hold (their parser and COPY buffers), for tests of the reuse cap. */
    long idleRetainedBytes() {
        long sum = 0;
        for (Worker w : idle) {
            sum += w.retainedBytes();
        }
        return sum;
    }

    /** How many workers wait for reuse. */
    int idleWorkers() {
        return idle.size();
    }

    /** A parser and COPY buffers, used by one call at a time. */
    private record Worker(PayloadParser parser, BinaryCopySink sink) {
        /** Both kinds of buffer count against the reuse cap: the parser's grows too. */
        long retainedBytes() {
            return parser.retainedBytes() + sink.retainedBytes();
        }
    }

    /** Counters of the records written in this transaction, in input order of the new ones. */
    private static final class Written {
        final long[] ids;
        final int[] lines;
        final int[] points;
        final int[] checks;
        final int[] events;
        final int[] rejects;
        int count;
        int duplicates;
        long totalLines;
        long totalPoints;
        long totalChecks;
        long totalEvents;
        long totalRejects;
        long parseNanos;
        int firstRejectLine;
        RejectReason firstRejectReason;

        Written(int capacity) {
            ids = new long[capacity];
            lines = new int[capacity];
            points = new int[capacity];
            checks = new int[capacity];
            events = new int[capacity];
            rejects = new int[capacity];
        }

        void add(long id, BinaryCopySink sink) {
            ids[count] = id;
            lines[count] = sink.recordLines();
            points[count] = sink.recordPoints();
            checks[count] = sink.recordChecks();
            events[count] = sink.recordEvents();
            rejects[count] = sink.recordRejects();
            totalLines += lines[count];
            totalPoints += points[count];
            totalChecks += checks[count];
            totalEvents += events[count];
            totalRejects += rejects[count];
            count++;
        }
    }
}
