package dev.dbre.ingest.parse;

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
import java.util.Arrays;
import java.util.Objects;

/**
 * Parses one DogStatsD line: a metric {@code name:value[:value...]|type[|@rate][|#tags][|T<unix
 * seconds>][|c:<container>]}, a service check {@code _sc|name|status[|d:ts][|h:host][|#tags][|m:msg]}
 * or an event {@code _e{title_len,text_len}:title|text[|d:ts][|h:host][|k:key][|p:prio][|s:src][|t:alert][|#tags]}.
 * The user-facing rules (and every reject reason) are in {@code docs/ingest-format.md}. Where they
 * differ from the first version (the frozen copy in the tests), real clients' output decided: an
 * empty {@code |#} is no tags, a field the line's kind does not know is skipped and counted, a
 * service check's message ends before trailing known fields, and {@code \n} in an event is a line
 * break.
 *
 * <p>Hot path: the common metric line is parsed in one pass from its first byte ({@link
 * #parseCommonMetric}, used by {@link PayloadParser}); every other line takes the general path
 * ({@link #parseLine}), which gives the same result for the common line too (see
 * ParserEquivalenceTest). Delimiters are found 8 bytes at a time ({@link Scan}); no String, no
 * regex and no allocation per line (the tag and value arrays of the {@link ParsedLine} grow only
 * when a line needs more room). Why and how much: docs/bench-parser.md. Not thread-safe (one per
 * thread, like the {@code ParsedLine} it fills).
 */
public final class DogStatsdParser {
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

