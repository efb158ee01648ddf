package dev.dbre.metrics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.Store;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.memory.Memory;

/**
 * The one sketch configuration of the product. Every stored sketch uses it, so any two merge.
 *
 * <ul>
 *   <li>Timers, histograms, distributions: DDSketch with a logarithmic index mapping of
 *       {@value #RELATIVE_ACCURACY} relative accuracy (a quantile answer {@code v} is within 1 % of
 *       a value of that rank: {@code |v - exact| <= 0.01 * |exact|}) and unbounded dense stores
 *       (no bucket is ever collapsed, so the bound holds for every quantile). Changing the mapping
 *       would make old and new sketches unmergeable: it is a schema decision, not a setting.
 *   <li>Sets: HyperLogLog ({@code HLL_8}, lgK {@value #HLL_LG_K}: about 1.6 % standard error,
 *       at most 4 KiB per sketch).
 * </ul>
 */
public final class Sketches {
    /** Relative accuracy of every DDSketch (and of quantile and threshold answers). */
    public static final double RELATIVE_ACCURACY = 0.01;
    /** log2 of the HLL sketches' register count. */
    public static final int HLL_LG_K = 12;

    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    private static final Supplier<Store> STORE = UnboundedSizeDenseStore::new;

    private Sketches() {}

    /** A new, empty quantile sketch in the product's configuration. */
    public static DDSketch newQuantiles() {
        return new DDSketch(MAPPING, STORE);
    }

    /** The stored form of a quantile sketch. */
    public static byte[] encode(DDSketch sketch) {
        ByteBuffer b = sketch.serialize();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Merges a stored quantile sketch into {@code into}. */
    public static void mergeEncoded(DDSketch into, byte[] encoded) {
        try {
            into.mergeWith(DDSketch.decode(ByteArrayInput.wrap(encoded), STORE, MAPPING));
        } catch (IOException e) {
            throw new UncheckedIOException("a stored DDSketch could not be decoded", e);
        }
    }

    /** A new, empty distinct-count sketch. */
    public static HllSketch newDistinct() {
        return new HllSketch(HLL_LG_K, TgtHllType.HLL_8);
    }

    /** A union (merge target) of distinct-count sketches. */
    public static Union newDistinctUnion() {
        return new Union(HLL_LG_K);
    }

    /** Merges a stored distinct-count sketch into {@code union}. */
    public static void mergeEncoded(Union union, byte[] encoded) {
        union.update(HllSketch.heapify(Memory.wrap(encoded)));
    }
}
