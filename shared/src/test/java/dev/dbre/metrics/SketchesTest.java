package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadoghq.sketch.ddsketch.DDSketch;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A sketch built from a batch of values at once ({@link Sketches#quantilesOf}, what ingest does
 * per series and interval) is the sketch the values make entering one by one: the same encoded
 * bytes, whatever the values' signs, magnitudes, order and weights.
 */
class SketchesTest {
    @Provide
    Arbitrary<List<Double>> values() {
        Arbitrary<Double> any = Arbitraries.oneOf(
                Arbitraries.doubles().between(-1e6, 1e6),
                Arbitraries.doubles().between(1e-3, 1e3).ofScale(6),
                Arbitraries.of(0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, 5e-324),
                Arbitraries.integers().between(0, 1000).map(i -> i * 0.25));
        return any.list().ofMinSize(1).ofMaxSize(400);
    }

    @Property(tries = 300)
    void aBatchBuiltSketch_encodesAsTheValuesAddedOneByOne(
            @ForAll("values") List<Double> values, @ForAll("values") List<Double> weightSeeds) {
        double[] valuesAndWeights = new double[2 * values.size()];
        DDSketch oneByOne = Sketches.newQuantiles();
        for (int i = 0; i < values.size(); i++) {
            // Weights are 1/rate: not powers of two, so a change in the order of additions would show.
            double rate = 0.01 + 0.99 * Math.abs(Math.sin(weightSeeds.get(i % weightSeeds.size()) + i));
            double weight = 1 / rate;
            valuesAndWeights[2 * i] = values.get(i);
            valuesAndWeights[2 * i + 1] = weight;
            oneByOne.accept(values.get(i), weight);
        }
        DDSketch batch = Sketches.quantilesOf(valuesAndWeights, values.size());
        assertThat(Sketches.encode(batch)).isEqualTo(Sketches.encode(oneByOne));
        assertThat(Sketches.encodeQuantilesOf(valuesAndWeights, values.size())).isEqualTo(Sketches.encode(oneByOne));
        assertThat(batch.getCount()).isEqualTo(oneByOne.getCount());
        // It keeps taking values afterwards like any sketch (the store grows past its first size).
        batch.accept(1e9);
        batch.accept(-1e-9);
        oneByOne.accept(1e9);
        oneByOne.accept(-1e-9);
        assertThat(Sketches.encode(batch)).isEqualTo(Sketches.encode(oneByOne));
    }

    @Provide
    Arbitrary<List<Double>> fewBins() {
        // Few distinct values, many repeats: bins with several weights, both encodings' sizes close.
        return Arbitraries.oneOf(
                        Arbitraries.of(0.0, 1.0, -1.0, 2.5, 1e-300, 1000.0, -0.01),
                        Arbitraries.integers().between(-50, 50).map(i -> i * 1.5))
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    @Property(tries = 500)
    void encodingWithoutBuildingTheSketch_givesTheLibrarysBytes(
            @ForAll("fewBins") List<Double> values, @ForAll("values") List<Double> weightSeeds) {
        double[] valuesAndWeights = new double[2 * values.size()];
        DDSketch oneByOne = Sketches.newQuantiles();
        for (int i = 0; i < values.size(); i++) {
            double seed = weightSeeds.get(i % weightSeeds.size());
            // Some zero weights (the library skips them) and uneven ones (their sum depends on order).
            double weight = seed > 5e5 ? 0 : 1 / (0.01 + 0.99 * Math.abs(Math.sin(seed + i)));
            valuesAndWeights[2 * i] = values.get(i);
            valuesAndWeights[2 * i + 1] = weight;
            oneByOne.accept(values.get(i), weight);
        }
        assertThat(Sketches.encodeQuantilesOf(valuesAndWeights, values.size())).isEqualTo(Sketches.encode(oneByOne));
    }

    @Test
    void encodingWithoutBuildingTheSketch_choosesContiguousCountsForCloseBins_andDeltasForFarOnes() {
        double[] close = {1.0, 1, 1.02, 1, 1.04, 1, 1.06, 1};
        double[] far = {0.01, 1, 1000.0, 1};
        assertThat(Sketches.encodeQuantilesOf(close, 4)).isEqualTo(Sketches.encode(Sketches.quantilesOf(close, 4)));
        assertThat(Sketches.encodeQuantilesOf(far, 2)).isEqualTo(Sketches.encode(Sketches.quantilesOf(far, 2)));
        // Contiguous: flag, bin count 4..; deltas: flag, 2 bins. Different flag bytes for one store type.
        assertThat(Sketches.encodeQuantilesOf(close, 4)[0]).isNotEqualTo(Sketches.encodeQuantilesOf(far, 2)[0]);
        assertThatThrownBy(() -> Sketches.encodeQuantilesOf(new double[] {Double.NaN, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sketches.encodeQuantilesOf(new double[] {Double.POSITIVE_INFINITY, 1}, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodingWithoutBuildingTheSketch_putsTheTrackableAndIndexableEdgesInTheLibrarysBins() {
        double minIndexed = Sketches.newQuantiles().getIndexMapping().minIndexableValue();
        double[] edges = {
            Sketches.MAX_TRACKABLE, -Sketches.MAX_TRACKABLE, minIndexed, -minIndexed, Math.nextUp(minIndexed), 1.0
        };
        DDSketch oneByOne = Sketches.newQuantiles();
        double[] valuesAndWeights = new double[2 * edges.length];
        for (int i = 0; i < edges.length; i++) {
            valuesAndWeights[2 * i] = edges[i];
            valuesAndWeights[2 * i + 1] = 1.5;
            oneByOne.accept(edges[i], 1.5);
        }
        assertThat(Sketches.encodeQuantilesOf(valuesAndWeights, edges.length)).isEqualTo(Sketches.encode(oneByOne));
    }

    @Test
    void anAggregatesEncodedState_isTheSameBeforeAndAfterItsSketchIsBuilt() {
        Aggregate a = new Aggregate(SeriesType.DISTRIBUTION);
        for (int i = 0; i < 50; i++) {
            a.addValue(i * 3.7 - 20, 1 / (0.1 + i % 7 * 0.1), i);
        }
        byte[] waiting = a.encodeState();
        a.quantileSketch(); // the values enter the sketch; the state is now the library's encoding
        assertThat(waiting).isEqualTo(a.encodeState());
    }

    @Test
    void anAggregatesSketch_isTheOneByOneSketch_andAValueTooLargeFailsOnItsOwnLine() {
        Aggregate a = new Aggregate(SeriesType.TIMER);
        DDSketch oneByOne = Sketches.newQuantiles();
        for (int i = 0; i < 1000; i++) {
            double v = (i * 37 % 1001) - 100.5;
            a.addValue(v, 0.3, i);
            oneByOne.accept(v, 1 / 0.3);
        }
        assertThat(a.encodeState()).isEqualTo(Sketches.encode(oneByOne));
        assertThatThrownBy(() -> a.addValue(Double.MAX_VALUE, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        // Values after the sketch was read still count.
        a.addValue(3, 1, 0);
        oneByOne.accept(3, 1);
        assertThat(a.quantileSketch().getCount()).isEqualTo(oneByOne.getCount());
    }
}