    public DogStatsdParser(ParseLimits limits) {
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
    public ParsedLine parseLine(byte[] buf, int off, int len, int lineNumber, ParsedLine out) {
        Objects.checkFromIndexSize(off, len, buf.length);
        return parseChecked(buf, off, len, lineNumber, out, false);
    }

    /**
     * The fast path for the common line, parsed before its end is known: a metric {@code
     * name:decimal[:decimal...]|type} with only {@code |#tags}, {@code |@rate} and {@code |T}
     * fields, plain ASCII, within every limit, ended by '\n', "\r\n", or {@code end} (a '\r'
     * before it dropped, as the general path does). Fills {@code out} exactly as {@link
     * #parseChecked} would and returns the index of the line's end (its '\n' or {@code end});
     * returns -1 on anything else (a reject, another kind or field, a control or high byte
     * inside...), and then the caller finds the line's end and takes the general path, so results
     * never depend on which path ran. This saves the separate pass over the line that finds its
     * end. {@code afterCommon}: out holds the previous line of the same buffer, which this method
     * filled (and nothing changed since), so only the fields this method sets need clearing.
     */
    int parseCommonMetric(byte[] b, int start, int end, int lineNumber, ParsedLine out, boolean afterCommon) {
        if (b[start] == '_') {
            return -1; // maybe a service check or an event
        }
        int p = Scan.findPlain2(b, start, end, Scan.COLONS, Scan.BARS);
        int nameLen = p - start;
        if (p == end || b[p] != ':' || nameLen == 0 || nameLen > maxNameBytes) {
            return -1;
        }
        if (afterCommon) {
            // out holds the previous line of this payload, filled by this method: clear only what
            // this method sets (the rest is still as reset() left it; the rest it sets below).
            out.lineNumber = lineNumber;
            out.lineOff = start;
            out.tagCount = 0;
            out.timestamp = ParsedLine.NO_TIMESTAMP;
            out.valueCount = 0;
            out.memberLen = -1;
            out.rate = 1.0;
        } else {
            out.reset(b, lineNumber, start, 0);
        }
        double[] vals = out.values;
        int limit = Math.min(vals.length, maxPackedValues);
        int count = 0;
        int valueStart = p + 1;
        int q = valueStart;
        while (true) {
            if (count == limit) {
                return -1;
            }
            double v = decimal(b, q, end);
            p = stop;
            if (v != v || p == end) {
                return -1;
            }
            vals[count++] = v;
            byte c = b[p];
            if (c == '|') {
                break;
            }
            if (c != ':') {
                return -1;
            }
            q = p + 1;
        }
        int valueEnd = p;
        int t = p + 1;
        if (t + 1 > end) {
            return -1;
        }
        byte c0 = b[t];
        MetricType type;
        p = t + 1;
        if (c0 == 'm' && p < end && b[p] == 's') {
            type = MetricType.TIMER;
            p++;
        } else {
            type = switch (c0) {
                case 'c' -> MetricType.COUNT;
                case 'g' -> MetricType.GAUGE;
                case 'h' -> MetricType.HISTOGRAM;
                case 'd' -> MetricType.DISTRIBUTION;
                case 's' -> MetricType.SET;
                default -> null;
            };
            if (type == null) {
                return -1;
            }
        }
        int seen = 0;
        while (p < end) {
            byte c = b[p];
            int f = p + 1;
            if (c != '|') {
                if (c == '\n' || (c == '\r' && (f == end || b[f] == '\n'))) {
                    break;
                }
                return -1;
            }
            if (f == end) {
                return -1;
            }
            c = b[f];
            int field = c == '#' ? F_TAGS : c == '@' ? F_RATE : c == 'T' ? F_UNIX_T : 0;
            if (field == 0 || (seen & field) != 0) {
                return -1;
            }
            seen |= field;
            p = field == F_TAGS
                    ? commonTags(b, f + 1, end, out)
                    : field == F_RATE ? commonRate(b, f + 1, end, out) : commonUnixSeconds(b, f + 1, end, out);
            if (p < 0) {
                return -1;
            }
        }
        int len = p - start;
        if (len > maxLineBytes) {
            return -1;
        }
        out.lineLen = len;
        out.nameOff = start;
        out.nameLen = nameLen;
        out.type = type;
        if (type == MetricType.SET) {
            out.memberOff = valueStart;
            out.memberLen = valueEnd - valueStart;
        } else {
            out.valueCount = count;
        }
        out.kind = ParsedLine.Kind.METRIC;
        // Name and tags were scanned by findPlain2, a member is a decimal, |T is at most year 9999.
        out.plain = true;
        return p < end && b[p] == '\r' ? p + 1 : p; // after "\r\n", the '\n' (the general path drops the '\r')
    }

    /** At p: the end of the line, its '\n', or the '\r' of a "\r\n" or of a last line ending in '\r'. */
    private static boolean lineEndsAt(byte[] b, int p, int end) {
        if (p == end) {
            return true;
        }
        byte c = b[p];
        return c == '\n' || (c == '\r' && (p + 1 == end || b[p + 1] == '\n'));
    }

    /** Tags for {@link #parseCommonMetric}: where they end ('|' or the line end), or -1. */
    private int commonTags(byte[] b, int s, int end, ParsedLine out) {
        int n = 0;
        int q;
        while (true) {
            q = Scan.findPlain2(b, s, end, Scan.COMMAS, Scan.BARS);
            if (q == s && n == 0 && (q == end || b[q] == '|' || lineEndsAt(b, q, end))) {
                return q; // "|#" alone: no tags (clients that fill a template send it)
            }
            if (q == s || n == maxTags) {
                return -1;
            }
            Tags.ensureRoom(out, n);
            out.tagOff[n] = s;
            out.tagLen[n] = q - s;
            n++;
            if (q == end) {
                break;
            }
            byte c = b[q];
            if (c != ',') {
                if (c != '|' && !lineEndsAt(b, q, end)) {
                    return -1;
                }
                break;
            }
            s = q + 1;
        }
        Tags.canonicalize(out, n);
        return q;
    }

    /** The rate for {@link #parseCommonMetric}: where it ends ('|' or the line end), or -1. */
    private int commonRate(byte[] b, int s, int end, ParsedLine out) {
        double r = decimal(b, s, end);
        int p = stop;
        if (!(r > 0 && r <= 1) || (p < end && b[p] != '|' && !lineEndsAt(b, p, end))) {
            return -1;
        }
        out.rate = r;
        return p;
    }

    /** The timestamp for {@link #parseCommonMetric}: where it ends ('|' or the line end), or -1. */
    private static int commonUnixSeconds(byte[] b, int s, int end, ParsedLine out) {
        long v = 0;
        int p = s;
        int d;
        while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
            v = v * 10 + d;
            p++;
        }
        int n = p - s;
        if (n < 1 || n > 18 || v < 1 || v > MAX_UNIX_SECONDS || (p < end && b[p] != '|' && !lineEndsAt(b, p, end))) {
            return -1;
        }
        out.timestamp = v;
        return p;
    }

