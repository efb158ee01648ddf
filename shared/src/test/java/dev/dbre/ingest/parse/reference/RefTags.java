package dev.dbre.ingest.parse.reference;

import dev.dbre.ingest.ParsedLine;
import java.util.Arrays;

/**
 * Puts a line's tags in canonical order: sorted by unsigned bytes, duplicates removed. Sorts the
 * offset/length arrays in place, so nothing is allocated: insertion sort for the usual handful of
 * tags, heapsort above that so a configured limit of thousands stays O(n log n).
 */
final class RefTags {
    private static final int INSERTION_MAX = 24;

    private RefTags() {}

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
        byte[] b = out.buf;
        int[] off = out.tagOff;
        int[] len = out.tagLen;
        if (n > 1) {
            if (n <= INSERTION_MAX) {
                insertionSort(b, off, len, n);
            } else {
                heapSort(b, off, len, n);
            }
            int w = 1;
            for (int i = 1; i < n; i++) {
                if (compare(b, off[w - 1], len[w - 1], off[i], len[i]) != 0) {
                    off[w] = off[i];
                    len[w] = len[i];
                    w++;
                }
            }
            n = w;
        }
        out.tagCount = n;
        return n;
    }

    private static void insertionSort(byte[] b, int[] off, int[] len, int n) {
        for (int i = 1; i < n; i++) {
            int o = off[i];
            int l = len[i];
            int j = i - 1;
            while (j >= 0 && compare(b, off[j], len[j], o, l) > 0) {
                off[j + 1] = off[j];
                len[j + 1] = len[j];
                j--;
            }
            off[j + 1] = o;
            len[j + 1] = l;
        }
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
