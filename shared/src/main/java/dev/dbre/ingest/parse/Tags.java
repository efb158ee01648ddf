package dev.dbre.ingest.parse;

import dev.dbre.ingest.ParsedLine;
import java.util.Arrays;

/**
 * Puts a line's tags in canonical order: sorted by unsigned bytes, duplicates removed. Sorts the
 * offset/length arrays in place, so nothing is allocated: insertion sort for the usual handful of
 * tags, heapsort above that so a configured limit of thousands stays O(n log n).
 */
final class Tags {
    private static final int INSERTION_MAX = 24;

    private Tags() {}

    /** Makes room for one more tag in {@code out}, growing its arrays only when full. */
    static void ensureRoom(ParsedLine out, int count) {
        if (count == out.tagOff.length) {
            int n = Math.max(16, count * 2);
            out.tagOff = Arrays.copyOf(out.tagOff, n);
            out.tagLen = Arrays.copyOf(out.tagLen, n);
        }
    }

    /** Sorts and de-duplicates the first {@code n} tags of {@code out}; sets and returns tagCount. */
    static int canonicalize(ParsedLine out, int n) {
        if (n == 2) {
            n = orderTwo(out.buf, out.tagOff, out.tagLen); // the usual case: one compare, no loops
        } else if (n > 2) {
            n = n <= INSERTION_MAX ? insertUnique(out.buf, out.tagOff, out.tagLen, n) : sortThenDedupe(out, n);
        }
        out.tagCount = n;
        return n;
    }

    private static int orderTwo(byte[] b, int[] off, int[] len) {
        int o0 = off[0];
        int o1 = off[1];
        int l0 = len[0];
        int l1 = len[1];
        // Distinct tags mostly differ in their first byte: settle that without the loop.
        int c = l0 > 0 && l1 > 0 ? (b[o0] & 0xff) - (b[o1] & 0xff) : 0;
        if (c == 0) {
            c = compare(b, o0, l0, o1, l1);
        }
        if (c > 0) {
            off[0] = o1;
            len[0] = l1;
            off[1] = o0;
            len[1] = l0;
        }
        return c == 0 ? 1 : 2;
    }

    /**
     * Insertion sort that drops a tag equal to one already placed, in the same compares: the
     * usual one or two tags cost one compare. Keeps the first of equal tags (the sort is stable).
     */
    private static int insertUnique(byte[] b, int[] off, int[] len, int n) {
        int w = 1;
        next:
        for (int i = 1; i < n; i++) {
            int o = off[i];
            int l = len[i];
            int j = w - 1;
            while (j >= 0) {
                int c = compare(b, off[j], len[j], o, l);
                if (c == 0) {
                    continue next;
                }
                if (c < 0) {
                    break;
                }
                j--;
            }
            for (int k = w - 1; k > j; k--) {
                off[k + 1] = off[k];
                len[k + 1] = len[k];
            }
            off[j + 1] = o;
            len[j + 1] = l;
            w++;
        }
        return w;
    }

    private static int sortThenDedupe(ParsedLine out, int n) {
        byte[] b = out.buf;
        int[] off = out.tagOff;
        int[] len = out.tagLen;
        heapSort(b, off, len, n);
        int w = 1;
        for (int i = 1; i < n; i++) {
            if (compare(b, off[w - 1], len[w - 1], off[i], len[i]) != 0) {
                off[w] = off[i];
                len[w] = len[i];
                w++;
            }
        }
        return w;
    }

    private static void heapSort(byte[] b, int[] off, int[] len, int n) {
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(b, off, len, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            swap(off, len, 0, end);
            siftDown(b, off, len, 0, end);
        }
    }

    private static void siftDown(byte[] b, int[] off, int[] len, int i, int n) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                return;
            }
            if (child + 1 < n && compare(b, off[child], len[child], off[child + 1], len[child + 1]) < 0) {
                child++;
            }
            if (compare(b, off[i], len[i], off[child], len[child]) >= 0) {
                return;
            }
            swap(off, len, i, child);
            i = child;
        }
    }

    private static void swap(int[] off, int[] len, int i, int j) {
        int o = off[i];
        off[i] = off[j];
        off[j] = o;
        int l = len[i];
        len[i] = len[j];
        len[j] = l;
    }

    /** Unsigned byte order, a shorter prefix first: the order PostgreSQL's C collation gives. */
    static int compare(byte[] b, int o1, int l1, int o2, int l2) {
        int n = Math.min(l1, l2);
        for (int i = 0; i < n; i++) {
            int d = (b[o1 + i] & 0xff) - (b[o2 + i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        return l1 - l2;
    }
}
