package dev.dbre.ingest.store;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.PointLags;
import dev.dbre.ingest.RejectReason;
import dev.dbre.metrics.MetricStoreSettings;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.postgresql.PGConnection;

/**
 * Writes parsed lines into {@code metric_points}, {@code service_checks}, {@code ingest_events}
 * and {@code ingest_rejects} through binary COPY, in the caller's transaction.
 *
 * <p>Usage per transaction: {@link #begin}, then per new record {@link #startRecord} followed by
 * {@link #accept} for each of its lines (or {@link #rejectRecord} for an undecodable one), then
 * {@link #finish}. Text is copied as UTF-8 slices straight from {@link ParsedLine#buf}: no String
 * per field, and the buffers are reused across rows, records and batches.
 *
 * <p>Defensive checks, so that one odd line can never make every retry of a batch fail (a poison
 * record would stall a Kinesis shard): a NUL byte in a text field (PostgreSQL text cannot hold
 * one) and a timestamp outside PostgreSQL's range turn the line into a reject instead.
 *
 * <p>Not thread-safe: one sink per thread or per call.
 */
public final class BinaryCopySink {
    /** Flush threshold of the streaming table: large enough to amortize a CopyData message. */
    public static final int DEFAULT_CHUNK_BYTES = 512 * 1024;

    /** A record that could not be decoded is kept as one reject on this line number. */
    public static final int WHOLE_RECORD_LINE = 1;

    // Seconds around the Unix epoch that PostgreSQL's timestamptz can hold (4713 BC to 294276 AD),
    // slightly narrowed so that seconds * 1e6 never overflows.
    private static final long MIN_SECONDS = -210_000_000_000L;
    private static final long MAX_SECONDS = 9_000_000_000_000L;

    private static final String NUL_DETAIL = "a text field holds a NUL byte, which PostgreSQL text cannot store";
    private static final String TS_RANGE_DETAIL = "timestamp outside PostgreSQL's range";

    private static final byte[][] TYPE_CODES = new byte[MetricType.values().length][];
    private static final byte[][] REASON_CODES = new byte[RejectReason.values().length][];

