package dev.dbre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * The package-size checks of the cloud modules (aws ShadedJarIT, azure and gcp PackageIT): each
 * package keeps only the fastutil classes java-hll needs, so each checks that set sketches still
 * work when loaded from the packaged files alone. The classes are reached by reflection through
 * the package's own class loader, never through the test's classpath.
 */
public final class PackagedSetSketches {
    private PackagedSetSketches() {}

    /**
     * Set sketches aggregate, encode, decode and merge in each of their representations: 100
     * members (exact hashes), 2,000 (sparse registers) and 100,000 (full registers).
     *
     * @param loader the class loader over the packaged files
     * @param through what the loader reads, for the assertion's message ("the shaded jar")
     */
    public static void assertAggregate(ClassLoader loader, String through) throws ReflectiveOperationException {
        Class<?> seriesType = loader.loadClass("dev.dbre.metrics.SeriesType");
        Class<?> aggregate = loader.loadClass("dev.dbre.metrics.Aggregate");
        Object set = seriesType.getField("SET").get(null);
        Method addMember = aggregate.getMethod("addMember", byte[].class, int.class, int.class);
        Method encode = aggregate.getMethod("encodeState");
        Method mergeRow = aggregate.getMethod(
                "mergeRow",
                double.class,
                Double.class,
                Double.class,
                Double.class,
                Double.class,
                Long.class,
                byte[].class);
        Method distinct = aggregate.getMethod("distinctCount");
        for (int members : new int[] {100, 2_000, 100_000}) {
            Object written = aggregate.getConstructor(seriesType).newInstance(set);
            for (int i = 0; i < members; i++) {
                byte[] member = ("user-" + i).getBytes(StandardCharsets.UTF_8);
                addMember.invoke(written, member, 0, member.length);
            }
            Object read = aggregate.getConstructor(seriesType).newInstance(set);
            mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
            mergeRow.invoke(read, (double) members, null, null, null, null, null, encode.invoke(written));
            assertThat((double) distinct.invoke(read))
                    .as("distinct members of %d, through %s", members, through)
                    .isCloseTo(members, withinPercentage(5));
        }
    }
}
