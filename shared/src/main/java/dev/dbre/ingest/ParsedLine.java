package dev.dbre.ingest;

import java.nio.charset.StandardCharsets;

/**
 * One parsed line, as a reusable flyweight: the parsers fill it in place and every text field is
 * a slice {@code [off, off+len)} of {@link #buf()}, so the hot path allocates nothing per line.
 * The storage layer writes the slices straight into the COPY stream; {@code dbre parse} and the
 * tests use the String accessors, which allocate.
 *
 * <p>Valid until the next call that fills it. Text slices are UTF-8. A length of -1 means absent.
 *
 * <p>Contract shared by the DogStatsD and JSON parsers, the PostgreSQL sink and the command line:
 * add fields if needed, do not rename.
 */
public final class ParsedLine {
    /** What the line turned out to be. */
    public enum Kind {
        METRIC,
        SERVICE_CHECK,
        EVENT,
        REJECT
    }

    /** No timestamp on the line. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public static final int MAX_PACKED_VALUES_DEFAULT = 64;

    // --- common -------------------------------------------------------------------------------
    public Kind kind;
    /** 1-based position of the line in its record (for JSON: of the object in the array). */
    public int lineNumber;
    /** Buffer that holds every slice below. */
    public byte[] buf;
    /** The raw line (kept for rejects). */
    public int lineOff, lineLen;
    /** Metric, check name; for events: the title. */
    public int nameOff, nameLen = -1;
    /** Tags, sorted by bytes and without duplicates; {@code tagCount} are valid. */
    public int[] tagOff = new int[16], tagLen = new int[16];

    public int tagCount;
    /** Unix seconds ({@code |T}, {@code d:}, JSON ts), or {@link #NO_TIMESTAMP}. */
    public long timestamp = NO_TIMESTAMP;
    /** Host ({@code h:} of checks and events). */
    public int hostOff, hostLen = -1;

    // --- metric -------------------------------------------------------------------------------
    public MetricType type;
    /** Values (several for packed lines, {@code a:1:2:3|d}); {@code valueCount} are valid. */
    public double[] values = new double[MAX_PACKED_VALUES_DEFAULT];

    public int valueCount;
    /** For sets: the member, as text (a set's value need not be a number). */
    public int memberOff, memberLen = -1;
    /** Sample rate, 1.0 when absent. */
    public double rate = 1.0;
    /** Container id ({@code |c:}), or absent. */
    public int containerOff, containerLen = -1;

    // --- service check ------------------------------------------------------------------------
    /** 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
    public int status;
    /** Service check message ({@code m:}). */
    public int messageOff, messageLen = -1;

    // --- event --------------------------------------------------------------------------------
    /** Event text (title is in name). */
    public int textOff, textLen = -1;

    public int aggregationKeyOff, aggregationKeyLen = -1;
    public int priorityOff, priorityLen = -1;
    public int sourceTypeOff, sourceTypeLen = -1;
    public int alertTypeOff, alertTypeLen = -1;
    /**
     * The event's title or text holds the two bytes {@code \n}, which stand for a line break (the
     * protocol's escape). The slices stay as written; {@link #name()}, {@link #text()} and the
     * store turn each {@code \n} into a line break.
     */
    public boolean escapedNewlines;

    // --- any accepted line --------------------------------------------------------------------
    /** Fields the line carried that its kind does not know (a newer client's), skipped and counted. */
    public int ignoredFields;

    /**
     * Set by the parser's fast path for the common metric line: every text field is printable ASCII
     * (so no NUL) and the timestamp, if any, is one PostgreSQL can store, so the store need not check
     * them again. False whenever not known.
     */
    public boolean plain;

    // --- reject -------------------------------------------------------------------------------
    public RejectReason reason;
    /** A constant, human-readable detail for the reject (never allocated per line). */
    public String detail;

    /** Clears every field for the next line of {@code buffer}. */
    public void reset(byte[] buffer, int lineNumber, int off, int len) {
        this.kind = null;
        this.lineNumber = lineNumber;
        this.buf = buffer;
        this.lineOff = off;
        this.lineLen = len;
        this.nameLen = -1;
        this.tagCount = 0;
        this.timestamp = NO_TIMESTAMP;
        this.hostLen = -1;
        this.type = null;
        this.valueCount = 0;
        this.memberLen = -1;
        this.rate = 1.0;
        this.containerLen = -1;
        this.status = 0;
        this.messageLen = -1;
        this.textLen = -1;
        this.aggregationKeyLen = -1;
        this.priorityLen = -1;
        this.sourceTypeLen = -1;
        this.alertTypeLen = -1;
        this.escapedNewlines = false;
        this.ignoredFields = 0;
        this.plain = false;
        this.reason = null;
        this.detail = null;
    }

    /** Marks this line rejected. */
    public ParsedLine reject(RejectReason why, String constantDetail) {
        this.kind = Kind.REJECT;
        this.reason = why;
        this.detail = constantDetail;
        return this;
    }

    // --- allocating accessors, for the command line and tests ---------------------------------

    /** The name; an event's title with its {@code \n} escapes turned into line breaks. */
    public String name() {
        return unescaped(nameOff, nameLen);
    }

    public String tag(int i) {
        return text(tagOff[i], tagLen[i]);
    }

    public String host() {
        return text(hostOff, hostLen);
    }

    public String member() {
        return text(memberOff, memberLen);
    }

    public String container() {
        return text(containerOff, containerLen);
    }

    public String message() {
        return text(messageOff, messageLen);
    }

    /** An event's text, with its {@code \n} escapes turned into line breaks. */
    public String text() {
        return unescaped(textOff, textLen);
    }

    private String unescaped(int off, int len) {
        String s = text(off, len);
        return s != null && escapedNewlines ? s.replace("\\n", "\n") : s;
    }

    public byte[] rawLine() {
        byte[] copy = new byte[lineLen];
        System.arraycopy(buf, lineOff, copy, 0, lineLen);
        return copy;
    }

    public String text(int off, int len) {
        return len < 0 ? null : new String(buf, off, len, StandardCharsets.UTF_8);
    }

    public boolean hasTimestamp() {
        return timestamp != NO_TIMESTAMP;
    }
}
