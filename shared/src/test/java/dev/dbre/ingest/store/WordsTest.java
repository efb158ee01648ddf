package dev.dbre.ingest.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The word-at-a-time helpers give the byte-at-a-time answers, at every length and offset. */
class WordsTest {
    private final Random random = new Random(7);

    @Test
    void hasNul_findsAZeroByteAtEveryPosition_andNoneOutsideTheSlice() {
        for (int len = 0; len <= 24; len++) {
            for (int off = 0; off < 9; off++) {
                byte[] b = randomNonZero(off + len + 9);
                assertThat(Words.hasNul(b, off, len)).isFalse();
                // A 0 just before and just after the slice is not in it.
                b[off + len] = 0;
                if (off > 0) {
                    b[off - 1] = 0;
                }
                assertThat(Words.hasNul(b, off, len)).isFalse();
                for (int at = 0; at < len; at++) {
                    byte[] c = b.clone();
                    c[off + at] = 0;
                    assertThat(Words.hasNul(c, off, len))
                            .as("len %d, 0 at %d", len, at)
                            .isTrue();
                }
            }
        }
        assertThat(Words.hasNul(new byte[0], 0, -1)).as("an absent field").isFalse();
        // A slice that ends the array (no word can be read past it).
        for (int len = 0; len <= 12; len++) {
            byte[] b = randomNonZero(len + 1);
            assertThat(Words.hasNul(b, 1, len)).isFalse();
            for (int at = 0; at < len; at++) {
                byte[] c = b.clone();
                c[1 + at] = 0;
                assertThat(Words.hasNul(c, 1, len))
                        .as("at the end, len %d, 0 at %d", len, at)
                        .isTrue();
            }
        }
    }

    @Test
    void hasNul_isNotFooledByBytesAbove0x80() {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) 0x80);
        assertThat(Words.hasNul(b, 0, 16)).isFalse();
        Arrays.fill(b, (byte) 0x01);
        assertThat(Words.hasNul(b, 0, 16)).isFalse();
        Arrays.fill(b, (byte) 0xff);
        assertThat(Words.hasNul(b, 0, 16)).isFalse();
    }

    @Test
    void equal_isArraysEquals_atEveryLengthAndOffset() {
        for (int len = 0; len <= 24; len++) {
            byte[] a = randomNonZero(len + 5);
            byte[] b = new byte[len + 3]; // ends with the slice: the tail cannot be read as one word
            System.arraycopy(a, 5, b, 3, len);
            assertThat(Words.equal(a, 5, b, 3, len)).isTrue();
            for (int at = 0; at < len; at++) {
                byte[] c = b.clone();
                c[3 + at] ^= 0x40;
                assertThat(Words.equal(a, 5, c, 3, len))
                        .as("len %d, differs at %d", len, at)
                        .isFalse();
            }
        }
    }

    @Test
    void hash_dependsOnTheBytesOnly_andTellsSplitsApart() {
        for (int len = 0; len <= 24; len++) {
            byte[] a = randomNonZero(len + 2);
            byte[] b = new byte[len + 7];
            System.arraycopy(a, 2, b, 7, len);
            assertThat(Words.hash(1, a, 2, len)).isEqualTo(Words.hash(1, b, 7, len));
            byte[] padded = java.util.Arrays.copyOf(b, b.length + 8);
            padded[b.length] = 42; // a byte after the slice changes nothing
            assertThat(Words.hash(1, padded, 7, len)).isEqualTo(Words.hash(1, b, 7, len));
        }
        byte[] abc = "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long aThenBc = Words.hash(Words.hash(0, abc, 0, 1), abc, 1, 2);
        long abThenC = Words.hash(Words.hash(0, abc, 0, 2), abc, 2, 1);
        assertThat(aThenBc).isNotEqualTo(abThenC);
        // Distinct tags spread: 10,000 of them give (nearly) 10,000 distinct 32-bit folds.
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            byte[] tag = ("host:h" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long h = Words.hash(0, tag, 0, tag.length);
            seen.add((int) (h ^ (h >>> 32)));
        }
        assertThat(seen.size()).isGreaterThan(9_990);
    }

    private byte[] randomNonZero(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (1 + random.nextInt(255));
        }
        return b;
    }
}
