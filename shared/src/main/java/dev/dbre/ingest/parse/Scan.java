package dev.dbre.ingest.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds delimiters in a byte slice 8 bytes at a time (SWAR). In a word x, a zero byte sets its high
 * bit in {@code (x - ONES) & ~x}; bits above a zero byte may be set too (the borrow), but the lowest
 * set bit is always exact, so XOR with the delimiter repeated and take the lowest bit. By hand
 * because the JDK has no indexOf on a byte[] slice for two delimiters, and the Vector API is still
 * incubating (it needs --add-modules at run time on Lambda).
 */
final class Scan {
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final long ONES = 0x0101010101010101L;
    static final long HIGHS = 0x8080808080808080L;

    static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
    static final long COLONS = ONES * ':';
    static final long BARS = ONES * '|';
    static final long COMMAS = ONES * ',';
    static final long SPACES = ONES * ' ';

    private Scan() {}

    /**
     * The index of the first byte in {@code [p, end)} equal to {@code a} or {@code b} (given also
     * as {@code a * ONES}, {@code b * ONES}), or {@code end}. Reads whole words while they fit in
     * the array, ignoring the bytes at or past {@code end}.
     */
    static int find2(byte[] buf, int p, int end, long aaaa, long bbbb) {
        int words = buf.length - 8;
        while (p < end) {
            if (p > words) {
                byte a = (byte) aaaa;
                byte b = (byte) bbbb;
                while (p < end && buf[p] != a && buf[p] != b) {
                    p++;
                }
                return p;
            }
            long v = (long) LONG_LE.get(buf, p);
            long x = v ^ aaaa;
            long y = v ^ bbbb;
            long found = (((x - ONES) & ~x) | ((y - ONES) & ~y)) & HIGHS;
            if (found != 0) {
                return Math.min(p + (Long.numberOfTrailingZeros(found) >>> 3), end);
            }
            p += 8;
        }
        return end;
    }

    /** {@link #find2} for one delimiter. */
    static int find1(byte[] buf, int p, int end, long aaaa) {
        int words = buf.length - 8;
        while (p < end) {
            if (p > words) {
                byte a = (byte) aaaa;
                while (p < end && buf[p] != a) {
                    p++;
                }
                return p;
            }
            long v = (long) LONG_LE.get(buf, p);
            long x = v ^ aaaa;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return Math.min(p + (Long.numberOfTrailingZeros(found) >>> 3), end);
            }
            p += 8;
        }
        return end;
    }

    /**
     * Like {@link #find2}, but also stops at any control byte (below 0x20: '\n', '\r', '\t',
     * NUL...) or byte >= 0x80, so one pass both finds the delimiter and proves the bytes before it
     * plain ASCII (DEL, 0x7f, passes: valid UTF-8 and storable, as on the checked path). For the fast path of a line whose end is not known yet: the caller
     * checks which byte it stopped at. (A byte below 0x20 sets its high bit in {@code (v -
     * 0x20 * ONES) & ~v}, the lowest such bit exactly, like a zero byte.)
     */
    static int findPlain2(byte[] buf, int p, int end, long aaaa, long bbbb) {
        int words = buf.length - 8;
        while (p < end) {
            if (p > words) {
                byte a = (byte) aaaa;
                byte b = (byte) bbbb;
                byte c;
                while (p < end && (c = buf[p]) != a && c != b && c >= 0x20) {
                    p++;
                }
                return p;
            }
            long v = (long) LONG_LE.get(buf, p);
            long x = v ^ aaaa;
            long y = v ^ bbbb;
            long found = (((x - ONES) & ~x) | ((y - ONES) & ~y) | ((v - SPACES) & ~v) | v) & HIGHS;
            if (found != 0) {
                return Math.min(p + (Long.numberOfTrailingZeros(found) >>> 3), end);
            }
            p += 8;
        }
        return end;
    }
}
