package dev.dbre.ingest.parse.reference;

import static dev.dbre.ingest.RejectReason.BAD_EVENT;
import static dev.dbre.ingest.RejectReason.BAD_FIELD;
import static dev.dbre.ingest.RejectReason.BAD_SAMPLE_RATE;
import static dev.dbre.ingest.RejectReason.BAD_SERVICE_CHECK;
import static dev.dbre.ingest.RejectReason.BAD_STATUS;
import static dev.dbre.ingest.RejectReason.BAD_TAG;
import static dev.dbre.ingest.RejectReason.BAD_TIMESTAMP;
import static dev.dbre.ingest.RejectReason.BAD_UTF8;
import static dev.dbre.ingest.RejectReason.BAD_VALUE;
import static dev.dbre.ingest.RejectReason.EMPTY_NAME;
import static dev.dbre.ingest.RejectReason.LINE_TOO_LONG;
import static dev.dbre.ingest.RejectReason.NAME_TOO_LONG;
import static dev.dbre.ingest.RejectReason.TOO_MANY_TAGS;
import static dev.dbre.ingest.RejectReason.UNKNOWN_TYPE;

import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.parse.ParseLimits;
import java.util.Arrays;
import java.util.Objects;

/**
 * A frozen copy of {@code dev.dbre.ingest.parse.DogStatsdParser} (and of the line splitting of
 * {@code PayloadParser}) as it was before the speed work: the reference the equivalence test
 * compares the optimized parser against. Do not optimize or fix this copy; change the real parser
 * and, where a change of behaviour is intended, the tests that pin it.
 *
 * <p>Original description follows.
 *
 * <p> * Parses one DogStatsD line: a metric {@code name:value[:value...]|type[|@rate][|#tags][|T<unix
 * seconds>][|c:<container>]}, a service check {@code _sc|name|status[|d:ts][|h:host][|#tags][|m:msg]}
 * or an event {@code _e{title_len,text_len}:title|text[|d:ts][|h:host][|k:key][|p:prio][|s:src][|t:alert][|#tags]}.
 * The user-facing rules (and every reject reason) are in {@code docs/ingest-format.md}.
 *
 * <p>Hot path: one pass of byte loops per field, no String, no regex and no allocation per line
 * (the tag and value arrays of the {@link ParsedLine} grow only when a line needs more room). Not
 * thread-safe (one per thread, like the {@code ParsedLine} it fills).
 */
public final class RefDogStatsdParser {
    /** 9999-12-31T23:59:59Z: the largest Unix time we accept (ISO-8601's four-digit year). */
    static final long MAX_UNIX_SECONDS = 253_402_300_799L;

    // Constant reject details: never built per line.
    static final String D_LINE_TOO_LONG = "line is longer than DBRE_INGEST_MAX_LINE_BYTES";
    static final String D_BAD_UTF8 = "line is not valid UTF-8";
    static final String D_NUL = "line contains a NUL byte (PostgreSQL text cannot store it)";
    static final String D_EMPTY_NAME = "metric name is empty";
    static final String D_NAME_TOO_LONG = "name is longer than DBRE_INGEST_MAX_NAME_BYTES";
    static final String D_NO_VALUE = "no ':value' after the metric name";
    static final String D_NOT_A_NUMBER = "value is not a finite decimal number";
    static final String D_EMPTY_MEMBER = "set member is empty";
    static final String D_TOO_MANY_VALUES = "more packed values than DBRE_INGEST_MAX_PACKED_VALUES";
    static final String D_NO_TYPE = "no '|type' field after the value";
    static final String D_UNKNOWN_TYPE = "type is not one of c, g, ms, h, d, s";
    static final String D_BAD_RATE = "sample rate is not a number in (0, 1]";
    static final String D_EMPTY_TAG = "empty tag in the '#' list";
    static final String D_TOO_MANY_TAGS = "more tags than DBRE_INGEST_MAX_TAGS";
    static final String D_BAD_TIMESTAMP = "timestamp is not whole Unix seconds between 1 and 253402300799";
    static final String D_EMPTY_FIELD = "empty field ('||' or a trailing '|')";
    static final String D_UNKNOWN_FIELD = "unknown field after '|'";
    static final String D_DUPLICATE_FIELD = "field given twice";
    static final String D_EMPTY_FIELD_VALUE = "field has an empty value";
    static final String D_SC_NO_NAME = "service check has no '|name'";
    static final String D_SC_EMPTY_NAME = "service check name is empty";
    static final String D_SC_NO_STATUS = "service check has no '|status' after the name";
    static final String D_BAD_STATUS = "service check status is not 0, 1, 2 or 3";
    static final String D_EV_HEADER = "event header is not _e{<title bytes>,<text bytes>}:";
    static final String D_EV_EMPTY_TITLE = "event title is empty";
    static final String D_EV_SHORT = "event is shorter than the lengths in its header";
    static final String D_EV_TITLE_LEN = "event title length does not match: no '|' after the title";
    static final String D_EV_TEXT_LEN = "event text length does not match: no '|' or end after the text";
    static final String D_EV_PRIORITY = "event priority (p:) is not low or normal";
    static final String D_EV_ALERT = "event alert type (t:) is not error, warning, info or success";

