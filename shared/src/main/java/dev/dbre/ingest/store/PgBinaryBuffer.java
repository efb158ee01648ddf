package dev.dbre.ingest.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte buffer that encodes rows in PostgreSQL's binary COPY format
 * (https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4).
 *
 * <p>Why binary and why by hand: the binary format lets the server skip parsing text for every
 * float, timestamp and array (a large part of a text COPY's server time), and lets us write the
 * parser's UTF-8 slices straight into the stream without making a String per field. PgJDBC
 * offers the COPY protocol ({@code CopyManager}) but no binary row encoder, so this class is the
 * encoder: big-endian integers, IEEE doubles, timestamps as microseconds since 2000-01-01, and
 * one-dimensional {@code text[]} in the array wire format ({@code array_recv}).
 *
 * <p>Not thread-safe; reused across rows and flushed in chunks.
 */
final class PgBinaryBuffer {
    /** Unix seconds of PostgreSQL's epoch, 2000-01-01T00:00:00Z. */
    static final long PG_EPOCH_UNIX_SECONDS = 946_684_800L;

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final int TEXT_OID = 25;
    // Big-endian stores in one instruction each, instead of byte-by-byte shifts.
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf;
    private int pos;

    PgBinaryBuffer(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int size() {
        return pos;
    }

    int capacity() {
        return buf.length;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        pos = 0;
    }

    /** The 19-byte file header: signature, flags (no OIDs), no header extension. */
    void header() {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buf, pos, SIGNATURE.length);
        pos += SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    /** The file trailer: a field count of -1. */
    void trailer() {
        int16(-1);
    }

    /** Starts a tuple of {@code fields} columns. */
    void tuple(int fields) {
        int16(fields);
    }

    void nullField() {
        int32(-1);
    }

    void int16Field(int v) {
        ensure(6);
        putInt(2);
        putShort(v);
    }

    void int32Field(int v) {
        ensure(8);
        putInt(4);
        putInt(v);
    }

    void int64Field(long v) {
        ensure(12);
        putInt(8);
        putLong(v);
    }

    void float8Field(double v) {
        int64Field(Double.doubleToRawLongBits(v));
    }

    /** A timestamptz given as microseconds since the PostgreSQL epoch. */
    void timestampField(long pgMicros) {
        int64Field(pgMicros);
    }

    /** A text (or bytea) field from a slice of UTF-8 bytes; NULL when {@code len < 0}. */
    void bytesField(byte[] src, int off, int len) {
        if (len < 0) {
            nullField();
            return;
        }
        ensure(4 + len);
        putInt(len);
        System.arraycopy(src, off, buf, pos, len);
        pos += len;
    }

    /**
     * A text field from a slice in which each two bytes {@code \n} become one line break (an
     * event's title and text); null when len &lt; 0.
     */
    void unescapedNewlinesField(byte[] src, int off, int len) {
        if (len < 0) {
            nullField();
            return;
        }
        ensure(4 + len);
        int lenAt = pos;
        pos += 4;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = src[i];
            if (c == '\\' && i + 1 < end && src[i + 1] == 'n') {
                c = '\n';
                i++;
            }
            buf[pos++] = c;
        }
        INT.set(buf, lenAt, pos - lenAt - 4);
    }

    /** A text field from an ASCII constant (codes, reasons): no String-to-bytes allocation. */
    void asciiField(byte[] ascii) {
        bytesField(ascii, 0, ascii.length);
    }

    /** A one-dimensional {@code text[]} of {@code count} non-null slices of {@code src}. */
    void textArrayField(byte[] src, int[] offs, int[] lens, int count) {
        if (count == 0) {
            ensure(16);
            putInt(12);
            putInt(0); // ndim 0: the empty array
            putInt(0); // no nulls
            putInt(TEXT_OID);
            return;
        }
        int total = 20;
        for (int i = 0; i < count; i++) {
            total += 4 + lens[i];
        }
        ensure(4 + total);
        putInt(total);
        putInt(1); // ndim
        putInt(0); // has nulls
        putInt(TEXT_OID);
        putInt(count); // dimension size
        putInt(1); // lower bound
        for (int i = 0; i < count; i++) {
            putInt(lens[i]);
            System.arraycopy(src, offs[i], buf, pos, lens[i]);
            pos += lens[i];
        }
    }

    private void int16(int v) {
        ensure(2);
        putShort(v);
    }

    private void int32(int v) {
        ensure(4);
        putInt(v);
    }

    private void putShort(int v) {
        SHORT.set(buf, pos, (short) v);
        pos += 2;
    }

    private void putInt(int v) {
        INT.set(buf, pos, v);
        pos += 4;
    }

    private void putLong(long v) {
        LONG.set(buf, pos, v);
        pos += 8;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
