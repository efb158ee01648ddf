package dev.dbre.ingest.parse.reference;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * UTF-8 checks on a byte slice. By hand because the JDK's decoders produce chars (allocation and a
 * second pass) while we only need a yes/no per line; almost every line is ASCII, which is checked 8
 * bytes at a time.
 */
final class RefUtf8 {
    static final int OK = 0;
    static final int INVALID = 1;
    /** PostgreSQL text cannot hold U+0000, so a line with a NUL byte could never be stored. */
    static final int NUL = 2;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private RefUtf8() {}

    /** OK, INVALID or NUL for {@code [off, off+len)}. */
    static int check(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        long acc = 0;
        // A byte >= 0x80 sets its high bit in v; a zero byte sets it in (v - ONES) & ~v.
        for (; i + 8 <= end; i += 8) {
            long v = (long) LONG_LE.get(b, i);
            acc |= v | ((v - ONES) & ~v);
        }
        boolean plain = (acc & HIGHS) == 0;
        for (; plain && i < end; i++) {
            plain = b[i] > 0;
        }
        return plain ? OK : full(b, off, end);
    }

    /** Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing above U+10FFFF. */
    private static int full(byte[] b, int i, int end) {
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == 0) {
                    return NUL;
                }
                i++;
                continue;
            }
            int need;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                need = 1;
                min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                need = 2;
                min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                need = 3;
                min = 0x10000;
            } else {
                return INVALID;
            }
            if (i + need >= end) {
                return INVALID; // truncated sequence
            }
            int cp = c & (0x3f >> need);
            for (int k = 1; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return INVALID;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return INVALID;
            }
            i += need + 1;
        }
        return OK;
    }
}
