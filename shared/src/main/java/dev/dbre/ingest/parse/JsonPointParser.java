package dev.dbre.ingest.parse;

import static dev.dbre.ingest.RejectReason.BAD_JSON;
import static dev.dbre.ingest.RejectReason.BAD_SAMPLE_RATE;
import static dev.dbre.ingest.RejectReason.BAD_TAG;
import static dev.dbre.ingest.RejectReason.BAD_TIMESTAMP;
import static dev.dbre.ingest.RejectReason.BAD_UTF8;
import static dev.dbre.ingest.RejectReason.BAD_VALUE;
import static dev.dbre.ingest.RejectReason.EMPTY_NAME;
import static dev.dbre.ingest.RejectReason.LINE_TOO_LONG;
import static dev.dbre.ingest.RejectReason.NAME_TOO_LONG;
import static dev.dbre.ingest.RejectReason.TOO_MANY_TAGS;
import static dev.dbre.ingest.RejectReason.UNKNOWN_TYPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dbre.ingest.MetricType;
import dev.dbre.ingest.ParsedLine;
import dev.dbre.ingest.RejectReason;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Parses JSON points: one object, an array of objects, or several root values one after another
 * (newline-delimited JSON), each object {@code {"name","value","type","tags","ts","rate",
 * "container","host"}} as described in {@code docs/ingest-format.md}.
 *
 * <p>Uses Jackson's streaming parser (no tree per object). The UTF-8 bytes of every text field and
 * of the object itself are copied into one reusable scratch buffer that the delivered {@link
 * ParsedLine#buf} points at, so the sink reads slices exactly as for DogStatsD. A rejected object
 * points at its own bytes in the payload instead. Not thread-safe.
 */
public final class JsonPointParser {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Above this a numeric {@code ts} is epoch milliseconds: 1e11 s is the year 5138, 1e11 ms is 1973. */
    static final double EPOCH_MILLIS_ABOVE = 1e11;

    static final String D_NOT_OBJECT = "array element is not a JSON object";
    static final String D_MALFORMED = "malformed JSON; the rest of the document is kept as this one reject";
    static final String D_NAME_TYPE = "\"name\" is not a string";
    static final String D_NO_NAME = "\"name\" is missing or empty";
    static final String D_NO_VALUE = "\"value\" is missing";
    static final String D_VALUE_TYPE = "\"value\" is not a number, a numeric string or an array of numbers";
    static final String D_SET_PACKED = "a set's \"value\" cannot be an array";
    static final String D_TYPE =
            "\"type\" is not one of c, g, ms, h, d, s (or count, gauge, timer, histogram, distribution, set)";
    static final String D_TAGS = "\"tags\" is not an object of scalars or an array of non-empty strings";
    static final String D_TS = "\"ts\" is not an ISO-8601 instant with offset, or epoch seconds/milliseconds in range";
    static final String D_RATE = "\"rate\" is not a number in (0, 1]";
    static final String D_TEXT_TYPE = "\"container\" or \"host\" is not a string";
    static final String D_BAD_TEXT = "a string has an unpaired surrogate or a NUL character";

    private final ParseLimits limits;
    private byte[] scratch = new byte[4096];
    private int used;

    // State of the element being read; flushed into the ParsedLine at its end.
    private RejectReason error;
    private String errorDetail;
    private boolean hasValue;
    private boolean valueIsArray;
    private int valueTextOff;
    private int valueTextLen;
    private boolean inConsumer;
    private boolean elementOpen;

    public JsonPointParser(ParseLimits limits) {
        this.limits = limits;
    }

    /**
     * Parses {@code [off, off+len)} of payload and calls consumer once per object (in order), with
     * {@code lineNumber} the object's 1-based position. A bad object becomes a reject of its own; a
     * malformed document ends with one BAD_JSON reject covering the rest. Never throws on any
     * content (exceptions thrown by the consumer pass through).
     *
     * @return the number of lines delivered
     */
    public int parse(byte[] payload, int off, int len, ParsedLine out, LineConsumer consumer) {
        int delivered = 0;
        int element = 0;
        elementOpen = false;
        inConsumer = false;
        int restStart = off; // where a malformed document's reject starts
        int end = off + len;
        try (JsonParser p = FACTORY.createParser(payload, off, len)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.START_ARRAY) {
                    restStart = off + (int) p.currentTokenLocation().getByteOffset();
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                        restStart = off + (int) p.currentTokenLocation().getByteOffset();
                        element(p, t, payload, off, restStart, ++element, out);
                        deliver(out, consumer);
                        delivered++;
                        restStart = off + (int) p.currentLocation().getByteOffset();
                    }
                } else {
                    restStart = off + (int) p.currentTokenLocation().getByteOffset();
                    element(p, t, payload, off, restStart, ++element, out);
                    deliver(out, consumer);
                    delivered++;
                    restStart = off + (int) p.currentLocation().getByteOffset();
                }
            }
        } catch (IOException | RuntimeException e) {
            if (inConsumer) {
                inConsumer = false;
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            int s = Math.min(Math.max(restStart, off), end);
            // the object being read when the document broke, or the next one if between objects
            out.reset(payload, elementOpen ? element : element + 1, s, end - s);
            out.reject(BAD_JSON, D_MALFORMED);
            deliver(out, consumer);
            delivered++;
        }
        return delivered;
    }

    private void deliver(ParsedLine out, LineConsumer consumer) {
        elementOpen = false;
        inConsumer = true;
        consumer.accept(out);
        inConsumer = false;
    }

    /** Reads one root value or array element, starting at token {@code t}, into {@code out}. */
    private void element(JsonParser p, JsonToken t, byte[] payload, int base, int start, int lineNo, ParsedLine out)
            throws IOException {
        elementOpen = true;
        used = 0;
        error = null;
        errorDetail = null;
        hasValue = false;
        valueIsArray = false;
        valueTextLen = -1;
        out.reset(scratch, lineNo, 0, 0);
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            p.finishToken();
            int stop = base + (int) p.currentLocation().getByteOffset();
            out.reset(payload, lineNo, start, stop - start);
            out.reject(BAD_JSON, D_NOT_OBJECT);
            return;
        }
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            t = p.nextToken();
            if (error != null || t == JsonToken.VALUE_NULL) {
                p.skipChildren();
                continue;
            }
            switch (field) {
                case "name" -> name(p, t, out);
                case "value" -> value(p, t, out);
                case "type" -> type(p, t, out);
                case "tags" -> tags(p, t, out);
                case "ts" -> timestamp(p, t, out);
                case "rate" -> rate(p, t, out);
                case "container" -> {
                    if (text(p, t)) {
                        out.containerOff = valueOff;
                        out.containerLen = valueLen;
                    }
                }
                case "host" -> {
                    if (text(p, t)) {
                        out.hostOff = valueOff;
                        out.hostLen = valueLen;
                    }
                }
                default -> p.skipChildren(); // unknown fields are ignored: JSON producers add their own
            }
        }
        int stop = base + (int) p.currentLocation().getByteOffset();
        finish(payload, start, stop, out);
    }

    private void finish(byte[] payload, int start, int stop, ParsedLine out) {
        int lineLen = stop - start;
        RejectReason why = error;
        String detail = errorDetail;
        if (why == null) {
            if (lineLen > limits.maxLineBytes()) {
                why = LINE_TOO_LONG;
                detail = DogStatsdParser.D_LINE_TOO_LONG;
            } else if (out.nameLen <= 0) {
                why = EMPTY_NAME;
                detail = D_NO_NAME;
            } else if (out.nameLen > limits.maxNameBytes()) {
                why = NAME_TOO_LONG;
                detail = DogStatsdParser.D_NAME_TOO_LONG;
            } else if (!hasValue) {
                why = BAD_VALUE;
                detail = D_NO_VALUE;
            } else {
                if (out.type == null) {
                    out.type = MetricType.GAUGE; // the documented default: a reading of a level
                }
                if (out.type == MetricType.SET) {
                    if (valueIsArray) {
                        why = BAD_VALUE;
                        detail = D_SET_PACKED;
                    } else if (valueTextLen <= 0) {
                        why = BAD_VALUE;
                        detail = DogStatsdParser.D_EMPTY_MEMBER;
                    } else {
                        out.memberOff = valueTextOff;
                        out.memberLen = valueTextLen;
                        out.valueCount = 0;
                    }
                } else if (!valueIsArray && out.valueCount == 0) {
                    // the value came as a string: it must hold a number
                    double v = Numbers.parseDouble(scratch, valueTextOff, valueTextOff + Math.max(valueTextLen, 0));
                    if (!(Math.abs(v) <= Double.MAX_VALUE)) {
                        why = BAD_VALUE;
                        detail = D_VALUE_TYPE;
                    } else {
                        out.values[0] = v;
                        out.valueCount = 1;
                    }
                }
            }
        }
        if (why != null) {
            out.reset(payload, out.lineNumber, start, lineLen);
            out.reject(why, detail);
            return;
        }
        ensure(lineLen);
        System.arraycopy(payload, start, scratch, used, lineLen);
        out.buf = scratch;
        out.lineOff = used;
        out.lineLen = lineLen;
        used += lineLen;
        Tags.canonicalize(out, out.tagCount);
        out.kind = ParsedLine.Kind.METRIC;
    }

    private void fail(JsonParser p, RejectReason why, String detail) throws IOException {
        if (error == null) {
            error = why;
            errorDetail = detail;
        }
        p.skipChildren();
    }

    private void name(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            fail(p, BAD_JSON, D_NAME_TYPE);
        } else if (copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
            out.nameOff = valueOff;
            out.nameLen = valueLen;
        }
    }

    private void value(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        hasValue = true;
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            if (!number(p, 0, out)) {
                return;
            }
            copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            valueTextOff = valueOff;
            valueTextLen = valueLen;
            out.valueCount = 1;
        } else if (t == JsonToken.VALUE_STRING) {
            if (copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                valueTextOff = valueOff;
                valueTextLen = valueLen;
            }
        } else if (t == JsonToken.START_ARRAY) {
            valueIsArray = true;
            int n = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    fail(p, BAD_VALUE, D_VALUE_TYPE);
                    skipRest(p);
                    return;
                }
                if (n == limits.maxPackedValues()) {
                    fail(p, BAD_VALUE, DogStatsdParser.D_TOO_MANY_VALUES);
                    skipRest(p);
                    return;
                }
                if (!number(p, n, out)) {
                    skipRest(p);
                    return;
                }
                n++;
            }
            if (n == 0) {
                fail(p, BAD_VALUE, D_VALUE_TYPE);
            }
            out.valueCount = n;
        } else {
            fail(p, BAD_VALUE, D_VALUE_TYPE);
        }
    }

    /** Skips to the end of the array the parser is inside. */
    private static void skipRest(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            p.skipChildren();
        }
    }

    private boolean number(JsonParser p, int i, ParsedLine out) throws IOException {
        double v = p.getDoubleValue();
        if (!(Math.abs(v) <= Double.MAX_VALUE)) {
            fail(p, BAD_VALUE, DogStatsdParser.D_NOT_A_NUMBER);
            return false;
        }
        if (i == out.values.length) {
            out.values = Arrays.copyOf(out.values, Math.min(limits.maxPackedValues(), i * 2));
        }
        out.values[i] = v;
        return true;
    }

    private void type(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        MetricType type = null;
        if (t == JsonToken.VALUE_STRING) {
            type = switch (p.getText()) {
                case "c", "count" -> MetricType.COUNT;
                case "g", "gauge" -> MetricType.GAUGE;
                case "ms", "timer" -> MetricType.TIMER;
                case "h", "histogram" -> MetricType.HISTOGRAM;
                case "d", "distribution" -> MetricType.DISTRIBUTION;
                case "s", "set" -> MetricType.SET;
                default -> null;
            };
        }
        if (type == null) {
            fail(p, UNKNOWN_TYPE, D_TYPE);
        } else {
            out.type = type;
        }
    }

    private void tags(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        int n = 0;
        if (t == JsonToken.START_OBJECT) {
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                t = p.nextToken();
                if (!t.isScalarValue()) {
                    fail(p, BAD_TAG, D_TAGS);
                    continue;
                }
                if (error != null) {
                    continue;
                }
                int start = used;
                if (!copyString(key)) {
                    fail(p, BAD_UTF8, D_BAD_TEXT);
                    continue;
                }
                if (t != JsonToken.VALUE_NULL) {
                    ensure(1);
                    scratch[used++] = ':';
                    if (!copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                        continue;
                    }
                }
                n = addTag(p, out, n, start);
            }
        } else if (t == JsonToken.START_ARRAY) {
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_STRING) {
                    fail(p, BAD_TAG, D_TAGS);
                    continue;
                }
                if (error != null) {
                    continue;
                }
                int start = used;
                if (copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength())) {
                    n = addTag(p, out, n, start);
                }
            }
        } else {
            fail(p, BAD_TAG, D_TAGS);
        }
        if (error == null) {
            out.tagCount = n;
        }
    }

    private int addTag(JsonParser p, ParsedLine out, int n, int start) throws IOException {
        if (used == start) {
            fail(p, BAD_TAG, DogStatsdParser.D_EMPTY_TAG);
            return n;
        }
        if (n == limits.maxTags()) {
            fail(p, TOO_MANY_TAGS, DogStatsdParser.D_TOO_MANY_TAGS);
            return n;
        }
        Tags.ensureRoom(out, n);
        out.tagOff[n] = start;
        out.tagLen[n] = used - start;
        return n + 1;
    }

    private void timestamp(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        long seconds = -1;
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            double v = p.getDoubleValue();
            if (v >= EPOCH_MILLIS_ABOVE) {
                v = v / 1000.0;
            }
            if (v >= 1 && v <= DogStatsdParser.MAX_UNIX_SECONDS) {
                seconds = (long) Math.floor(v);
            }
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                Instant at = Instant.from(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(p.getText()));
                long s = at.getEpochSecond();
                seconds = s >= 1 && s <= DogStatsdParser.MAX_UNIX_SECONDS ? s : -1;
            } catch (DateTimeParseException | ArithmeticException e) {
                seconds = -1;
            }
        }
        if (seconds < 0) {
            fail(p, BAD_TIMESTAMP, D_TS);
        } else {
            out.timestamp = seconds;
        }
    }

    private void rate(JsonParser p, JsonToken t, ParsedLine out) throws IOException {
        double r = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT ? p.getDoubleValue() : -1;
        if (!(r > 0 && r <= 1)) {
            fail(p, BAD_SAMPLE_RATE, D_RATE);
        } else {
            out.rate = r;
        }
    }

    // --- copying text into the scratch buffer ----------------------------------------------------

    private int valueOff;
    private int valueLen;

    /** Copies a string token into scratch (valueOff/valueLen); false (and fails) if not a string. */
    private boolean text(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            fail(p, BAD_JSON, D_TEXT_TYPE);
            return false;
        }
        return copyChars(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    private boolean copyString(String s) {
        return copyChars(s.toCharArray(), 0, s.length());
    }

    /**
     * Encodes chars as UTF-8 into scratch, setting valueOff/valueLen. By hand because Jackson hands
     * out chars and the JDK's encoders would need a String or a CharBuffer per field. False (and
     * records BAD_UTF8) on an unpaired surrogate or U+0000, which PostgreSQL text cannot hold.
     */
    private boolean copyChars(char[] c, int off, int len) {
        ensure(len * 3);
        byte[] b = scratch;
        int w = used;
        int end = off + len;
        for (int i = off; i < end; i++) {
            char ch = c[i];
            if (ch < 0x80 && ch != 0) {
                b[w++] = (byte) ch;
            } else if (ch == 0) {
                return badText();
            } else if (ch < 0x800) {
                b[w++] = (byte) (0xc0 | (ch >> 6));
                b[w++] = (byte) (0x80 | (ch & 0x3f));
            } else if (Character.isSurrogate(ch)) {
                if (!Character.isHighSurrogate(ch) || i + 1 >= end || !Character.isLowSurrogate(c[i + 1])) {
                    return badText();
                }
                int cp = Character.toCodePoint(ch, c[++i]);
                b[w++] = (byte) (0xf0 | (cp >> 18));
                b[w++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[w++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[w++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                b[w++] = (byte) (0xe0 | (ch >> 12));
                b[w++] = (byte) (0x80 | ((ch >> 6) & 0x3f));
                b[w++] = (byte) (0x80 | (ch & 0x3f));
            }
        }
        valueOff = used;
        valueLen = w - used;
        used = w;
        return true;
    }

    private boolean badText() {
        if (error == null) {
            error = BAD_UTF8;
            errorDetail = D_BAD_TEXT;
        }
        return false;
    }

    /**
     * Bytes held by the reusable scratch buffer: it grows to about three times the longest string
     * read (UTF-8 room for every char) and is kept for the next document.
     */
    public long retainedBytes() {
        return scratch.length;
    }

    private void ensure(int more) {
        if (used + more > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, used + more));
        }
    }
}