    static {
        for (MetricType t : MetricType.values()) {
            TYPE_CODES[t.ordinal()] = t.code().getBytes(StandardCharsets.US_ASCII);
        }
        for (RejectReason r : RejectReason.values()) {
            REASON_CODES[r.ordinal()] = r.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final TableCopy points;
    private final TableCopy checks;
    private final TableCopy events;
    private final TableCopy rejects;
    /** Also write every value as a {@code metric_points} row (and checks as rows): DBRE_INGEST_RAW. */
    private final boolean rawPoints;
    /** Receives every accepted metric and service check line, or null. */
    private final BatchAggregates aggregates;

    private long recordId;
    private long arrivalMicros;
    /** Metric and check lines before it are TOO_OLD rejects ({@link #acceptFrom}); PostgreSQL micros. */
    private long acceptFromMicros = Long.MIN_VALUE;

    private MetricStoreSettings.AcceptedFrom acceptedFrom;
    /** Metric and check lines from it on are TOO_NEW rejects ({@link #acceptUntil}); PostgreSQL micros. */
    private long acceptUntilMicros = Long.MAX_VALUE;

    private MetricStoreSettings.AcceptedUntil acceptedUntil;
    private SQLException failure;
    private boolean pointsFinished;

    // Per record
    private int lines;
    private int pointRows;
    private int checkRows;
    private int eventRows;
    private int rejectRows;
    private int ignoredFields;

    // Per transaction: the metric values' ages when the batch began storing (ingest freshness).
    private final PointLags lags = new PointLags();
    // Per transaction: the first rejected line, for the batch result (HTTP 400 names it).
    private int firstRejectLine;
    private RejectReason firstRejectReason;

    public BinaryCopySink() {
        this(DEFAULT_CHUNK_BYTES);
    }

    /** @param chunkBytes how many encoded bytes of points are sent per CopyData message */
    public BinaryCopySink(int chunkBytes) {
        this(chunkBytes, true, null);
    }

    /**
     * @param rawPoints write each metric value to {@code metric_points} and each service check to
     *     {@code service_checks}
     * @param aggregates where accepted metric and service check lines are aggregated, or null
     */
    public BinaryCopySink(boolean rawPoints, BatchAggregates aggregates) {
        this(DEFAULT_CHUNK_BYTES, rawPoints, aggregates);
    }

    private BinaryCopySink(int chunkBytes, boolean rawPoints, BatchAggregates aggregates) {
        this.rawPoints = rawPoints;
        this.aggregates = aggregates;
        this.points = new TableCopy(
                "COPY metric_points (record_id, line, idx, ts, name, type, value, member, rate, tags, container)"
                        + " FROM STDIN (FORMAT binary)",
                chunkBytes,
                chunkBytes + 64 * 1024);
        this.checks = new TableCopy(
                "COPY service_checks (record_id, line, ts, name, status, host, message, tags, container)"
                        + " FROM STDIN (FORMAT binary)",
                0,
                8 * 1024);
        this.events = new TableCopy(
                "COPY ingest_events (record_id, line, ts, title, text, host, aggregation_key, priority,"
                        + " source_type, alert_type, tags, container) FROM STDIN (FORMAT binary)",
                0,
                8 * 1024);
        this.rejects = new TableCopy(
                "COPY ingest_rejects (record_id, line, reason, detail, raw, received_at) FROM STDIN (FORMAT binary)",
                0,
                8 * 1024);
    }

    /**
     * Starts writing in the current transaction of {@code connection}.
     *
     * @throws SQLException if the connection is not a PgJDBC connection
     */
    public void begin(Connection connection) throws SQLException {
        var copyApi = connection.unwrap(PGConnection.class).getCopyAPI();
        points.begin(copyApi);
        checks.begin(copyApi);
        events.begin(copyApi);
        rejects.begin(copyApi);
        failure = null;
        pointsFinished = false;
        firstRejectLine = 0;
        firstRejectReason = null;
        if (aggregates != null) {
            aggregates.clear();
        }
    }

    /**
     * From now on in this transaction, a metric or service check line whose timestamp is before
     * {@code limit}'s instant becomes a {@code TOO_OLD} reject (after {@link #begin}).
     */
    public void acceptFrom(MetricStoreSettings.AcceptedFrom limit) {
        this.acceptedFrom = limit;
        this.acceptFromMicros = pgMicros(limit.from());
    }

    /**
     * From now on in this transaction, a metric or service check line whose timestamp is at or
     * after {@code limit}'s instant becomes a {@code TOO_NEW} reject (after {@link #begin}).
     */
    public void acceptUntil(MetricStoreSettings.AcceptedUntil limit) {
        this.acceptedUntil = limit;
        this.acceptUntilMicros = pgMicros(limit.until());
    }

    /** Starts a new record: its lines get {@code id} and, without their own timestamp, {@code arrival}. */
    public void startRecord(long id, Instant arrival) {
        this.recordId = id;
        this.arrivalMicros = pgMicros(arrival);
        lines = 0;
        pointRows = 0;
        checkRows = 0;
        eventRows = 0;
        rejectRows = 0;
        ignoredFields = 0;
    }

    /**
     * Writes one parsed line (a parser's consumer calls this). Stops writing after the first I/O
     * failure, which {@link #failure()} then reports.
     *
     * @throws CopyFailedException if sending a chunk to the server fails (the parser may pass it
     *     through or swallow it; {@link #failure()} keeps it either way)
     */
    public void accept(ParsedLine line) {
        if (failure != null) {
            return;
        }
        lines++;
        try {
            switch (line.kind) {
                case METRIC -> metric(line);
                case SERVICE_CHECK -> check(line);
                case EVENT -> event(line);
                case REJECT -> reject(line, line.reason, line.detail);
                case null -> reject(line, RejectReason.BAD_FIELD, "internal: the parser gave no kind");
            }
        } catch (SQLException e) {
            failure = e;
            throw new CopyFailedException(e);
        }
    }

    /** Keeps a record that could not be decoded as one BAD_RECORD reject with its raw bytes. */
    public void rejectRecord(byte[] raw, String detail) {
        if (failure != null) {
            return;
        }
        lines++;
        rejectRow(WHOLE_RECORD_LINE, RejectReason.BAD_RECORD, detail, raw, 0, raw.length);
    }

    /**
     * The ages of this transaction's metric values; {@link PointLags#start} it with the time the
     * batch began storing, after {@link #begin}.
     */
    public PointLags pointLags() {
        return lags;
    }

    /** The I/O failure that stopped writing, or null. */
    public SQLException failure() {
        return failure;
    }

    /**
     * Sends every held row and ends all COPY streams.
     *
     * @throws SQLException if a COPY fails or the connection is lost
     */
    public void finish() throws SQLException {
        finishPoints();
        checks.finish();
        events.finish();
        rejects.finish();
    }

    /**
     * Ends the streaming COPY of points, so that the connection can run other statements before
     * {@link #finish} (the other tables hold their rows until then).
     *
     * @throws SQLException if the COPY fails or the connection is lost
     */
    public void finishPoints() throws SQLException {
        if (failure != null) {
            throw failure;
        }
        if (!pointsFinished) {
            pointsFinished = true;
            points.finish();
        }
    }

    /**
     * Keeps a line of an earlier record of this transaction as a reject (the cardinality guard
     * refuses lines after their record was parsed). Call before {@link #finish}.
     */
    void rejectLater(
            long lineRecordId, long arrivalPgMicros, int lineNumber, RejectReason reason, String detail, byte[] raw) {
        long id = recordId;
        long arrival = arrivalMicros;
        recordId = lineRecordId;
        arrivalMicros = arrivalPgMicros;
        try {
            rejectRow(lineNumber, reason, detail, raw, 0, raw.length);
        } finally {
            recordId = id;
            arrivalMicros = arrival;
        }
    }

    /** Abandons the running COPY after a failure. */
    public void abort() {
        points.abort();
        checks.abort();
        events.abort();
        rejects.abort();
    }

    // --- counters ---------------------------------------------------------------------------

    public int recordLines() {
        return lines;
    }

    public int recordPoints() {
        return pointRows;
    }

    public int recordChecks() {
        return checkRows;
    }

    public int recordEvents() {
        return eventRows;
    }

    public int recordRejects() {
        return rejectRows;
    }

    /** Fields skipped as unknown on this record's stored lines ({@link ParsedLine#ignoredFields}). */
    public int recordIgnoredFields() {
        return ignoredFields;
    }

    public int firstRejectLine() {
        return firstRejectLine;
    }

    public RejectReason firstRejectReason() {
        return firstRejectReason;
    }

    /** Bytes held by the reusable buffers (they grow to the largest batch's held rows). */
    public long retainedBytes() {
        return (long) points.capacity() + checks.capacity() + events.capacity() + rejects.capacity();
    }

    /** Nanoseconds spent sending to the server since {@link #begin}. */
    public long ioNanos() {
        return points.ioNanos() + checks.ioNanos() + events.ioNanos() + rejects.ioNanos();
    }

    // --- rows -------------------------------------------------------------------------------

    private void metric(ParsedLine l) throws SQLException {
        if (l.nameLen <= 0 || l.type == null) {
            reject(l, RejectReason.EMPTY_NAME, "internal: metric without name or type");
            return;
        }
        if (!l.plain
                && refused(
                        l,
                        hasNul(l.buf, l.nameOff, l.nameLen)
                                || hasNul(l.buf, l.memberOff, l.memberLen)
                                || hasNul(l.buf, l.containerOff, l.containerLen))) {
            return;
        }
        long ts = timestampMicros(l);
        if (ts < acceptFromMicros || ts >= acceptUntilMicros) {
            rejectOutsideAccepted(l, ts);
            return;
        }
        // A set's member is text; its row carries the member (and a value only if one was parsed).
        int n = l.memberLen >= 0 ? Math.max(1, l.valueCount) : l.valueCount;
        pointRows += n;
        ignoredFields += l.ignoredFields;
        lags.add(ts, n);
        if (aggregates != null) {
            aggregates.metric(l, ts);
        }
        if (!rawPoints) {
            return;
        }
        byte[] type = TYPE_CODES[l.type.ordinal()];
        for (int i = 0; i < n; i++) {
            PgBinaryBuffer b = points.row(11);
            b.int64Field(recordId);
            b.int32Field(l.lineNumber);
            b.int16Field(i);
            b.timestampField(ts);
            b.bytesField(l.buf, l.nameOff, l.nameLen);
            b.asciiField(type);
            if (i < l.valueCount) {
                b.float8Field(l.values[i]);
            } else {
                b.nullField();
            }
            b.bytesField(l.buf, l.memberOff, l.memberLen);
            b.float8Field(l.rate);
            b.textArrayField(l.buf, l.tagOff, l.tagLen, l.tagCount);
            b.bytesField(l.buf, l.containerOff, l.containerLen);
            points.endRow();
        }
    }

    private void check(ParsedLine l) throws SQLException {
        if (l.nameLen <= 0) {
            reject(l, RejectReason.EMPTY_NAME, "internal: service check without name");
            return;
        }
        if (refused(
                l,
                hasNul(l.buf, l.nameOff, l.nameLen)
                        || hasNul(l.buf, l.hostOff, l.hostLen)
                        || hasNul(l.buf, l.messageOff, l.messageLen)
                        || hasNul(l.buf, l.containerOff, l.containerLen))) {
            return;
        }
        if (l.status < 0 || l.status > 3) {
            reject(l, RejectReason.BAD_STATUS, "internal: status outside 0..3");
            return;
        }
        long ts = timestampMicros(l);
        if (ts < acceptFromMicros || ts >= acceptUntilMicros) {
            rejectOutsideAccepted(l, ts);
            return;
        }
        checkRows++;
        ignoredFields += l.ignoredFields;
        if (aggregates != null) {
            aggregates.check(l, ts);
        }
        if (!rawPoints) {
            return;
        }
        PgBinaryBuffer b = checks.row(9);
        b.int64Field(recordId);
        b.int32Field(l.lineNumber);
        b.timestampField(ts);
        b.bytesField(l.buf, l.nameOff, l.nameLen);
        b.int16Field(l.status);
        b.bytesField(l.buf, l.hostOff, l.hostLen);
        b.bytesField(l.buf, l.messageOff, l.messageLen);
        b.textArrayField(l.buf, l.tagOff, l.tagLen, l.tagCount);
        b.bytesField(l.buf, l.containerOff, l.containerLen);
        checks.endRow();
    }

    private void event(ParsedLine l) throws SQLException {
        if (refused(
                l,
                hasNul(l.buf, l.nameOff, l.nameLen)
                        || hasNul(l.buf, l.textOff, l.textLen)
                        || hasNul(l.buf, l.hostOff, l.hostLen)
                        || hasNul(l.buf, l.aggregationKeyOff, l.aggregationKeyLen)
                        || hasNul(l.buf, l.priorityOff, l.priorityLen)
                        || hasNul(l.buf, l.sourceTypeOff, l.sourceTypeLen)
                        || hasNul(l.buf, l.alertTypeOff, l.alertTypeLen)
                        || hasNul(l.buf, l.containerOff, l.containerLen))) {
            return;
        }
        PgBinaryBuffer b = events.row(12);
        b.int64Field(recordId);
        b.int32Field(l.lineNumber);
        b.timestampField(timestampMicros(l));
        // title and text are NOT NULL: an absent one is stored as empty text.
        if (l.escapedNewlines) {
            b.unescapedNewlinesField(l.buf, l.nameOff, Math.max(0, l.nameLen));
            b.unescapedNewlinesField(l.buf, l.textOff, Math.max(0, l.textLen));
        } else {
            b.bytesField(l.buf, l.nameOff, Math.max(0, l.nameLen));
            b.bytesField(l.buf, l.textOff, Math.max(0, l.textLen));
        }
        b.bytesField(l.buf, l.hostOff, l.hostLen);
        b.bytesField(l.buf, l.aggregationKeyOff, l.aggregationKeyLen);
        b.bytesField(l.buf, l.priorityOff, l.priorityLen);
        b.bytesField(l.buf, l.sourceTypeOff, l.sourceTypeLen);
        b.bytesField(l.buf, l.alertTypeOff, l.alertTypeLen);
        b.textArrayField(l.buf, l.tagOff, l.tagLen, l.tagCount);
        b.bytesField(l.buf, l.containerOff, l.containerLen);
        events.endRow();
        eventRows++;
        ignoredFields += l.ignoredFields;
    }

    /**
     * Rejects {@code l} when one of its text fields ({@code nulInFields}) or tags holds a NUL, or
     * its timestamp is outside PostgreSQL's range; true when it did.
     */
    private boolean refused(ParsedLine l, boolean nulInFields) throws SQLException {
        if (nulInFields || tagsHaveNul(l)) {
            reject(l, RejectReason.BAD_UTF8, NUL_DETAIL);
            return true;
        }
        if (l.hasTimestamp() && outOfRange(l.timestamp)) {
            reject(l, RejectReason.BAD_TIMESTAMP, TS_RANGE_DETAIL);
            return true;
        }
        return false;
    }

    /**
     * Rejects {@code l}, whose timestamp is outside what ingest accepts ({@link
     * MetricStoreSettings#acceptedFrom}, {@link MetricStoreSettings#acceptedUntil}), as {@code
     * TOO_OLD} or {@code TOO_NEW}. The check itself stays inline in the per-line path; this, the
     * rare case, is not.
     */
    private void rejectOutsideAccepted(ParsedLine l, long tsPgMicros) throws SQLException {
        Instant ts = Instant.ofEpochSecond(
                Math.floorDiv(tsPgMicros, 1_000_000L) + PgBinaryBuffer.PG_EPOCH_UNIX_SECONDS,
                Math.floorMod(tsPgMicros, 1_000_000L) * 1_000L);
        if (tsPgMicros < acceptFromMicros) {
            reject(l, RejectReason.TOO_OLD, acceptedFrom.tooOld(ts));
        } else {
            reject(l, RejectReason.TOO_NEW, acceptedUntil.tooNew(ts));
        }
    }

    /** The line's own timestamp, else the batch's arrival time. */
    private long timestampMicros(ParsedLine l) {
        return l.hasTimestamp() ? unixSecondsToPgMicros(l.timestamp) : arrivalMicros;
    }

    private void reject(ParsedLine l, RejectReason reason, String detail) throws SQLException {
        rejectRow(l.lineNumber, reason == null ? RejectReason.BAD_FIELD : reason, detail, l.buf, l.lineOff, l.lineLen);
    }

    private void rejectRow(int lineNumber, RejectReason reason, String detail, byte[] raw, int off, int len) {
        PgBinaryBuffer b = rejects.row(6);
        b.int64Field(recordId);
        b.int32Field(lineNumber);
        b.asciiField(REASON_CODES[reason.ordinal()]);
        if (detail == null) {
            b.nullField();
        } else {
            // Rejects are the exception: one small allocation each is fine. A detail is ours
            // (constant) or the trigger's decode error; strip NULs so it always fits text.
            byte[] d = detail.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
            b.bytesField(d, 0, d.length);
        }
        b.bytesField(raw == null ? new byte[0] : raw, off, raw == null ? 0 : Math.max(0, len));
        b.timestampField(arrivalMicros);
        rejectRows++;
        if (firstRejectReason == null) {
            firstRejectLine = lineNumber;
            firstRejectReason = reason;
        }
    }

    // --- helpers ----------------------------------------------------------------------------

    private static boolean tagsHaveNul(ParsedLine l) {
        for (int i = 0; i < l.tagCount; i++) {
            if (hasNul(l.buf, l.tagOff[i], l.tagLen[i])) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasNul(byte[] buf, int off, int len) {
        return Words.hasNul(buf, off, len);
    }

    private static boolean outOfRange(long unixSeconds) {
        return unixSeconds < MIN_SECONDS || unixSeconds > MAX_SECONDS;
    }

    static long unixSecondsToPgMicros(long unixSeconds) {
        return (unixSeconds - PgBinaryBuffer.PG_EPOCH_UNIX_SECONDS) * 1_000_000L;
    }

    /** Microseconds since 2000-01-01T00:00:00Z, PostgreSQL's binary timestamp. */
    public static long pgMicros(Instant t) {
        return (t.getEpochSecond() - PgBinaryBuffer.PG_EPOCH_UNIX_SECONDS) * 1_000_000L + t.getNano() / 1_000;
    }
}
