package dev.dbre.ingest;

import dev.dbre.db.SqlStates;
import dev.dbre.ingest.parse.LineConsumer;
import dev.dbre.ingest.parse.ParseLimits;
import dev.dbre.ingest.parse.PayloadParser;
import dev.dbre.ingest.store.BinaryCopySink;
import dev.dbre.ingest.store.CopyFailedException;
import dev.dbre.ingest.store.IngestLedger;
import dev.dbre.ingest.store.MetricStoreWriter;
import dev.dbre.metrics.MetricStoreSettings;
import dev.dbre.port.ConnectionFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.postgresql.util.PSQLException;
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
 * <p>Failure rule: a transient fault ({@link SqlStates}: connection lost, lock or statement
 * timeout, serialization failure...) makes every record not stored before FAILED, for the trigger
 * to deliver again. A fault that one record's values may cause ({@link SqlStates#isDataFault}: a
 * constraint, a value out of range; or an exception of our own code) is not retried as a whole,
 * because it would fail the same way every time and hold the stream back: the batch is stored again
 * in halves, down to the record that fails on its own. That record is a poison record: it is kept
 * as one BAD_RECORD reject with its raw bytes and the error, in place of its lines, and reported
 * stored. Any other fault (a missing table, a revoked grant), or one that even that reject row
 * meets, is not the records': it is logged once at error level and the records not stored come
 * back {@link RecordOutcome#BUG}, for the trigger's bounded retry and failure destination.
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
    /** Longest server message kept in a log line or a reject's detail. */
    private static final int MAX_DESCRIBED_CHARS = 300;

    private final ConnectionFactory connections;
    private final ParseLimits limits;
    private final Clock clock;
    private final MetricStoreWriter store;
    private final ConcurrentLinkedQueue<Worker> idle = new ConcurrentLinkedQueue<>();

    /**
     * Stores raw points beside the aggregates ({@link MetricStoreSettings#WITH_RAW_POINTS}), as
     * before the metric store; a function reads its settings with {@link
     * MetricStoreSettings#fromEnv} and uses the other constructor.
     */
    public IngestService(ConnectionFactory connections, ParseLimits limits, Clock clock) {
        this(connections, limits, MetricStoreSettings.WITH_RAW_POINTS, clock);
    }

    public IngestService(
            ConnectionFactory connections, ParseLimits limits, MetricStoreSettings metricStore, Clock clock) {
        this.connections = Objects.requireNonNull(connections, "connections");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new MetricStoreWriter(Objects.requireNonNull(metricStore, "metricStore"));
    }

    /** Series ids kept in memory across invocations (for tests and diagnostics). */
    public int cachedSeries() {
        return store.cachedSeries();
    }

    /**
     * Parses and stores one batch exactly once per source record. Never throws for bad input or
     * for a database fault: bad lines are kept as rejects, a record that cannot be stored is kept
     * as a BAD_RECORD reject, and a record not stored comes back FAILED (transient) or BUG (with a
     * short reason, never a secret) for the trigger to deliver again. Safe to call from several
     * threads.
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
            worker = new Worker(new PayloadParser(limits), store.newTransaction());
        }
        Instant started = clock.instant();
        try {
            BatchResult result = storeOrIsolate(batch, worker);
            recordFailure(batch, result, started);
            return result;
        } finally {
            if (worker.retainedBytes() <= MAX_RETAINED_BYTES) {
                idle.offer(worker);
            }
        }
    }

    /**
     * A batch with records not stored leaves no {@code ingest_batches} row: one {@code
     * ingest_batch_failures} row, in its own transaction, is what the SLO report counts as a failed
     * batch. Best effort: a database that just failed may refuse this too, which is logged and never
     * changes the batch's result.
     */
    private void recordFailure(IngestBatch batch, BatchResult result, Instant started) {
        int failed = 0;
        RecordResult first = null;
        boolean bug = false;
        for (RecordResult r : result.records()) {
            if (r.outcome().mustRetry()) {
                failed++;
                first = first == null ? r : first;
                bug |= r.outcome() == RecordOutcome.BUG;
            }
        }
        if (failed == 0) {
            return;
        }
        try (Connection c = connections.open()) {
            IngestLedger.recordFailure(
                    c,
                    batch.source(),
                    batch.records(),
                    failed,
                    bug ? RecordOutcome.BUG.name() : RecordOutcome.FAILED.name(),
                    first.failure(),
                    started,
                    clock.instant());
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "failed ingest batch from {} not recorded in ingest_batch_failures (the SLO report will not count"
                            + " it): {}",
                    batch.source(),
                    describe(e));
        }
    }

    /** One transaction for the batch; after a failure that is not transient, {@link #isolate}. */
    private BatchResult storeOrIsolate(IngestBatch batch, Worker w) {
        Attempt whole = store(batch, w);
        if (whole.stored()) {
            return whole.result();
        }
        if (SqlStates.isTransient(whole.failure())) {
            return failed(batch, whole.ids(), whole.failure());
        }
        Isolation out = new Isolation(batch);
        if (!mayBeARecordsFault(whole.failure())) {
            logBug(batch.source(), whole.failure());
            out.stop(whole.failure(), true);
            return out.result();
        }
        int n = batch.records().size();
        log.warn(
                "ingest batch from {} failed with a non-transient error ({}); storing its {} records in parts to"
                        + " find the record that causes it",
                batch.source(),
                describe(whole.failure()),
                n);
        isolate(batch.source(), batch.records(), 0, n, whole.failure(), w, out);
        return out.result();
    }

    /**
     * Stores records {@code [from, to)}, which failed together with the non-transient {@code
     * failure}: each half in its own transaction, splitting a failing half again, down to one
     * record, which is then kept as a poison record ({@link #keepPoison}). Stops at the first
     * transient fault or bug (recorded in {@code out}); the records not stored by then are FAILED or
     * BUG.
     */
    private void isolate(
            String source, List<SourceRecord> records, int from, int to, Exception failure, Worker w, Isolation out) {
        if (to - from == 1) {
            keepPoison(source, records.get(from), from, failure, w, out);
            return;
        }
        int mid = (from + to) >>> 1;
        int[][] halves = {{from, mid}, {mid, to}};
        for (int[] half : halves) {
            if (out.stopped()) {
                return;
            }
            Attempt a = store(new IngestBatch(source, records.subList(half[0], half[1])), w);
            if (a.stored()) {
                out.stored(half[0], a.result());
            } else if (SqlStates.isTransient(a.failure())) {
                out.stop(a.failure(), false);
            } else if (!mayBeARecordsFault(a.failure())) {
                logBug(source, a.failure());
                out.stop(a.failure(), true);
            } else {
                isolate(source, records, half[0], half[1], a.failure(), w, out);
            }
        }
    }

    /**
     * {@code r} fails on its own with the non-transient {@code failure}: keeps it as one BAD_RECORD
     * reject (its raw bytes, the error), claiming its key so it is never delivered again. If that
     * fails too, nothing about the record is the cause: a bug.
     */
    private void keepPoison(String source, SourceRecord r, int index, Exception failure, Worker w, Isolation out) {
        String why = "the record could not be stored: " + describe(failure);
        SourceRecord kept =
                SourceRecord.undecodable(r.shard(), r.sequence(), r.subSequence(), r.arrival(), r.payload(), why);
        Attempt a = store(new IngestBatch(source, List.of(kept)), w);
        if (a.stored()) {
            log.error(
                    "poison record kept as a BAD_RECORD reject, not retried: source={} shard={} sequence={} sub={}: {}",
                    source,
                    r.shard(),
                    r.sequence(),
                    r.subSequence(),
                    why,
                    failure);
            out.stored(index, a.result());
        } else if (SqlStates.isTransient(a.failure())) {
            out.stop(a.failure(), false);
        } else {
            logBug(source, a.failure());
            out.stop(a.failure(), true);
        }
    }

    /**
     * True when one record's values may cause {@code failure}: a data fault of the database, or an
     * exception of our own code (it may come from one record's bytes).
     */
    private static boolean mayBeARecordsFault(Exception failure) {
        String state = SqlStates.sqlState(failure);
        return state == null || SqlStates.isDataFault(state);
    }

    private static void logBug(String source, Exception failure) {
        log.error(
                "ingest batch from {} not stored: a fault that is not the records' (a bug, the schema or a grant);"
                        + " the trigger retries and then gives up by its own policy: {}",
                source,
                describe(failure),
                failure);
    }

    /**
     * A short description of a failure for logs and reject details: the SQLSTATE and the server's
     * primary message (never its detail, which may repeat row values), or the exception's class.
     */
    static String describe(Throwable failure) {
        String state = SqlStates.sqlState(failure);
        if (state == null) {
            return "internal error (" + failure.getClass().getSimpleName() + ")";
        }
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause()) {
            if (t instanceof PSQLException p && p.getServerErrorMessage() != null) {
                message = p.getServerErrorMessage().getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (message == null) {
            return "database error (SQLSTATE " + state + ")";
        }
        if (message.length() > MAX_DESCRIBED_CHARS) {
            message = message.substring(0, MAX_DESCRIBED_CHARS) + "...";
        }
        return "database error (SQLSTATE " + state + ": " + message + ")";
    }

    private Attempt store(IngestBatch batch, Worker w) {
        long t0 = System.nanoTime();
        Instant started = clock.instant();
        List<SourceRecord> records = batch.records();
        long[] ids = null;
        Connection c = null;
        try {
            c = connections.open();
            c.setAutoCommit(false);
            long batchId = IngestLedger.openBatch(c, batch.source(), records, started);
            ids = IngestLedger.claim(c, batch.source(), batch.previousSources(), batchId, records);
            Written written = writeNewRecords(c, batch.source(), batchId, started, records, ids, w);
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
                            storeNanos,
                            written.totalIgnoredFields,
                            w.tx.sink().pointLags().counts()));
            // If the connection drops here the outcome is unknown: we report FAILED, and the retry
            // is safe either way because the committed key rows make it a DUPLICATE.
            c.commit();
            w.tx.committed();
            BatchResult result = result(batchId, records, ids, written, parseNanos, storeNanos);
            log.info(
                    "ingest batch {} source={} records={} duplicates={} points={} checks={} events={} rejected={}"
                            + " fields_ignored={} parse_ms={} store_ms={}",
                    batchId,
                    batch.source(),
                    records.size(),
                    written.duplicates,
                    written.totalPoints,
                    written.totalChecks,
                    written.totalEvents,
                    written.totalRejects,
                    written.totalIgnoredFields,
                    parseNanos / 1_000_000,
                    storeNanos / 1_000_000);
            return new Attempt(result, null, null);
        } catch (Exception e) {
            w.tx.rolledBack();
            rollbackQuietly(c);
            return new Attempt(null, e, ids);
        } finally {
            closeQuietly(c);
        }
    }

    /**
     * Parses each newly claimed record into the COPY streams and the batch's aggregates, then ends
     * the streams and writes the aggregates ({@link MetricStoreWriter.Transaction#finish}).
     */
    private static Written writeNewRecords(
            Connection c, String source, long batchId, Instant now, List<SourceRecord> records, long[] ids, Worker w)
            throws SQLException {
        BinaryCopySink sink = w.tx.sink();
        LineConsumer consumer = sink::accept;
        Written out = new Written(records.size());
        w.tx.begin(c, records, now);
        for (int i = 0; i < records.size(); i++) {
            if (ids[i] == IngestLedger.DUPLICATE || ids[i] == IngestLedger.CONFLICT) {
                out.duplicates++; // a key stored before, whatever its payload: nothing written
                continue;
            }
            SourceRecord r = records.get(i);
            w.tx.startRecord(out.count, ids[i], r.arrival());
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
        w.tx.finish(c, source, batchId, now, out::refused);
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
            if (ids[i] == IngestLedger.DUPLICATE || ids[i] == IngestLedger.CONFLICT) {
                RecordOutcome seen = ids[i] == IngestLedger.CONFLICT ? RecordOutcome.CONFLICT : RecordOutcome.DUPLICATE;
                results.add(new RecordResult(r.shard(), r.sequence(), r.subSequence(), seen, 0, 0, null));
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
                w.firstRejectReason,
                w.totalIgnoredFields);
    }

    /** The reason a record was not stored because of the transient fault {@code e}. */
    private static String transientReason(Exception e) {
        String state = SqlStates.sqlState(e);
        return "transient database fault (SQLSTATE " + (state == null ? "none, I/O error" : state) + ")";
    }

    /**
     * The batch could not be committed because of a transient fault: every record not known to be
     * stored before is FAILED. A record found DUPLICATE was committed by an earlier delivery (ON
     * CONFLICT only reports a conflict with a committed row), so it stays DUPLICATE.
     */
    private static BatchResult failed(IngestBatch batch, long[] ids, Exception e) {
        String reason = transientReason(e);
        log.warn(
                "ingest batch not stored, will be retried: source={} records={} {} ({})",
                batch.source(),
                batch.records().size(),
                reason,
                e.getClass().getSimpleName());
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

    /** One transaction: its result, or the failure that rolled it back and the claim's ids if known. */
    private record Attempt(BatchResult result, Exception failure, long[] ids) {
        boolean stored() {
            return failure == null;
        }
    }

    /**
     * The outcome of {@link #isolate}: the parts stored (each its own transaction and batch row),
     * and what stopped it, if anything.
     */
    private static final class Isolation {
        private final IngestBatch batch;
        private final RecordResult[] records;
        private final List<BatchResult> parts = new ArrayList<>();
        private Exception stop;
        private boolean bug;

        Isolation(IngestBatch batch) {
            this.batch = batch;
            this.records = new RecordResult[batch.records().size()];
        }

        void stored(int from, BatchResult part) {
            parts.add(part);
            for (int i = 0; i < part.records().size(); i++) {
                records[from + i] = part.records().get(i);
            }
        }

        void stop(Exception failure, boolean isBug) {
            stop = failure;
            bug = isBug;
        }

        boolean stopped() {
            return stop != null;
        }

        /** The parts together; the records not stored are FAILED (transient stop) or BUG. */
        BatchResult result() {
            String reason = stop == null ? null : bug ? describe(stop) : transientReason(stop);
            List<RecordResult> out = new ArrayList<>(records.length);
            for (int i = 0; i < records.length; i++) {
                RecordResult r = records[i];
                if (r == null) {
                    SourceRecord s = batch.records().get(i);
                    r = new RecordResult(
                            s.shard(),
                            s.sequence(),
                            s.subSequence(),
                            bug ? RecordOutcome.BUG : RecordOutcome.FAILED,
                            0,
                            0,
                            reason);
                }
                out.add(r);
            }
            long batchId = -1;
            long stored = 0;
            long rejected = 0;
            int duplicates = 0;
            long parseNanos = 0;
            long storeNanos = 0;
            int firstRejectLine = 0;
            RejectReason firstRejectReason = null;
            long ignoredFields = 0;
            for (BatchResult p : parts) {
                batchId = batchId < 0 ? p.batchId() : batchId;
                ignoredFields += p.ignoredFields();
                stored += p.stored();
                rejected += p.rejected();
                duplicates += p.duplicates();
                parseNanos += p.parseNanos();
                storeNanos += p.storeNanos();
                if (firstRejectReason == null && p.firstRejectReason() != null) {
                    firstRejectLine = p.firstRejectLine();
                    firstRejectReason = p.firstRejectReason();
                }
            }
            return new BatchResult(
                    batchId,
                    out,
                    stored,
                    rejected,
                    duplicates,
                    parseNanos,
                    storeNanos,
                    firstRejectLine,
                    firstRejectReason,
                    ignoredFields);
        }
    }

    /** A parser and COPY buffers, used by one call at a time. */
    private record Worker(PayloadParser parser, MetricStoreWriter.Transaction tx) {
        /** Both kinds of buffer count against the reuse cap: the parser's grows too. */
        long retainedBytes() {
            return parser.retainedBytes() + tx.retainedBytes();
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
        long totalIgnoredFields;
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
            totalIgnoredFields += sink.recordIgnoredFields();
            count++;
        }

        /** A line of new record {@code slot} was refused by the cardinality guard after it was counted. */
        void refused(int slot, boolean serviceCheck, int pointsCounted) {
            if (serviceCheck) {
                checks[slot]--;
                totalChecks--;
            } else {
                points[slot] -= pointsCounted;
                totalPoints -= pointsCounted;
            }
            rejects[slot]++;
            totalRejects++;
        }
    }
}
