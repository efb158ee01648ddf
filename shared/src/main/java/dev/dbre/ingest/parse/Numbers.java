package dev.dbre.ingest.parse;

import java.nio.charset.StandardCharsets;

/**
 * Decimal numbers read straight from UTF-8 bytes. Written by hand because {@link
 * Double#parseDouble} needs a String per value, which would be one allocation per value on the
 * hot path; anything outside the exact fast path still goes through {@code Double.parseDouble},
 * so every result equals Java's own parse.
 */
final class Numbers {
    /** 10^0 .. 10^22: every one exactly representable as a double. */
    static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22
    };

    static final long TWO_POW_53 = 1L << 53;

    private Numbers() {}

    /**
     * Parses {@code [s, e)} as {@code [+|-](digits[.digits*] | .digits)[(e|E)[+|-]digits]} and
     * returns its value, or NaN when the bytes are not such a number (so "NaN", "Infinity", hex,
     * blanks and Java's {@code d}/{@code f} suffixes are refused). May return an infinity when the
     * exponent overflows; callers reject non-finite values.
     */
    static double parseDouble(byte[] b, int s, int e) {
        int p = s;
        if (p >= e) {
            return Double.NaN;
        }
        boolean neg = false;
        byte c = b[p];
        if (c == '-') {
            neg = true;
            p++;
        } else if (c == '+') {
            p++;
        }
        long m = 0;
        int intStart = p;
        while (p < e) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            m = m * 10 + d; // may wrap past 18 digits; then the digit count sends us to the slow path
            p++;
        }
        int digits = p - intStart;
        int fracDigits = 0;
        if (p < e && b[p] == '.') {
            p++;
            int fracStart = p;
            while (p < e) {
                int d = b[p] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                m = m * 10 + d;
                p++;
            }
            fracDigits = p - fracStart;
            digits += fracDigits;
        }
        if (digits == 0) {
            return Double.NaN;
        }
        if (p == e) {
            // Clinger's fast path: an integer mantissa below 2^53 and a power of ten up to 10^22
            // are both exact doubles, so one IEEE division is the correctly rounded result.
            if (digits <= 18 && m <= TWO_POW_53) {
                double d = fracDigits == 0 ? (double) m : (double) m / POW10[fracDigits];
                return neg ? -d : d;
            }
            return slow(b, s, e);
        }
        c = b[p];
        if (c != 'e' && c != 'E') {
            return Double.NaN;
        }
        p++;
        if (p < e && (b[p] == '+' || b[p] == '-')) {
            p++;
        }
        int expStart = p;
        while (p < e && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        if (p == expStart || p != e) {
            return Double.NaN;
        }
        return slow(b, s, e);
    }

    /** Exponents and long mantissas: rare, so one String is fine here. The grammar is checked. */
    private static double slow(byte[] b, int s, int e) {
        try {
            return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException impossible) {
            return Double.NaN;
        }
    }

    /**
     * Parses {@code [s, e)} as an unsigned decimal integer of 1 to 18 digits; -1 if it is not one.
     */
    static long parseUnsigned(byte[] b, int s, int e) {
        int n = e - s;
        if (n < 1 || n > 18) {
            return -1;
        }
        long v = 0;
        for (int p = s; p < e; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