    /**
     * {@link #parseLine} for a slice known to be inside buf; {@code ascii} says the caller already
     * found no byte >= 0x80 and no NUL in it, so the UTF-8 check is skipped.
     */
    ParsedLine parseChecked(byte[] buf, int off, int len, int lineNumber, ParsedLine out, boolean ascii) {
        out.reset(buf, lineNumber, off, len);
        if (len > maxLineBytes) {
            return out.reject(LINE_TOO_LONG, D_LINE_TOO_LONG);
        }
        if (!ascii) {
            int utf8 = Utf8.check(buf, off, len);
            if (utf8 != Utf8.OK) {
                return out.reject(BAD_UTF8, utf8 == Utf8.NUL ? D_NUL : D_BAD_UTF8);
            }
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
        int p = Scan.find2(b, off, end, Scan.COLONS, Scan.BARS);
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
        // Fast path: plain decimals separated by ':' and ended by '|', parsed in the same pass
        // that finds the '|'. Anything else (an exponent, a set member, too many values, no '|')
        // falls back to finding the '|' first and parsing the values after the type, as before.
        double[] vals = out.values;
        int limit = Math.min(vals.length, maxPackedValues);
        int count = 0;
        int valueEnd = -1;
        int q = valueStart;
        while (count < limit) {
            double v = decimal(b, q, end);
            int stop = this.stop;
            if (v != v || stop == end) {
                break;
            }
            vals[count++] = v;
            if (b[stop] == '|') {
                valueEnd = stop;
                break;
            }
            if (b[stop] != ':') {
                break;
            }
            q = stop + 1;
        }
        boolean parsed = valueEnd >= 0;
        if (!parsed) {
            valueEnd = Scan.find1(b, valueStart, end, Scan.BARS);
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
        } else if (parsed) {
            out.valueCount = count;
        } else if (!values(b, valueStart, valueEnd, out)) {
            return out;
        }
        out.kind = ParsedLine.Kind.METRIC;
        return fields(b, typeEnd, end, out, METRIC_FIELDS);
    }

    /**
     * Where the last {@link #decimal} or {@link #digits} call stopped: a field's second result,
     * kept in the parser so the hot path returns it without allocating.
     */
    private int stop;

    /**
     * The fast path of {@link Numbers#parseDouble} without knowing where the number ends: {@code
     * [+|-]digits[.digits]} (at least one digit, at most 18, the mantissa at most 2^53) from
     * {@code p}, stopping at the first other byte (its index in {@link #stop}). NaN when the
     * bytes there are not such a number; the caller then takes the general path, so the result is
     * always the one {@code Numbers.parseDouble} gives for the same bytes.
     */
    private double decimal(byte[] b, int p, int end) {
        boolean neg = false;
        if (p < end) {
            byte c = b[p];
            if (c == '-') {
                neg = true;
                p++;
            } else if (c == '+') {
                p++;
            }
        }
        long m = 0;
        int start = p;
        int d;
        while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
            m = m * 10 + d;
            p++;
        }
        int digits = p - start;
        int fracDigits = 0;
        if (p < end && b[p] == '.') {
            int fracStart = ++p;
            while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
                m = m * 10 + d;
                p++;
            }
            fracDigits = p - fracStart;
            digits += fracDigits;
        }
        stop = p;
        if (digits == 0 || digits > 18 || m > Numbers.TWO_POW_53) {
            return Double.NaN;
        }
        double v = fracDigits == 0 ? (double) m : (double) m / Numbers.POW10[fracDigits];
        return neg ? -v : v;
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
            double v = Numbers.parseDouble(b, s, e);
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
        long titleLen = p - s <= 9 ? Numbers.parseUnsigned(b, s, p) : -1;
        s = ++p;
        while (p < end && b[p] != '}') {
            p++;
        }
        long textLen = p - s <= 9 ? Numbers.parseUnsigned(b, s, p) : -1;
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
        out.textOff = text; // kept as written: the readers turn each "\\n" into a line break
        out.textLen = (int) textLen;
        out.escapedNewlines = hasEscapedNewline(b, title, titleEnd) || hasEscapedNewline(b, text, textEnd);
        out.kind = ParsedLine.Kind.EVENT;
        return fields(b, textEnd, end, out, EVENT_FIELDS);
    }

    /**
     * The {@code |field} list from {@code p} (at a '|' or the end), in any order. A field this kind
     * of line does not know is skipped and counted in {@link ParsedLine#ignoredFields} (the
     * protocol gains fields; a newer client's line must not become a reject); a known field given
     * twice or malformed rejects the line. DogStatsD 1.5's {@code e:} and 1.6's {@code card:} are
     * known and not stored. A service check's {@code m:} runs to the end of the line, '|'
     * included, except for trailing known fields ({@link #messageEnd}).
     */
    private ParsedLine fields(byte[] b, int p, int end, ParsedLine out, int allowed) {
        int seen = 0;
        while (p < end) {
            int f = p + 1; // b[p] == '|'
            if (f < end) {
                // The common fields are known by their first byte alone: check it, then parse the
                // value in the same pass that finds the field's end.
                byte c = b[f];
                int common = c == '#' ? F_TAGS : c == '@' ? F_RATE : c == 'T' ? F_UNIX_T : 0;
                if (common != 0) {
                    if ((common & allowed) == 0) {
                        out.ignoredFields++;
                        p = Scan.find1(b, f, end, Scan.BARS);
                        continue;
                    }
                    if ((seen & common) != 0) {
                        return out.reject(BAD_FIELD, D_DUPLICATE_FIELD);
                    }
                    seen |= common;
                    p = common == F_TAGS
                            ? tags(b, f + 1, end, out)
                            : common == F_RATE ? rate(b, f + 1, end, out) : unixSeconds(b, f + 1, end, out);
                    if (p < 0) {
                        return out;
                    }
                    continue;
                }
            }
            int fe = Scan.find1(b, f, end, Scan.BARS);
            if (fe == f) {
                return out.reject(BAD_FIELD, D_EMPTY_FIELD);
            }
            byte c0 = b[f];
            boolean colon = f + 1 < fe && b[f + 1] == ':';
            int field; // '#', '@' and 'T' were taken above
            if (colon) {
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
                out.ignoredFields++;
                p = fe;
                continue;
            }
            if ((seen & field) != 0) {
                return out.reject(BAD_FIELD, D_DUPLICATE_FIELD);
            }
            seen |= field;
            int vs = f + 2;
            if (field == F_CARDINALITY) {
                vs = f + 5;
            } else if (field == F_MESSAGE) {
                // Kept as a slice now, checked after the fields that follow it, so the checks run
                // in the order of a line that put those fields before m:.
                fe = messageEnd(b, vs, end);
                out.messageOff = vs;
                out.messageLen = fe - vs;
                p = fe;
                continue;
            }
            if (!field(b, field, vs, fe, out)) {
                return out;
            }
            p = fe;
        }
        if (out.messageLen == 0) {
            return out.reject(BAD_FIELD, D_EMPTY_FIELD_VALUE);
        }
        return out;
    }

    /**
     * Where a service check's message that starts at {@code s} ends: at the first '|' after which
     * every field up to the end of the line is one that clients write after the message ({@code
     * c:}, {@code e:}, {@code card:}, {@code d:}, {@code h:}, {@code #}), else at the end of the line.
     * A '|' inside the message stays in it (the Java client, for one, writes the message before its
     * container id and does not escape '|'). Found from the right: one pass over the message.
     */
    private static int messageEnd(byte[] b, int s, int end) {
        int split = end;
        int q = end;
        for (int i = end - 1; i >= s; i--) {
            if (b[i] == '|') {
                if (!trailsMessage(b, i + 1, q)) {
                    break;
                }
                split = i;
                q = i;
            }
        }
        return split;
    }

    /** The field {@code [f, fe)} is one that may follow a service check's message. */
    private static boolean trailsMessage(byte[] b, int f, int fe) {
        if (f == fe) {
            return false;
        }
        byte c = b[f];
        if (c == '#') {
            return true;
        }
        if (fe - f >= 2 && b[f + 1] == ':') {
            return c == 'c' || c == 'e' || c == 'd' || c == 'h';
        }
        return isCardinality(b, f, fe);
    }

    /** [s, e) holds the two bytes {@code \n}: a line break, in an event's title or text. */
    private static boolean hasEscapedNewline(byte[] b, int s, int e) {
        for (int i = s + 1; i < e; i++) {
            if (b[i] == 'n' && b[i - 1] == '\\') {
                return true;
            }
        }
        return false;
    }

    private static boolean isCardinality(byte[] b, int f, int fe) {
        return fe - f >= 5 && b[f] == 'c' && b[f + 1] == 'a' && b[f + 2] == 'r' && b[f + 3] == 'd' && b[f + 4] == ':';
    }

    /** Stores one field's value {@code [s, e)}; false after rejecting the line. */
    private boolean field(byte[] b, int field, int s, int e, ParsedLine out) {
        switch (field) {
            case F_DATE -> {
                long ts = Numbers.parseUnsigned(b, s, e);
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

    /**
     * The {@code #a,b:c} list from {@code s} up to the next '|' or the end of the line; returns
     * where it ended, or -1 after rejecting the line.
     */
    private int tags(byte[] b, int s, int end, ParsedLine out) {
        int n = 0;
        while (true) {
            int q = Scan.find2(b, s, end, Scan.COMMAS, Scan.BARS);
            if (q == s) {
                if (n == 0 && (q == end || b[q] == '|')) {
                    return q; // "|#" alone: no tags (clients that fill a template send it)
                }
                out.reject(BAD_TAG, D_EMPTY_TAG);
                return -1;
            }
            if (n == maxTags) {
                out.reject(TOO_MANY_TAGS, D_TOO_MANY_TAGS);
                return -1;
            }
            Tags.ensureRoom(out, n);
            out.tagOff[n] = s;
            out.tagLen[n] = q - s;
            n++;
            if (q == end || b[q] == '|') {
                Tags.canonicalize(out, n);
                return q;
            }
            s = q + 1;
        }
    }

    /** The {@code @rate} value from {@code s}; returns where the field ended, or -1 after rejecting. */
    private int rate(byte[] b, int s, int end, ParsedLine out) {
        double r = decimal(b, s, end);
        int fe = stop;
        if (r != r || (fe < end && b[fe] != '|')) {
            fe = Scan.find1(b, s, end, Scan.BARS);
            r = Numbers.parseDouble(b, s, fe);
        }
        if (!(r > 0 && r <= 1)) {
            out.reject(BAD_SAMPLE_RATE, D_BAD_RATE);
            return -1;
        }
        out.rate = r;
        return fe;
    }

    /**
     * The {@code T} timestamp from {@code s}: 1 to 18 digits ({@link Numbers#parseUnsigned}) up to
     * the next '|' or the end; returns where the field ended, or -1 after rejecting.
     */
    private static int unixSeconds(byte[] b, int s, int end, ParsedLine out) {
        long v = 0;
        int p = s;
        int d;
        while (p < end && (d = b[p] - '0') >= 0 && d <= 9) {
            v = v * 10 + d;
            p++;
        }
        int n = p - s;
        boolean whole = p == end || b[p] == '|';
        if (!whole || n < 1 || n > 18 || v < 1 || v > MAX_UNIX_SECONDS) {
            out.reject(BAD_TIMESTAMP, D_BAD_TIMESTAMP);
            return -1;
        }
        out.timestamp = v;
        return p;
    }

    private static boolean equals(byte[] b, int s, int e, byte[] expected) {
        return Arrays.equals(b, s, e, expected, 0, expected.length);
    }
}
