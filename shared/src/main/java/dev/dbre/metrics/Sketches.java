package dev.dbre.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.BinEncodingMode;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.Flag;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.encoding.VarEncodingHelper;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Store;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
     * {@link #encode}{@code (}{@link #quantilesOf}{@code (valuesAndWeights, n))} without building
     * the sketch: the same bytes. Ingest encodes each series' sketch of a batch once, and a batch's
     * sketch mostly holds a few values spread over hundreds of bins (a timer's 10 values between
     * 0.01 and 1,000 span some 580): a dense store allocates, zeroes and scans every bin of that
     * range, while this sorts the few values' bin indexes. It writes what the library's {@code
     * DDSketch.encode(out, true)} writes, with the library's own encoding helpers: the zero count
     * when not 0, then the positive store, then the negative one, each either as contiguous counts
     * from its lowest to its highest index or as index deltas and counts, whichever is shorter
     * (contiguous on a tie), exactly the rule of the library's {@code DenseStore.encode}; each bin's
     * count is the sum of its weights in input order, as the store adds them. SketchesTest compares
     * the bytes with the library's over arbitrary values and weights.
     *
     * @throws IllegalArgumentException for a value the sketch cannot track (as {@link
     *     DDSketch#accept} does)
     */
    public static byte[] encodeQuantilesOf(double[] valuesAndWeights, int n) {
        // One key per binned value: its bin index in the high half, its position in the low half,
        // so one sort orders bins by index and a bin's weights by input order.
        long[] positive = new long[n];
        long[] negative = new long[n];
        int positives = 0;
        int negatives = 0;
        double zeroCount = 0;
        for (int i = 0; i < n; i++) {
            double v = valuesAndWeights[2 * i];
            double w = valuesAndWeights[2 * i + 1];
            if (!(Math.abs(v) <= MAX_TRACKABLE) || !(w >= 0)) {
                throw new IllegalArgumentException("value " + v + " with weight " + w + " cannot enter a sketch");
            }
            if (w == 0) {
                continue; // the store ignores a zero count: it neither adds the bin nor widens the range
            }
            if (v > MIN_INDEXED) {
                positive[positives++] = binKey(MAPPING.index(v), i);
            } else if (v < -MIN_INDEXED) {
                negative[negatives++] = binKey(MAPPING.index(-v), i);
            } else {
                zeroCount += w;
            }
        }
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(16 + 4 * n);
        try {
            if (zeroCount != 0) {
                Flag.ZERO_COUNT.encode(out);
                VarEncodingHelper.encodeVarDouble(out, zeroCount);
            }
            encodeBins(out, Flag.Type.POSITIVE_STORE, positive, positives, valuesAndWeights);
            encodeBins(out, Flag.Type.NEGATIVE_STORE, negative, negatives, valuesAndWeights);
        } catch (IOException e) {
            throw new UncheckedIOException("a DDSketch could not be encoded", e);
        }
        return out.trimmedCopy();
    }

    private static long binKey(int index, int position) {
        return ((long) index << 32) | position;
    }

    /** One store's bins from its {@code count} keys ({@link #binKey}), as {@code DenseStore.encode}. */
    private static void encodeBins(
            GrowingByteArrayOutput out, Flag.Type store, long[] keys, int count, double[] valuesAndWeights)
            throws IOException {
        if (count == 0) {
            return;
        }
        Arrays.sort(keys, 0, count);
        // Merge each bin's weights (in input order) into parallel arrays of distinct indexes.
        int[] index = new int[count];
        double[] weight = new double[count];
        int bins = 0;
        for (int k = 0; k < count; k++) {
            int at = (int) (keys[k] >> 32);
            double w = valuesAndWeights[2 * (int) keys[k] + 1];
            if (bins > 0 && index[bins - 1] == at) {
                weight[bins - 1] += w;
            } else {
                index[bins] = at;
                weight[bins] = w;
                bins++;
            }
        }
        int minIndex = index[0];
        long range = (long) index[bins - 1] - minIndex + 1;
        long denseBytes = VarEncodingHelper.unsignedVarLongEncodedLength(range)
                + VarEncodingHelper.signedVarLongEncodedLength(minIndex)
                + VarEncodingHelper.signedVarLongEncodedLength(1)
                + (range - bins) * VarEncodingHelper.varDoubleEncodedLength(0.0);
        long sparseBytes = 0;
        long previous = 0;
        for (int b = 0; b < bins; b++) {
            long bytes = VarEncodingHelper.varDoubleEncodedLength(weight[b]);
            denseBytes += bytes;
            sparseBytes += VarEncodingHelper.signedVarLongEncodedLength(index[b] - previous) + bytes;
            previous = index[b];
        }
        if (denseBytes <= sparseBytes) {
            BinEncodingMode.CONTIGUOUS_COUNTS.toFlag(store).encode(out);
            VarEncodingHelper.encodeUnsignedVarLong(out, range);
            VarEncodingHelper.encodeSignedVarLong(out, minIndex);
            VarEncodingHelper.encodeSignedVarLong(out, 1);
            int b = 0;
            for (long i = minIndex; i <= index[bins - 1]; i++) {
                if (index[b] == i) {
                    VarEncodingHelper.encodeVarDouble(out, weight[b++]);
                } else {
                    VarEncodingHelper.encodeVarDouble(out, 0.0);
                }
            }
        } else {
            BinEncodingMode.INDEX_DELTAS_AND_COUNTS.toFlag(store).encode(out);
            VarEncodingHelper.encodeUnsignedVarLong(out, bins);
            previous = 0;
            for (int b = 0; b < bins; b++) {
                VarEncodingHelper.encodeSignedVarLong(out, index[b] - previous);
                VarEncodingHelper.encodeVarDouble(out, weight[b]);
                previous = index[b];
            }
        }
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
