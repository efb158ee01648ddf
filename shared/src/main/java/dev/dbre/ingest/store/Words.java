package dev.dbre.ingest.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Word-at-a-time helpers for the aggregation hot path: a name or tag is a few bytes to a few dozen,
 * so reading eight at a time (one unaligned load) instead of one per step is what makes hashing,
 * comparing and the NUL check cheap per line.
 */
final class Words {
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** The 64-bit multiplier of the hash's mixing step (from MurmurHash3's finalizer). */
    private static final long MIX = 0xff51afd7ed558ccdL;

    private Words() {}

    /**
     * Bytes {@code [off, off+len)} of {@code b} as a little-endian word, the bytes above {@code len}
     * zero; {@code len} in 0..8. One load when eight bytes from {@code off} are inside the array.
     */
    static long partial(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (off + 8 <= b.length) {
            return (long) LONG_LE.get(b, off) & (-1L >>> (64 - 8 * len));
        }
        long w = 0;
        for (int i = len - 1; i >= 0; i--) {
            w = (w << 8) | (b[off + i] & 0xffL);
        }
        return w;
    }

    /** Folds bytes {@code [off, off+len)} of {@code b} into {@code h}, eight at a time. */
    static long hash(long h, byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        for (; p + 8 <= end; p += 8) {
            h = (h ^ (long) LONG_LE.get(b, p)) * MIX;
            h ^= h >>> 29;
        }
        // The tail (and the length, so "a" + "bc" and "ab" + "c" differ).
        h = (h ^ partial(b, p, end - p) ^ ((long) len << 56)) * MIX;
        return h ^ (h >>> 29);
    }

    /** True when bytes {@code [off, off+len)} of {@code b} hold a 0 byte; an absent field ({@code len < 0}) holds none. */
    static boolean hasNul(byte[] b, int off, int len) {
        int end = off + len;
        int p = off;
        for (; p + 8 <= end; p += 8) {
            long w = (long) LONG_LE.get(b, p);
            if (((w - ONES) & ~w & HIGHS) != 0) {
                return true;
            }
        }
        int tail = end - p;
        if (tail <= 0) {
            return false;
        }
        // The bytes above the tail set to 0xff, so that only the tail's own bytes can be 0.
        long w = partial(b, p, tail) | (-1L << (8 * tail));
        return ((w - ONES) & ~w & HIGHS) != 0;
    }

    /** True when {@code a[aOff, aOff+len)} and {@code b[bOff, bOff+len)} hold the same bytes. */
    static boolean equal(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            if ((long) LONG_LE.get(a, aOff + i) != (long) LONG_LE.get(b, bOff + i)) {
                return false;
            }
        }
        return partial(a, aOff + i, len - i) == partial(b, bOff + i, len - i);
    }
}
