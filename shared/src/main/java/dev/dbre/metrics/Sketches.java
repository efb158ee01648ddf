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

    private Sketches() {}

    /** A new, empty quantile sketch in the product's configuration. */
    public static DDSketch newQuantiles() {
        return new DDSketch(MAPPING, STORE);
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