    // Which fields a line kind accepts; also the bits of the "seen" mask that finds duplicates.
    private static final int F_RATE = 1;
    private static final int F_TAGS = 1 << 1;
    private static final int F_UNIX_T = 1 << 2;
    private static final int F_CONTAINER = 1 << 3;
    private static final int F_EXTERNAL = 1 << 4;
    private static final int F_CARDINALITY = 1 << 5;
    private static final int F_DATE = 1 << 6;
    private static final int F_HOST = 1 << 7;
    private static final int F_MESSAGE = 1 << 8;
    private static final int F_AGG_KEY = 1 << 9;
    private static final int F_PRIORITY = 1 << 10;
    private static final int F_SOURCE = 1 << 11;
    private static final int F_ALERT = 1 << 12;
    private static final int COMMON = F_TAGS | F_CONTAINER | F_EXTERNAL | F_CARDINALITY;
    private static final int METRIC_FIELDS = COMMON | F_RATE | F_UNIX_T;
    private static final int CHECK_FIELDS = COMMON | F_DATE | F_HOST | F_MESSAGE;
    private static final int EVENT_FIELDS = COMMON | F_DATE | F_HOST | F_AGG_KEY | F_PRIORITY | F_SOURCE | F_ALERT;

    private static final byte[] LOW = {'l', 'o', 'w'};
    private static final byte[] NORMAL = {'n', 'o', 'r', 'm', 'a', 'l'};
    private static final byte[][] ALERT_TYPES = {
        {'e', 'r', 'r', 'o', 'r'},
        {'w', 'a', 'r', 'n', 'i', 'n', 'g'},
        {'i', 'n', 'f', 'o'},
        {'s', 'u', 'c', 'c', 'e', 's', 's'}
    };

    private final int maxLineBytes;
    private final int maxNameBytes;
    private final int maxTags;
    private final int maxPackedValues;

    public RefDogStatsdParser(ParseLimits limits) {
        this.maxLineBytes = limits.maxLineBytes();
        this.maxNameBytes = limits.maxNameBytes();
        this.maxTags = limits.maxTags();
        this.maxPackedValues = limits.maxPackedValues();
    }

    /**
     * Parses one line [off,off+len) of buf into out (after out.reset(...)); never throws on any
     * content of the line; returns out, whose kind is METRIC, SERVICE_CHECK, EVENT or REJECT (with
     * a reason and a constant detail).
     *
     * @throws IndexOutOfBoundsException if [off, off+len) is not inside buf (a caller bug)
     */
    /** The line splitting of the original {@code PayloadParser.parse} for DOGSTATSD. */
    public int parsePayload(byte[] b, int off, int len, ParsedLine out, dev.dbre.ingest.parse.LineConsumer consumer) {
        Objects.checkFromIndexSize(off, len, b.length);
        int end = off + len;
        int delivered = 0;
        int lineNo = 0;
        int start = off;
        while (start < end) {
            int nl = start;
            while (nl < end && b[nl] != '\n') {
                nl++;
            }
            lineNo++;
            int e = nl;
            if (e > start && b[e - 1] == '\r') {
                e--;
            }
            if (!blank(b, start, e)) {
                consumer.accept(parseLine(b, start, e - start, lineNo, out));
                delivered++;
            }
            start = nl + 1;
        }
        return delivered;
    }

