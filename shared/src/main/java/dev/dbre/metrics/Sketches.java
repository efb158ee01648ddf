package dev.dbre.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Store;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import net.agkn.hll.HLL;
import net.agkn.hll.HLLType;

/**
 * The one sketch configuration of the product. Every stored sketch uses it, so any two merge.
 *
 * <ul>
 *   <li>Timers, histograms, distributions: DDSketch with a logarithmic index mapping of
 *       {@value #RELATIVE_ACCURACY} relative accuracy (a quantile answer {@code v} is within 1 % of
 *       a value of that rank: {@code |v - exact| <= 0.01 * |exact|}) and unbounded dense stores
 *       (no bucket is ever collapsed, so the bound holds for every quantile). Changing the mapping
 *       would make old and new sketches unmergeable: it is a schema decision, not a setting.
 *   <li>Sets: HyperLogLog (java-hll, the storage format of the PostgreSQL {@code hll} extension),
 *       2^{@value #HLL_LG_K} registers of 5 bits: about 1.6 % standard error, at most 2.6 KiB per
 *       sketch. Members are hashed to 64 bits by {@link #memberHash} (FNV-1a, then MurmurHash3's
 *       finalizer for avalanche). A small set is kept exactly (its hashes) and counts exactly.
 * </ul>
 */
public final class Sketches {
    /** Relative accuracy of every DDSketch (and of quantile and threshold answers). */
    public static final double RELATIVE_ACCURACY = 0.01;
    /** log2 of the HLL sketches' register count. */
    public static final int HLL_LG_K = 12;
    /** Bits per HLL register. */
    public static final int HLL_REGISTER_BITS = 5;

    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    private static final Supplier<Store> STORE = UnboundedSizeDenseStore::new;
    /** The largest magnitude a sketch takes: {@link DDSketch#accept} throws above it. */
    static final double MAX_TRACKABLE = MAPPING.maxIndexableValue();
    /** Magnitudes at or below this count as zero (the sketch's zero bucket). */
    private static final double MIN_INDEXED = Math.max(0, MAPPING.minIndexableValue());
    /** The library's default growth step of a dense store's array. */
    private static final int STORE_GROWTH = 64;

    private Sketches() {}

    /** A new, empty quantile sketch in the product's configuration. */
    public static DDSketch newQuantiles() {
        return new DDSketch(MAPPING, STORE);
    }

    /**
     * A quantile sketch of the {@code n} values in {@code valuesAndWeights} (value, weight, value,
     * weight...): the same sketch (the same bins, counts and encoding) as accepting them one by one,
     * in order, into {@link #newQuantiles()}, but each store's array is allocated once, large enough
     * for the values' index range, so no array grows or re-centres while they enter. A sketch fed
     * value by value does that several times per series and interval (the library grows a dense
     * store 64 bins at a time and shifts the counts to centre them): most of the cost of aggregating
     * timers at ingest before.
     *
     * @throws IllegalArgumentException for a value the sketch cannot track (as {@link
     *     DDSketch#accept} does)
     */
    public static DDSketch quantilesOf(double[] valuesAndWeights, int n) {
        double posFirst = Double.NaN;
        double posLo = Double.POSITIVE_INFINITY;
        double posHi = Double.NEGATIVE_INFINITY;
        double negFirst = Double.NaN;
        double negLo = Double.POSITIVE_INFINITY;
        double negHi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 2 * n; i += 2) {
            double v = valuesAndWeights[i];
            if (v > MIN_INDEXED && v <= MAX_TRACKABLE) {
                posFirst = posLo > posHi ? v : posFirst;
                posLo = Math.min(posLo, v);
                posHi = Math.max(posHi, v);
            } else if (v < -MIN_INDEXED && v >= -MAX_TRACKABLE) {
                negFirst = negLo > negHi ? -v : negFirst;
                negLo = Math.min(negLo, -v);
                negHi = Math.max(negHi, -v);
            }
        }
        DDSketch sketch =
                DDSketch.of(MAPPING, sizedStore(negFirst, negLo, negHi), sizedStore(posFirst, posLo, posHi), 0);
        for (int i = 0; i < 2 * n; i += 2) {
            sketch.accept(valuesAndWeights[i], valuesAndWeights[i + 1]);
        }
        return sketch;
    }

    /**
     * A store for magnitudes in {@code [lo, hi]}, the first to enter being {@code first} (none when
     * {@code lo > hi}). The store allocates its first array one growth step long, centred on the
     * first value's index, so a step of twice the larger distance from that index to either end
     * of the range holds the whole range.
     */
    private static Store sizedStore(double first, double lo, double hi) {
        if (lo > hi) {
            return new UnboundedSizeDenseStore();
        }
        long at = MAPPING.index(first);
        long reach = Math.max(at - MAPPING.index(lo), MAPPING.index(hi) - at + 1);
        return new UnboundedSizeDenseStore((int) Math.max(STORE_GROWTH, Math.min(1 << 20, 2 * reach)));
    }

    /**
     * The stored form of a quantile sketch: the library's own compact encoding, without the index
     * mapping (it is always {@link #RELATIVE_ACCURACY}'s; decoding supplies it).
     */
    public static byte[] encode(DDSketch sketch) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
        try {
            sketch.encode(out, true);
        } catch (IOException e) {
            throw new UncheckedIOException("a DDSketch could not be encoded", e);
        }
        return out.trimmedCopy();
    }

    /**
     * Merges a stored quantile sketch into {@code into} (a sketch of this configuration), decoding
     * its bins straight into {@code into}'s: no sketch is built per stored row.
     */
    public static void mergeEncoded(DDSketch into, byte[] encoded) {
        try {
            into.decodeAndMergeWith(ByteArrayInput.wrap(encoded));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored DDSketch could not be decoded", e);
        }
    }

    /** A new, empty distinct-count sketch. */
    public static HLL newDistinct() {
        // Explicit (exact, up to 4096 bytes of hashes), then sparse, then full registers.
        return new HLL(HLL_LG_K, HLL_REGISTER_BITS, -1, true, HLLType.EMPTY);
    }

    /** A stored distinct-count sketch. */
    public static HLL decodeDistinct(byte[] encoded) {
        return HLL.fromBytes(encoded);
    }

    /** The 64-bit hash of a set member (UTF-8 bytes {@code [off, off+len)} of {@code buf}). */
    public static long memberHash(byte[] buf, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off, end = off + len; i < end; i++) {
            h ^= buf[i] & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
