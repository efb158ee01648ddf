package dev.dbre.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dbre.metrics.query.StepResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Aggregates merge like the whole: any split of a stream into batches, merged in any order (and
 * through their stored form), gives the same counts, sums, min/max, gauge last and sketch as the
 * stream aggregated in one piece; quantile and threshold answers keep the documented bounds.
 */
class AggregatePropertiesTest {
    private static final double ALPHA = Sketches.RELATIVE_ACCURACY;

    /** A sample: value, sample rate (powers of two, so that weighted sums are exact), timestamp. */
    record Sample(double value, double rate, long ts) {}

    @Provide
    Arbitrary<List<Sample>> samples() {
        Arbitrary<Double> values =
                Arbitraries.integers().between(-1000, 100_000).map(i -> i / 8.0);
        Arbitrary<Double> rates = Arbitraries.of(1.0, 0.5, 0.25, 0.125);
        Arbitrary<Long> ts = Arbitraries.longs().between(0, 1_000_000);
        return Combinators.combine(values, rates, ts)
                .as(Sample::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(300);
    }

    @Property(tries = 200)
    void anySplitInAnyOrder_mergesToTheWhole(
            @ForAll("samples") List<Sample> stream,
            @ForAll("types") SeriesType type,
            @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 300) Integer> cuts,
            @ForAll long seed) {
        List<Sample> distinctTs = type == SeriesType.GAUGE ? uniqueTimestamps(stream) : stream;
        Aggregate whole = aggregate(type, distinctTs);

        List<List<Sample>> parts = split(distinctTs, cuts);
        Collections.shuffle(parts, new Random(seed));
        Aggregate merged = new Aggregate(type);
        for (List<Sample> part : parts) {
            Aggregate a = aggregate(type, part);
            if (new Random(seed ^ part.size()).nextBoolean()) {
                merged.merge(a);
            } else { // through the stored row, as the query and the rollup read it
                merged.mergeRow(a.n(), a.sum(), a.min(), a.max(), a.last(), a.lastTs(), a.encodeState());
            }
        }

        assertThat(merged.n()).isEqualTo(whole.n());
        assertThat(merged.sum()).isEqualTo(whole.sum());
        assertThat(merged.min()).isEqualTo(whole.min());
        assertThat(merged.max()).isEqualTo(whole.max());
        assertThat(merged.last()).isEqualTo(whole.last());
        if (type.hasQuantiles()) {
            assertThat(merged.quantileSketch().getCount())
                    .isEqualTo(whole.quantileSketch().getCount());
            for (double q : new double[] {0, 0.1, 0.5, 0.9, 0.99, 1}) {
                assertThat(merged.quantileSketch().getValueAtQuantile(q))
                        .isEqualTo(whole.quantileSketch().getValueAtQuantile(q));
            }
        }
        if (type == SeriesType.SET) {
            assertThat(merged.distinctCount()).isEqualTo(whole.distinctCount());
            assertThat(merged.encodeState()).isEqualTo(whole.encodeState());
        }
    }

    @Provide
    Arbitrary<SeriesType> types() {
        return Arbitraries.of(
                SeriesType.COUNT, SeriesType.GAUGE, SeriesType.DISTRIBUTION, SeriesType.TIMER, SeriesType.SET);
    }

    @Property(tries = 200)
    void quantiles_areWithinTheRelativeAccuracyOfTheExactValue(
            @ForAll @Size(min = 1, max = 2000)
                    List<@DoubleRange(min = 0.001, max = 1e6) @net.jqwik.api.constraints.Scale(4) Double> values,
            @ForAll @DoubleRange(min = 0, max = 1) @net.jqwik.api.constraints.Scale(4) double q) {
        Aggregate a = new Aggregate(SeriesType.DISTRIBUTION);
        values.forEach(v -> a.addValue(v, 1, 0));
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double exact = sorted[(int) Math.floor(q * (sorted.length - 1))];
        double answer = step(a).quantile(q);
        assertThat(Math.abs(answer - exact)).isLessThanOrEqualTo(ALPHA * exact * (1 + 1e-9));
    }

    @Property(tries = 200)
    void fractionAtOrBelow_liesBetweenTheExactFractionsAtTheThresholdTimesOneMinusAndPlusTheAccuracy(
            @ForAll @Size(min = 1, max = 2000) List<@DoubleRange(min = -1e4, max = 1e6) Double> values,
            @ForAll @DoubleRange(min = -1e4, max = 1e6) double threshold) {
        Aggregate a = new Aggregate(SeriesType.TIMER);
        values.forEach(v -> a.addValue(v, 1, 0));
        double answer = step(a).fractionAtOrBelow(threshold);
        // Within the sketch's accuracy: every value in the threshold's bin is within a factor
        // (1 + α) / (1 - α) of it.
        double gamma = (1 + ALPHA) / (1 - ALPHA);
        double lo = threshold >= 0 ? threshold / gamma : threshold * gamma;
        double hi = threshold >= 0 ? threshold * gamma : threshold / gamma;
        assertThat(answer).isBetween(exactFraction(values, lo) - 1e-12, exactFraction(values, hi) + 1e-12);
        assertThat(step(a).fractionAbove(threshold)).isEqualTo(1 - answer);
    }

    private static double exactFraction(List<Double> values, double x) {
        return values.stream().filter(v -> v <= x).count() / (double) values.size();
    }

    private static StepResult step(Aggregate a) {
        return new StepResult(Instant.EPOCH, Duration.ofSeconds(10), a);
    }

    static Aggregate aggregate(SeriesType type, List<Sample> samples) {
        Aggregate a = new Aggregate(type);
        for (Sample s : samples) {
            if (type == SeriesType.SET) {
                byte[] member = ("m" + (long) s.value()).getBytes(StandardCharsets.UTF_8);
                a.addMember(member, 0, member.length);
            } else {
                a.addValue(s.value(), s.rate(), s.ts());
            }
        }
        return a;
    }

    private static List<Sample> uniqueTimestamps(List<Sample> stream) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            out.add(new Sample(
                    stream.get(i).value(), 1, i * 1000L + stream.get(i).ts() % 1000));
        }
        return out;
    }

    private static List<List<Sample>> split(List<Sample> stream, List<Integer> cuts) {
        int[] at =
                cuts.stream().mapToInt(c -> Math.min(c, stream.size())).sorted().toArray();
        List<List<Sample>> parts = new ArrayList<>();
        int from = 0;
        for (int c : at) {
            parts.add(stream.subList(from, Math.max(from, c)));
            from = Math.max(from, c);
        }
        parts.add(stream.subList(from, stream.size()));
        parts.removeIf(List::isEmpty);
        return parts.isEmpty() ? new ArrayList<>(List.of(stream)) : parts;
    }
}