    private static boolean blank(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    public ParsedLine parseLine(byte[] buf, int off, int len, int lineNumber, ParsedLine out) {
        Objects.checkFromIndexSize(off, len, buf.length);
        out.reset(buf, lineNumber, off, len);
        if (len > maxLineBytes) {
            return out.reject(LINE_TOO_LONG, D_LINE_TOO_LONG);
        }
        int utf8 = RefUtf8.check(buf, off, len);
        if (utf8 != RefUtf8.OK) {
            return out.reject(BAD_UTF8, utf8 == RefUtf8.NUL ? D_NUL : D_BAD_UTF8);
        }
        int end = off + len;
        if (len >= 3 && buf[off] == '_') {
            byte b1 = buf[off + 1];
            byte b2 = buf[off + 2];
            if (b1 == 's' && b2 == 'c' && (len == 3 || buf[off + 3] == '|')) {
                return serviceCheck(buf, off, end, out);
            }
            if (b1 == 'e' && b2 == '{') {
                return event(buf, off, end, out);
            }
        }
        return metric(buf, off, end, out);
    }

    private ParsedLine metric(byte[] b, int off, int end, ParsedLine out) {
        int p = off;
        while (p < end) {
            byte c = b[p];
            if (c == ':' || c == '|') {
                break;
            }
            p++;
        }
        int nameLen = p - off;
        if (nameLen == 0) {
            return out.reject(EMPTY_NAME, D_EMPTY_NAME);
        }
        if (nameLen > maxNameBytes) {
            return out.reject(NAME_TOO_LONG, D_NAME_TOO_LONG);
        }
        if (p == end || b[p] == '|') {
            return out.reject(BAD_VALUE, D_NO_VALUE);
        }
        int valueStart = p + 1;
        int valueEnd = valueStart;
        while (valueEnd < end && b[valueEnd] != '|') {
            valueEnd++;
        }
        if (valueEnd == end) {
            return out.reject(UNKNOWN_TYPE, D_NO_TYPE);
        }
        // The type: one of c g h d s, or ms, followed by '|' or the end of the line.
        int t = valueEnd + 1;
        MetricType type = null;
        int typeEnd = t + 1;
        if (t < end) {
            byte c0 = b[t];
            if (typeEnd == end || b[typeEnd] == '|') {
                type = switch (c0) {
                    case 'c' -> MetricType.COUNT;
                    case 'g' -> MetricType.GAUGE;
                    case 'h' -> MetricType.HISTOGRAM;
                    case 'd' -> MetricType.DISTRIBUTION;
                    case 's' -> MetricType.SET;
                    default -> null;
                };
            } else if (c0 == 'm' && b[typeEnd] == 's' && (++typeEnd == end || b[typeEnd] == '|')) {
                type = MetricType.TIMER;
            }
        }
        if (type == null) {
            return out.reject(UNKNOWN_TYPE, D_UNKNOWN_TYPE);
        }
        out.nameOff = off;
        out.nameLen = nameLen;
        out.type = type;
        if (type == MetricType.SET) {
            // A set's value is text (a user id, say), never split on ':': packing is not for sets.
            if (valueEnd == valueStart) {
                return out.reject(BAD_VALUE, D_EMPTY_MEMBER);
            }
            out.memberOff = valueStart;
            out.memberLen = valueEnd - valueStart;
        } else if (!values(b, valueStart, valueEnd, out)) {
            return out;
        }
        out.kind = ParsedLine.Kind.METRIC;
        return fields(b, typeEnd, end, out, METRIC_FIELDS);
    }

    /** Packed values {@code 1:2:3}; false after rejecting the line. */
    private boolean values(byte[] b, int s, int valueEnd, ParsedLine out) {
        double[] vals = out.values;
        int count = 0;
        while (true) {
            int e = s;
            while (e < valueEnd && b[e] != ':') {
                e++;
            }
            if (count == maxPackedValues) {
                out.reject(BAD_VALUE, D_TOO_MANY_VALUES);
                return false;
            }
            if (count == vals.length) {
                vals = out.values = Arrays.copyOf(vals, Math.min(maxPackedValues, count * 2));
            }
            double v = RefNumbers.parseDouble(b, s, e);
            if (!(Math.abs(v) <= Double.MAX_VALUE)) { // NaN (not a number) or an infinity
                out.reject(BAD_VALUE, D_NOT_A_NUMBER);
                return false;
            }
            vals[count++] = v;
            if (e == valueEnd) {
                out.valueCount = count;
                return true;
            }
            s = e + 1;
        }
    }

    private ParsedLine serviceCheck(byte[] b, int off, int end, ParsedLine out) {
        int ns = off + 4; // after "_sc|"
        if (ns > end) {
            return out.reject(BAD_SERVICE_CHECK, D_SC_NO_NAME);
        }
        int ne = ns;
        while (ne < end && b[ne] != '|') {
            ne++;
        }
        int nameLen = ne - ns;
        if (nameLen == 0) {
            return out.reject(EMPTY_NAME, D_SC_EMPTY_NAME);
        }
        if (nameLen > maxNameBytes) {
            return out.reject(NAME_TOO_LONG, D_NAME_TOO_LONG);
        }
        if (ne == end) {
            return out.reject(BAD_SERVICE_CHECK, D_SC_NO_STATUS);
        }
        int st = ne + 1;
        if (st == end || b[st] < '0' || b[st] > '3' || (st + 1 < end && b[st + 1] != '|')) {
            return out.reject(BAD_STATUS, D_BAD_STATUS);
        }
        out.nameOff = ns;
        out.nameLen = nameLen;
        out.status = b[st] - '0';
        out.kind = ParsedLine.Kind.SERVICE_CHECK;
        return fields(b, st + 1, end, out, CHECK_FIELDS);
    }

    private ParsedLine event(byte[] b, int off, int end, ParsedLine out) {
        int p = off + 3; // after "_e{"
        int s = p;
        while (p < end && b[p] != ',') {
            p++;
        }
        long titleLen = p - s <= 9 ? RefNumbers.parseUnsigned(b, s, p) : -1;
        s = ++p;
        while (p < end && b[p] != '}') {
            p++;
        }
        long textLen = p - s <= 9 ? RefNumbers.parseUnsigned(b, s, p) : -1;
        if (titleLen < 0 || textLen < 0 || p + 1 >= end || b[p + 1] != ':') {
            return out.reject(BAD_EVENT, D_EV_HEADER);
        }
        int title = p + 2;
        if (titleLen == 0) {
            return out.reject(EMPTY_NAME, D_EV_EMPTY_TITLE);
        }
        if (titleLen > maxNameBytes) {
            return out.reject(NAME_TOO_LONG, D_NAME_TOO_LONG);
        }
        if (title + titleLen + 1 + textLen > end) {
            return out.reject(BAD_EVENT, D_EV_SHORT);
        }
        int titleEnd = title + (int) titleLen;
        if (b[titleEnd] != '|') {
            return out.reject(BAD_EVENT, D_EV_TITLE_LEN);
        }
        int text = titleEnd + 1;
        int textEnd = text + (int) textLen;
        if (textEnd < end && b[textEnd] != '|') {
            return out.reject(BAD_EVENT, D_EV_TEXT_LEN);
        }
        out.nameOff = title;
        out.nameLen = (int) titleLen;
        out.textOff = text; // kept raw: a "\\n" escape stays two characters
        out.textLen = (int) textLen;
        out.kind = ParsedLine.Kind.EVENT;
        return fields(b, textEnd, end, out, EVENT_FIELDS);
    }

    /**
     * The {@code |field} list from {@code p} (at a '|' or the end), in any order. Unknown fields
     * and fields given twice reject the line, except the ones DogStatsD 1.5 ({@code e:}) and 1.6
     * ({@code card:}) added, which are accepted and ignored.
     */
    private ParsedLine fields(byte[] b, int p, int end, ParsedLine out, int allowed) {
        int seen = 0;
        while (p < end) {
            int f = p + 1; // b[p] == '|'
            int fe = f;
            while (fe < end && b[fe] != '|') {
                fe++;
            }
            if (fe == f) {
                return out.reject(BAD_FIELD, D_EMPTY_FIELD);
            }
            byte c0 = b[f];
            boolean colon = f + 1 < fe && b[f + 1] == ':';
            int field;
            if (c0 == '#') {
                field = F_TAGS;
            } else if (c0 == '@') {
                field = F_RATE;
            } else if (c0 == 'T') {
                field = F_UNIX_T;
            } else if (colon) {
                field = switch (c0) {
                    case 'c' -> F_CONTAINER;
                    case 'e' -> F_EXTERNAL;
                    case 'd' -> F_DATE;
                    case 'h' -> F_HOST;
                    case 'm' -> F_MESSAGE;
                    case 'k' -> F_AGG_KEY;
                    case 'p' -> F_PRIORITY;
                    case 's' -> F_SOURCE;
                    case 't' -> F_ALERT;
                    default -> 0;
                };
            } else if (isCardinality(b, f, fe)) {
                field = F_CARDINALITY;
            } else {
                field = 0;
            }
            if ((field & allowed) == 0) {
                return out.reject(BAD_FIELD, D_UNKNOWN_FIELD);
            }
            if ((seen & field) != 0) {
                return out.reject(BAD_FIELD, D_DUPLICATE_FIELD);
            }
            seen |= field;
            int vs = field == F_TAGS || field == F_RATE || field == F_UNIX_T ? f + 1 : f + 2;
            if (field == F_CARDINALITY) {
                vs = f + 5;
            } else if (field == F_MESSAGE) {
                fe = end; // m: must be last, so the message is the rest of the line, '|' included
            }
            if (!field(b, field, vs, fe, out)) {
                return out;
            }
            p = fe;
        }
        return out;
    }

    private static boolean isCardinality(byte[] b, int f, int fe) {
        return fe - f >= 5 && b[f] == 'c' && b[f + 1] == 'a' && b[f + 2] == 'r' && b[f + 3] == 'd' && b[f + 4] == ':';
    }

    /** Stores one field's value {@code [s, e)}; false after rejecting the line. */
    private boolean field(byte[] b, int field, int s, int e, ParsedLine out) {
        switch (field) {
            case F_TAGS -> {
                return tags(b, s, e, out);
            }
            case F_RATE -> {
                double r = RefNumbers.parseDouble(b, s, e);
                if (!(r > 0 && r <= 1)) {
                    out.reject(BAD_SAMPLE_RATE, D_BAD_RATE);
                    return false;
                }
                out.rate = r;
                return true;
            }
            case F_UNIX_T, F_DATE -> {
                long ts = RefNumbers.parseUnsigned(b, s, e);
                if (ts < 1 || ts > MAX_UNIX_SECONDS) {
                    out.reject(BAD_TIMESTAMP, D_BAD_TIMESTAMP);
                    return false;
                }
                out.timestamp = ts;
                return true;
            }
            case F_EXTERNAL, F_CARDINALITY -> {
                return true; // DogStatsD 1.5 / 1.6 origin detection hints: not used here
            }
            default -> {}
        }
        if (s == e) {
            out.reject(BAD_FIELD, D_EMPTY_FIELD_VALUE);
            return false;
        }
        int len = e - s;
        switch (field) {
            case F_CONTAINER -> {
                out.containerOff = s;
                out.containerLen = len;
            }
            case F_HOST -> {
                out.hostOff = s;
                out.hostLen = len;
            }
            case F_MESSAGE -> {
                out.messageOff = s;
                out.messageLen = len;
            }
            case F_AGG_KEY -> {
                out.aggregationKeyOff = s;
                out.aggregationKeyLen = len;
            }
            case F_SOURCE -> {
                out.sourceTypeOff = s;
                out.sourceTypeLen = len;
            }
            case F_PRIORITY -> {
                if (!equals(b, s, e, LOW) && !equals(b, s, e, NORMAL)) {
                    out.reject(BAD_EVENT, D_EV_PRIORITY);
                    return false;
                }
                out.priorityOff = s;
                out.priorityLen = len;
            }
            case F_ALERT -> {
                boolean known = false;
                for (byte[] a : ALERT_TYPES) {
                    known |= equals(b, s, e, a);
                }
                if (!known) {
                    out.reject(BAD_EVENT, D_EV_ALERT);
                    return false;
                }
                out.alertTypeOff = s;
                out.alertTypeLen = len;
            }
            default -> throw new AssertionError(field);
        }
        return true;
    }

    /** The {@code #a,b:c} list; false after rejecting the line. */
    private boolean tags(byte[] b, int s, int e, ParsedLine out) {
        int n = 0;
        while (true) {
            int q = s;
            while (q < e && b[q] != ',') {
                q++;
            }
            if (q == s) {
                out.reject(BAD_TAG, D_EMPTY_TAG);
                return false;
            }
            if (n == maxTags) {
                out.reject(TOO_MANY_TAGS, D_TOO_MANY_TAGS);
                return false;
            }
            RefTags.ensureRoom(out, n);
            out.tagOff[n] = s;
            out.tagLen[n] = q - s;
            n++;
            if (q == e) {
                RefTags.canonicalize(out, n);
                return true;
            }
            s = q + 1;
        }
    }

    private static boolean equals(byte[] b, int s, int e, byte[] expected) {
        return Arrays.equals(b, s, e, expected, 0, expected.length);
    }
}
